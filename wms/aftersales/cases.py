"""After-sales cases (售后单): opening them, their goods coming back, replacement orders, finishing and
closing them.

Each function is one use case and owns its transaction (ends with wms.aftercommit.commit()). States and
kinds: wms.aftersales.case_states. Every change writes a CaseEvent (who, when, what: wms.aftersales.case_timeline)
and a note on the order's timeline; a replacement order's timeline names the case and its reason. The refund a
case makes: wms.aftersales.refund_steps; the pages' reads: case_queries; the per-store setting: case_settings.

Replacement orders (exchange 换货, re-shipment 补发): a new order of the same store, the case's lines at
no charge (total 0, paid), the original's buyer and address, number `<original>-EX<case>` / `-RS<case>`.
It is `imported` and goes through the review desk, allocation, picking and packing like any order
(the automatic review is asked for by its job's name). An exchange whose store waits for the goods
(wms.aftersales.case_settings, on unless set false; the opening form may say otherwise)
puts its replacement on hold (hold reason `awaiting_return`) until the parcel is received; then it is
approved and handed to allocation.

Transitions of orders: a replacement imported -> on_hold (waits for the goods) and on_hold -> approved
(the goods came back).
"""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from wms import aftercommit, job_names
from wms.aftersales import case_states as cs
from wms.aftersales.case_inputs import parse_cents
from wms.aftersales.case_models import AfterSalesCase, CaseLine
from wms.aftersales.case_queries import platform_requests_without_case
from wms.aftersales.refund_steps import release_refund, reserve_refund
from wms.aftersales.case_settings import channel_waits
from wms.aftersales.case_timeline import add_event, load_case, move_case
from wms.aftersales.models import ReturnReceipt
from wms.aftersales.refund_models import PlatformRefund
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name, as_int, clean_text
from wms.inventory import jobs as inventory_jobs
from wms.orders import next_steps, states
from wms.orders.models import Order, OrderLine
from wms.rows import get_or_not_found
from wms.worker import enqueue
from wms.wording import english, wording

AWAITING_RETURN = next_steps.AWAITING_RETURN         # the replacement's hold reason code
AFTER_SHIPPING = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED, states.RETURNED})
SHIPPED = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED})
SUFFIX = {cs.EXCHANGE: "EX", cs.RESHIP: "RS"}


def open_case(order_id, kind, *, reason, actor=None, lines=(), refund_cents=None, return_carrier="",
              return_tracking_number="", waits_for_return=None, source="reviewer", platform_refund_id=None):
    """Open a case on an order (a refund only on any order - one cancelled before shipping by an intercept
    (wms.aftersales.services) still has its money to give back; the other kinds on a shipped one):
    `lines` [{order_line_id, qty}] (never more of a line than was ordered and is
    not on another live case), the reason, the buyer's return carrier and tracking number, the refund to
    make (cents). Returns the case. Bad input: ValidationFailed, nothing written."""
    order = get_or_not_found(Order, as_int(order_id), "Order not found")
    state = cs.first_state(kind)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the after-sales case", field="reason")
    if kind != cs.REFUND_ONLY and order.status not in AFTER_SHIPPING:
        raise ValidationFailed.worded("Order {order} is '{status}': only a shipped order has returns, exchanges "
                                      "or re-shipments (cancel it instead)", order=order.external_id,
                                      status=wording(order.status), details={"field": "kind"})
    clean = _check_lines(order, lines, required=kind != cs.REFUND_ONLY)
    tracking = clean_text(return_tracking_number).upper()
    case = AfterSalesCase(order_id=order.id, channel_id=order.channel_id, kind=kind, state=state,
                          reason=reason[:2000], source=source, platform_refund_id=platform_refund_id,
                          return_carrier=clean_text(return_carrier)[:40], return_tracking_number=tracking,
                          opened_by=actor_name(actor))
    case.lines = [CaseLine(**line) for line in clean]
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed("This platform request already has a case", field="platform_refund_id") from None
    add_event(case, wording("case opened ({kind}): {reason}", kind=wording(kind), reason=reason), actor,
              kind="state", to_state=state)
    order.note(wording("after-sales case {case} opened ({kind}): {reason}", case=case.id, kind=wording(kind),
                       reason=reason), actor=actor, kind="aftersales")
    if kind in cs.EXPECTS_GOODS:
        move_case(case, cs.WAITING_RETURN, actor)
    if kind in cs.MAKES_ORDER:
        waits = kind == cs.EXCHANGE and (channel_waits(order.channel) if waits_for_return is None
                                         else bool(waits_for_return))
        case.waits_for_return = waits
        _make_replacement(case, order, waits, actor)
        if kind == cs.RESHIP:
            move_case(case, cs.REPLACEMENT_ORDERED, actor)
    if refund_cents not in (None, "", 0, "0"):
        if kind not in cs.REFUNDS:
            raise ValidationFailed("Only a refund or a return and refund records a refund", field="refund")
        reserve_refund(case, order, parse_cents(refund_cents), actor)
    aftercommit.commit()
    return case


def open_from_platform(platform_refund_id, actor=None):
    """A platform's refund / after-sales request becomes a case (once: one case per request), with its
    kind, reason, return tracking number and amount; goods requests take every line of the order."""
    request = get_or_not_found(PlatformRefund, as_int(platform_refund_id), "No such platform request")
    existing = db.session.scalar(select(AfterSalesCase).where(AfterSalesCase.platform_refund_id == request.id))
    if existing is not None:
        return existing
    kind = request.kind if request.kind in cs.KINDS else cs.REFUND_ONLY
    lines = [{"order_line_id": line.id, "qty": line.qty} for line in request.order.lines] \
        if kind != cs.REFUND_ONLY else []
    return open_case(request.order_id, kind, reason=request.reason or request.refund_id, actor=actor, lines=lines,
                     refund_cents=request.amount_cents or None if kind in cs.REFUNDS else None,
                     return_carrier=request.return_carrier, return_tracking_number=request.return_tracking_number,
                     source="platform", platform_refund_id=request.id)


def cases_for_platform_requests(channel_id):
    """After a store's refund poll: each of its live requests (requested or agreed) for a refund or a return
    and refund that has no case yet becomes one (an exchange or re-shipment waits for a person: it makes a
    free order) (each in its own transaction; one that cannot - its lines are on another case, the refund
    would pass what was paid - stays on the desk's list of requests without a case). Returns the cases made."""
    made = []
    wanted = [(request.id, request.status, request.kind)
              for request in platform_requests_without_case(limit=500, channel_id=channel_id)]
    for request_id, status, kind in wanted:
        if status not in ("requested", "agreed") \
                or kind in cs.MAKES_ORDER:   # a free order is made by a person's choice only
            continue
        try:
            made.append(open_from_platform(request_id, actor="system").id)
        except ValidationFailed:
            db.session.rollback()
    return made


def check_receivable(case, order_id):
    """Refuse a case that expects no goods, is for another order, or has them back already."""
    if case.kind not in cs.EXPECTS_GOODS:
        raise ValidationFailed.worded("Case {case} ({kind}) expects no goods back", case=case.id,
                                      kind=wording(case.kind), details={"field": "case"})
    if case.order_id != order_id:
        raise ValidationFailed.worded("Case {case} is for another order", case=case.id, details={"field": "case"})
    if case.state not in (cs.OPEN, cs.WAITING_RETURN):
        raise ValidationFailed.worded("Case {case} is '{state}': its goods are already back or it is closed",
                                      case=case.id, state=wording(case.state), details={"field": "case"})


def goods_received(case, receipt, actor=None):
    """In the receiving transaction (wms.aftersales.returns): the case's goods are back; an exchange's
    replacement is released to allocation. Does not commit."""
    check_receivable(case, receipt.order_id)
    receipt.case_id = case.id
    for state in cs.path_to(case.kind, case.state, cs.RECEIVED):
        move_case(case, state, actor)
    add_event(case, wording("parcel received ({reference})", reference=receipt.reference or "-"), actor, kind="receipt")
    if case.kind == cs.EXCHANGE:
        _release_replacement(case, actor)
        move_case(case, cs.REPLACEMENT_ORDERED, actor)


def match_receipt(case_id, receipt_id, actor=None):
    """An unannounced parcel received without a case, matched to one later."""
    case = load_case(case_id)
    receipt = get_or_not_found(ReturnReceipt, as_int(receipt_id), "No such return receipt")
    if receipt.case_id is not None:
        raise ValidationFailed.worded("This return is already matched to case {case}", case=receipt.case_id,
                                      details={"field": "receipt"})
    goods_received(case, receipt, actor)
    aftercommit.commit()
    return case


def finish(case_id, actor=None):
    """The replacement order left (shipped): the exchange or re-shipment is done; an exchange's buyer is
    sent the exchange_shipped notice with the replacement's carrier and tracking number."""
    case = load_case(case_id)
    replacement = case.replacement_order
    if replacement is None or replacement.status not in SHIPPED:
        raise ValidationFailed.worded("The replacement order {order} has not shipped yet",
                                      order=replacement.external_id if replacement else "-",
                                      details={"field": "case"})
    move_case(case, cs.DONE, actor)
    if case.kind == cs.EXCHANGE:
        from wms.shipping.models import Parcel

        parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == replacement.id,
                                                        Parcel.tracking_number.is_not(None))
                                   .order_by(Parcel.id.desc()).limit(1))
        enqueue(job_names.NOTIFY_BUYERS, [case.order_id], "exchange_shipped",
                {"carrier": parcel.carrier_code if parcel else (replacement.carrier_code or ""),
                 "tracking": parcel.tracking_number if parcel else ""})
    aftercommit.commit()
    return case


def close(case_id, reason, actor=None):
    """Withdraw or refuse a case; a refund recorded but not made is given back to the order's total, and a
    replacement order not yet on the floor is cancelled (one on the floor must be intercepted first).

    Transitions of the replacement: imported | on_hold | approved | backorder -> cancelled."""
    case = load_case(case_id)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the case is closed", field="reason")
    if case.refund_status == cs.REFUND_SENT:
        raise ValidationFailed("The refund was sent to the platform: wait for its answer", field="refund")
    replacement = case.replacement_order
    if replacement is not None and replacement.status not in states.EDITABLE | {states.CANCELLED}:
        raise ValidationFailed.worded("The replacement order {order} is '{status}': intercept it first",
                                      order=replacement.external_id, status=wording(replacement.status),
                                      details={"field": "case"})
    if replacement is not None and replacement.status != states.CANCELLED:
        replacement.transition_to(states.CANCELLED, reason=wording("after-sales case {case} closed: {reason}",
                                                                   case=case.id, reason=reason), actor=actor)
    if case.refund_status == cs.REFUND_PENDING:
        release_refund(case)
        case.refund_status, case.refund_cents = cs.REFUND_NONE, 0
    move_case(case, cs.CLOSED, actor, said=wording("closed: {reason}", reason=reason))
    aftercommit.commit()
    return case


# ---- helpers


def _check_lines(order, lines, required):
    by_id = {line.id: line for line in order.lines}
    taken = dict(db.session.execute(
        select(CaseLine.order_line_id, func.sum(CaseLine.qty)).join(AfterSalesCase)
        .where(AfterSalesCase.order_id == order.id, AfterSalesCase.state != cs.CLOSED)
        .group_by(CaseLine.order_line_id)).all())
    errors, clean, wanted = [], [], {}
    for number, raw in enumerate(lines or [], start=1):
        line = by_id.get(as_int(raw.get("order_line_id")))
        if line is None:
            errors.append({"line": number, "field": "order_line_id", "message": "not a line of this order"})
            continue
        qty = as_int(raw.get("qty"))
        wanted[line.id] = wanted.get(line.id, 0) + (qty or 0)
        left = line.qty - taken.get(line.id, 0) - (wanted[line.id] - (qty or 0))
        if cs.qty_problem(qty, left):
            errors.append({"line": number, "order_line_id": line.id, "field": "qty",
                           "message": "Enter a quantity from 1 to {left}", "values": {"left": max(0, left)}})
            continue
        clean.append(dict(order_line_id=line.id, sku_id=line.sku_id, sku_code=line.sku_code, qty=qty))
    if errors:
        raise ValidationFailed("The case's lines have errors; nothing was opened", errors=errors)
    if required and not clean:
        raise ValidationFailed("Choose the items of the case and how many", field="lines")
    return clean


def _make_replacement(case, order, waits, actor):
    suffix = SUFFIX[case.kind]
    copy = {name: getattr(order, name) for name in (
        "buyer_name", "buyer_phone", "buyer_email", "country", "province", "city", "district", "address",
        "postcode", "currency", "carrier_code")}
    replacement = Order(channel_id=order.channel_id, external_id=f"{order.external_id}-{suffix}{case.id}"[:64],
                        status=states.IMPORTED, total_cents=0, payment_status="paid", **copy,
                        seller_note=english(wording("{kind} for order {order} (after-sales case {case}): {reason}",
                                                    kind=wording(case.kind), order=order.external_id,
                                                    case=case.id, reason=case.reason))[:2000])
    by_id = {line.id: line for line in order.lines}
    for line in case.lines:
        source = by_id[line.order_line_id]
        replacement.lines.append(OrderLine(sku_id=line.sku_id, sku_code=line.sku_code, name=source.name,
                                           qty=line.qty, unit_price_cents=0))
    db.session.add(replacement)
    db.session.flush()
    case.replacement_order_id = replacement.id
    replacement.note(wording("made for after-sales case {case} of order {order} ({kind}): {reason}", case=case.id,
                             order=order.external_id, kind=wording(case.kind), reason=case.reason),
                     actor=actor, kind="aftersales")
    order.note(wording("after-sales case {case}: replacement order {replacement}", case=case.id,
                       replacement=replacement.external_id), actor=actor, kind="aftersales")
    add_event(case, wording("replacement order {replacement} made", replacement=replacement.external_id), actor,
              kind="order")
    if waits:
        replacement.hold_reasons = [states.hold_reason(AWAITING_RETURN, "waits for the returned goods of case {case}",
                                                       case=case.id)]
        replacement.transition_to(states.ON_HOLD, reason=wording("waits for the returned goods of case {case}",
                                                                  case=case.id), actor=actor)
    else:
        enqueue(job_names.REVIEW_ORDERS, [replacement.id])


def _release_replacement(case, actor):
    replacement = case.replacement_order
    if replacement is None or replacement.status != states.ON_HOLD:
        return
    reasons = [r for r in replacement.hold_reasons or [] if r.get("code") != AWAITING_RETURN]
    replacement.hold_reasons = reasons
    said = wording("the returned goods of case {case} came back", case=case.id)
    if reasons:
        replacement.note(said, actor=actor, kind="aftersales")
        return
    replacement.transition_to(states.APPROVED, reason=said, actor=actor)
    enqueue(inventory_jobs.allocate_orders, [replacement.id])
