"""After-sales cases (售后单): opening them, their goods coming back, replacement orders, refunds.

Each function is one use case and owns its transaction (ends with wms.aftercommit.commit()). States and
kinds: wms.aftersales.case_states. Every change writes a CaseEvent (who, when, what) and a note on the
order's timeline; a replacement order's timeline names the case and its reason.

Replacement orders (exchange 换货, re-shipment 补发): a new order of the same store, the case's lines at
no charge (total 0, paid), the original's buyer and address, number `<original>-EX<case>` / `-RS<case>`.
It is `imported` and goes through the review desk, allocation, picking and packing like any order
(the automatic review is asked for by its job's name). An exchange whose store waits for the goods
(Channel.settings["exchange_waits_for_return"], on unless set false; the opening form may say otherwise)
puts its replacement on hold (hold reason `awaiting_return`) until the parcel is received; then it is
approved and handed to allocation.

Refunds: OrderRefundTotal holds what the order's buyer paid and what cases recorded to refund; it moves
only by a conditional UPDATE (refunded + amount <= paid), so two refunds at once never pass the total.
One row per paid order (wms.aftersales.refund_totals): a desk split's parts count against their root's.
A channel whose adapter can send refunds gets them through wms.channels.jobs.send_case_refund (named,
as channels sits above); otherwise a person marks the refund done. Done: the buyer's refund_done
notice is asked for (wms.tracking.jobs.notify_buyers, by name).

Transitions of orders: a replacement imported -> on_hold (waits for the goods) and on_hold -> approved
(the goods came back).
"""
import re

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from wms import aftercommit
from wms.aftersales import case_states as cs
from wms.aftersales import refund_totals
from wms.aftersales.case_models import AfterSalesCase, CaseEvent, CaseLine
from wms.aftersales.models import ReturnReceipt
from wms.aftersales.refund_models import PlatformRefund
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.inventory import jobs as inventory_jobs
from wms.orders import next_steps, states
from wms.orders.models import Channel, Order, OrderLine
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.worker import enqueue
from wms.wording import english, wording

REVIEW_JOB = "wms.review.jobs.review_orders"          # review sits beside us: named, not imported
NOTICE_JOB = "wms.tracking.jobs.notify_buyers"        # tracking sits above
SEND_REFUND_JOB = "wms.channels.jobs.send_case_refund"  # channels sits above
AWAITING_RETURN = next_steps.AWAITING_RETURN         # the replacement's hold reason code
AFTER_SHIPPING = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED, states.RETURNED})
SHIPPED = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED})
WAITS_SETTING = "exchange_waits_for_return"
REFUNDING_PLATFORMS = frozenset({"shopify"})          # adapters with a refund call (wms.channels)
MAX_TEXT = 64
PER_PAGE = 50
SUFFIX = {cs.EXCHANGE: "EX", cs.RESHIP: "RS"}
AMOUNT = re.compile(r"(?P<whole>\d{0,12})(?:\.(?P<cents>\d{1,2}))?")


def open_case(order_id, kind, *, reason, actor=None, lines=(), refund_cents=None, return_carrier="",
              return_tracking_number="", waits_for_return=None, source="reviewer", platform_refund_id=None):
    """Open a case on an order (a refund only on any order - one cancelled before shipping by an intercept
    (wms.aftersales.services) still has its money to give back; the other kinds on a shipped one):
    `lines` [{order_line_id, qty}] (never more of a line than was ordered and is
    not on another live case), the reason, the buyer's return carrier and tracking number, the refund to
    make (cents). Returns the case. Bad input: ValidationFailed, nothing written."""
    order = get_or_not_found(Order, _int(order_id), "Order not found")
    state = cs.first_state(kind)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the after-sales case", field="reason")
    if kind != cs.REFUND_ONLY and order.status not in AFTER_SHIPPING:
        raise ValidationFailed.worded("Order {order} is '{status}': only a shipped order has returns, exchanges "
                                      "or re-shipments (cancel it instead)", order=order.external_id,
                                      status=wording(order.status), details={"field": "kind"})
    clean = _check_lines(order, lines, required=kind != cs.REFUND_ONLY)
    tracking = _text(return_tracking_number).upper()
    case = AfterSalesCase(order_id=order.id, channel_id=order.channel_id, kind=kind, state=state,
                          reason=reason[:2000], source=source, platform_refund_id=platform_refund_id,
                          return_carrier=_text(return_carrier)[:40], return_tracking_number=tracking,
                          opened_by=_name(actor))
    case.lines = [CaseLine(**line) for line in clean]
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed("This platform request already has a case", field="platform_refund_id") from None
    _event(case, wording("case opened ({kind}): {reason}", kind=wording(kind), reason=reason), actor,
           kind="state", to_state=state)
    order.note(wording("after-sales case {case} opened ({kind}): {reason}", case=case.id, kind=wording(kind),
                       reason=reason), actor=actor, kind="aftersales")
    if kind in cs.EXPECTS_GOODS:
        _move(case, cs.WAITING_RETURN, actor)
    if kind in cs.MAKES_ORDER:
        waits = kind == cs.EXCHANGE and (_store_waits(order.channel) if waits_for_return is None
                                         else bool(waits_for_return))
        case.waits_for_return = waits
        _make_replacement(case, order, waits, actor)
        if kind == cs.RESHIP:
            _move(case, cs.REPLACEMENT_ORDERED, actor)
    if refund_cents not in (None, "", 0, "0"):
        if kind not in cs.REFUNDS:
            raise ValidationFailed("Only a refund or a return and refund records a refund", field="refund")
        _reserve_refund(case, order, _cents(refund_cents), actor)
    aftercommit.commit()
    return case


def open_from_platform(platform_refund_id, actor=None):
    """A platform's refund / after-sales request becomes a case (once: one case per request), with its
    kind, reason, return tracking number and amount; goods requests take every line of the order."""
    request = get_or_not_found(PlatformRefund, _int(platform_refund_id), "No such platform request")
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


def record_refund(case_id, amount_cents, actor=None):
    """Record (or change) the refund a case is to make; all the order's refunds stay within what was paid."""
    case = _case(case_id)
    if case.kind not in cs.REFUNDS:
        raise ValidationFailed("Only a refund or a return and refund records a refund", field="refund")
    if case.state in cs.TERMINAL or case.refund_status in (cs.REFUND_SENT, cs.REFUND_DONE):
        raise ValidationFailed.worded("Case {case} is '{state}': its refund can no longer change", case=case.id,
                                      state=wording(case.refund_status or case.state), details={"field": "refund"})
    amount = _cents(amount_cents)
    if case.refund_status == cs.REFUND_PENDING:
        _release_refund(case)
    _reserve_refund(case, case.order, amount, actor)
    aftercommit.commit()
    return case


def send_refund(case_id, actor=None):
    """Send the case's pending refund to its platform (a channels job, after commit); a store whose
    platform cannot take it is told to make it by hand."""
    case = _case(case_id)
    if case.refund_status != cs.REFUND_PENDING:
        raise ValidationFailed("Record the refund to make first", field="refund")
    if case.channel.platform not in REFUNDING_PLATFORMS:
        raise ValidationFailed.worded("The {platform} store takes no refunds from us: make it there and mark it "
                                      "done", platform=case.channel.platform, details={"field": "refund"})
    moved = db.session.execute(update(AfterSalesCase).where(AfterSalesCase.id == case.id,
                                                            AfterSalesCase.refund_status == cs.REFUND_PENDING)
                               .values(refund_status=cs.REFUND_SENT).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise ConcurrentUpdate("Someone else sent or changed this refund just now")
    db.session.refresh(case)
    _event(case, wording("refund of {amount} sent to the platform", amount=_money(case.refund_cents, case.order)),
           actor, kind="refund")
    enqueue(SEND_REFUND_JOB, case.id)
    aftercommit.commit()
    return case


def mark_refund_done(case_id, actor=None, reference=""):
    """The refund is made (by hand in the platform's seller centre, or the platform confirmed ours): the case
    goes on to `refunded` when its goods allow, and the buyer's refund_done notice is asked for."""
    case = _case(case_id)
    moved = db.session.execute(update(AfterSalesCase).where(
        AfterSalesCase.id == case.id, AfterSalesCase.refund_status.in_((cs.REFUND_PENDING, cs.REFUND_SENT)))
        .values(refund_status=cs.REFUND_DONE, refund_reference=_text(reference)[:120] or case.refund_reference)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed.worded("Case {case} has no refund waiting to be made", case=case.id,
                                      details={"field": "refund"})
    db.session.refresh(case)
    amount = _money(case.refund_cents, case.order)
    _event(case, wording("refund of {amount} done", amount=amount), actor, kind="refund")
    case.order.note(wording("after-sales case {case}: refund of {amount} done", case=case.id, amount=amount),
                    actor=actor, kind="aftersales")
    if cs.can_transition(case.kind, case.state, cs.REFUNDED):
        _move(case, cs.REFUNDED, actor)
    enqueue(NOTICE_JOB, [case.order_id], "refund_done", {"amount": amount})
    aftercommit.commit()
    return case


def refund_sent_back(case_id, ok, reference="", detail=""):
    """What the platform answered to a sent refund (wms.channels): made -> done; refused -> pending again,
    the reason on the timeline."""
    case = _case(case_id)
    if case.refund_status != cs.REFUND_SENT:
        return case
    if ok:
        return mark_refund_done(case.id, actor="system", reference=reference)
    case.refund_status = cs.REFUND_PENDING
    _event(case, wording("the platform refused the refund: {detail}", detail=detail[:500]), "system", kind="refund")
    aftercommit.commit()
    return case


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
        _move(case, state, actor)
    _event(case, wording("parcel received ({reference})", reference=receipt.reference or "-"), actor, kind="receipt")
    if case.kind == cs.EXCHANGE:
        _release_replacement(case, actor)
        _move(case, cs.REPLACEMENT_ORDERED, actor)


def match_receipt(case_id, receipt_id, actor=None):
    """An unannounced parcel received without a case, matched to one later."""
    case = _case(case_id)
    receipt = get_or_not_found(ReturnReceipt, _int(receipt_id), "No such return receipt")
    if receipt.case_id is not None:
        raise ValidationFailed.worded("This return is already matched to case {case}", case=receipt.case_id,
                                      details={"field": "receipt"})
    goods_received(case, receipt, actor)
    aftercommit.commit()
    return case


def finish(case_id, actor=None):
    """The replacement order left (shipped): the exchange or re-shipment is done; an exchange's buyer is
    sent the exchange_shipped notice with the replacement's carrier and tracking number."""
    case = _case(case_id)
    replacement = case.replacement_order
    if replacement is None or replacement.status not in SHIPPED:
        raise ValidationFailed.worded("The replacement order {order} has not shipped yet",
                                      order=replacement.external_id if replacement else "-",
                                      details={"field": "case"})
    _move(case, cs.DONE, actor)
    if case.kind == cs.EXCHANGE:
        from wms.shipping.models import Parcel

        parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == replacement.id,
                                                        Parcel.tracking_number.is_not(None))
                                   .order_by(Parcel.id.desc()).limit(1))
        enqueue(NOTICE_JOB, [case.order_id], "exchange_shipped",
                {"carrier": parcel.carrier_code if parcel else (replacement.carrier_code or ""),
                 "tracking": parcel.tracking_number if parcel else ""})
    aftercommit.commit()
    return case


def close(case_id, reason, actor=None):
    """Withdraw or refuse a case; a refund recorded but not made is given back to the order's total, and a
    replacement order not yet on the floor is cancelled (one on the floor must be intercepted first).

    Transitions of the replacement: imported | on_hold | approved | backorder -> cancelled."""
    case = _case(case_id)
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
        _release_refund(case)
        case.refund_status, case.refund_cents = cs.REFUND_NONE, 0
    _move(case, cs.CLOSED, actor, said=wording("closed: {reason}", reason=reason))
    aftercommit.commit()
    return case


# ---- reads


def get_case(case_id):
    """A case with its order, lines, timeline, replacement and receipts."""
    case = db.session.scalar(select(AfterSalesCase).where(AfterSalesCase.id == _int(case_id)).options(
        joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.replacement_order),
        joinedload(AfterSalesCase.channel), selectinload(AfterSalesCase.lines), selectinload(AfterSalesCase.events)))
    if case is None:
        get_or_not_found(AfterSalesCase, 0, "No such after-sales case")
    return case


def receipts_of(case_id):
    return db.session.scalars(select(ReturnReceipt).where(ReturnReceipt.case_id == case_id)
                              .order_by(ReturnReceipt.id)).all()


def unmatched_receipts(order_id):
    """Returns of this order received without a case (an unannounced parcel)."""
    return db.session.scalars(select(ReturnReceipt).where(ReturnReceipt.order_id == order_id,
                                                          ReturnReceipt.case_id.is_(None))
                              .order_by(ReturnReceipt.id)).all()


def cases_of_order(order_id):
    """The cases on an order or that made it (a replacement), newest first."""
    return db.session.scalars(select(AfterSalesCase).where(or_(AfterSalesCase.order_id == order_id,
                                                               AfterSalesCase.replacement_order_id == order_id))
                              .order_by(AfterSalesCase.id.desc())).all()


def expected(text):
    """Cases waiting for goods that a scanned return tracking number or order number names."""
    text = _text(text)
    if not text or len(text) > MAX_TEXT:
        return []
    return db.session.scalars(
        select(AfterSalesCase).join(Order, Order.id == AfterSalesCase.order_id)
        .where(AfterSalesCase.kind.in_(cs.EXPECTS_GOODS), AfterSalesCase.state.in_((cs.OPEN, cs.WAITING_RETURN)),
               or_(AfterSalesCase.return_tracking_number == text.upper(), Order.external_id == text))
        .options(joinedload(AfterSalesCase.order)).order_by(AfterSalesCase.id.desc()).limit(PER_PAGE)).all()


def desk(kind="", state="", channel_id=None, q="", page=1):
    """The after-sales desk: cases filtered by kind, state, store, and an order or tracking number; newest
    first, paged. Returns (cases, total, pages)."""
    if kind and kind not in cs.KINDS:
        raise ValidationFailed("Unknown kind of case", field="kind")
    if state and state not in cs.STATES:
        raise ValidationFailed("Unknown case state", field="state")
    conditions = []
    if kind:
        conditions.append(AfterSalesCase.kind == kind)
    if state:
        conditions.append(AfterSalesCase.state == state)
    if channel_id:
        conditions.append(AfterSalesCase.channel_id == channel_id)
    text = _text(q)[:MAX_TEXT]
    if text:
        orders = select(Order.id).where(Order.external_id == text).scalar_subquery()
        conditions.append(or_(AfterSalesCase.order_id.in_(orders), AfterSalesCase.replacement_order_id.in_(orders),
                              AfterSalesCase.return_tracking_number == text.upper(),
                              AfterSalesCase.id == (_int(text) or 0)))
    total = db.session.scalar(select(func.count(AfterSalesCase.id)).where(*conditions))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, _int(page) or 1), pages)
    cases = db.session.scalars(select(AfterSalesCase).where(*conditions)
                               .options(joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.channel),
                                        joinedload(AfterSalesCase.replacement_order))
                               .order_by(AfterSalesCase.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return cases, total, pages


def platform_requests_without_case(limit=PER_PAGE, channel_id=None):
    """The platforms' refund / after-sales requests not yet made a case, newest first (of one store, or all)."""
    statement = (select(PlatformRefund).where(~select(AfterSalesCase.id).where(
        AfterSalesCase.platform_refund_id == PlatformRefund.id).exists())
        .options(joinedload(PlatformRefund.order), joinedload(PlatformRefund.channel))
        .order_by(PlatformRefund.id.desc()).limit(limit))
    if channel_id:
        statement = statement.where(PlatformRefund.channel_id == channel_id)
    return db.session.scalars(statement).all()


refund_total = refund_totals.refund_total   # (paid, refunded) of an order: the desk and tests read it here


# ---- helpers


def _check_lines(order, lines, required):
    by_id = {line.id: line for line in order.lines}
    taken = dict(db.session.execute(
        select(CaseLine.order_line_id, func.sum(CaseLine.qty)).join(AfterSalesCase)
        .where(AfterSalesCase.order_id == order.id, AfterSalesCase.state != cs.CLOSED)
        .group_by(CaseLine.order_line_id)).all())
    errors, clean, wanted = [], [], {}
    for number, raw in enumerate(lines or [], start=1):
        line = by_id.get(_int(raw.get("order_line_id")))
        if line is None:
            errors.append({"line": number, "field": "order_line_id", "message": "not a line of this order"})
            continue
        qty = _int(raw.get("qty"))
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


def _reserve_refund(case, order, amount, actor):
    """Count `amount` against the order's paid total with one conditional UPDATE (a refund that would pass
    it is refused, also when another refund is being recorded at the same moment)."""
    if order.merged_into_id is not None:
        target = db.session.get(Order, order.merged_into_id)
        raise ValidationFailed.worded("Order {order} was merged into {target}: its money is refunded there",
                                      order=order.external_id, target=target.external_id,
                                      details={"field": "refund"})
    moved, paid, already = refund_totals.claim(order, amount)
    problem = cs.refund_problem(amount, paid, already - (amount if moved else 0))
    if not moved or problem:
        db.session.rollback()
        left = problem[1] if problem else max(0, paid - already)
        raise ValidationFailed.worded("A refund of {amount} is more than the {left} left of what the buyer paid",
                                      amount=_money(amount, order), left=_money(left, order),
                                      details={"field": "refund", "left_cents": left})
    case.refund_cents, case.refund_status = amount, cs.REFUND_PENDING
    _event(case, wording("refund of {amount} to make", amount=_money(amount, order)), actor, kind="refund")


def _release_refund(case):
    refund_totals.release(case.order, case.refund_cents)


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
    _event(case, wording("replacement order {replacement} made", replacement=replacement.external_id), actor,
           kind="order")
    if waits:
        replacement.hold_reasons = [states.hold_reason(AWAITING_RETURN, "waits for the returned goods of case {case}",
                                                       case=case.id)]
        replacement.transition_to(states.ON_HOLD, reason=wording("waits for the returned goods of case {case}",
                                                                  case=case.id), actor=actor)
    else:
        enqueue(REVIEW_JOB, [replacement.id])


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


def _move(case, new, actor, said=None):
    cs.check_transition(case.kind, case.state, new)
    before, case.state = case.state, new
    case.updated_at = utcnow()
    _event(case, said or wording("{before} -> {after}", before=wording(before), after=wording(new)), actor,
           kind="state", from_state=before, to_state=new)


def _event(case, said, actor, kind, from_state="", to_state=""):
    case.events.append(CaseEvent(kind=kind, from_state=from_state, to_state=to_state or case.state,
                                 text=english(said)[:4000], wording=said, actor_name=_name(actor)))


def _store_waits(channel):
    value = (channel.settings or {}).get(WAITS_SETTING) if channel is not None else None
    return True if value is None else bool(value)


def set_store_waits(channel_id, waits, actor=None):
    """The store's setting: does an exchange's replacement wait for the returned goods."""
    return set_stores_waits({channel_id: waits}, actor=actor)[0]


def set_stores_waits(choices, actor=None):
    """{channel id: waits} for several stores at once (the desk's settings form); returns the channels."""
    channels = [get_or_not_found(Channel, _int(channel_id), "No such store") for channel_id in choices]
    for channel, waits in zip(channels, choices.values()):
        channel.settings = {**(channel.settings or {}), WAITS_SETTING: bool(waits)}
    aftercommit.commit()
    return channels


def store_settings():
    """[(channel, waits)] of every active store, by name: the desk's settings form."""
    channels = db.session.scalars(select(Channel).where(Channel.active.is_(True)).order_by(Channel.name)).all()
    return [(channel, _store_waits(channel)) for channel in channels]


def _case(case_id):
    return get_or_not_found(AfterSalesCase, _int(case_id), "No such after-sales case")


def _money(cents, order):
    return f"{cents / 100:.2f} {order.currency if order else ''}".strip()


def _cents(value):
    """Cents from an int, or from a typed amount in yuan / dollars ("12.50")."""
    if isinstance(value, int) and not isinstance(value, bool):
        cents = value
    else:
        typed = AMOUNT.fullmatch(str(value or "").strip().replace(",", ""))
        if typed is None:
            raise ValidationFailed("Enter the refund as an amount such as 12.50", field="refund")
        cents = int(typed["whole"] or 0) * 100 + int((typed["cents"] or "").ljust(2, "0"))
    if cents <= 0 or cents > cs.MAX_REFUND_CENTS:
        raise ValidationFailed("Enter the refund as an amount such as 12.50", field="refund")
    return cents


def _text(value):
    return str(value or "").strip()


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _name(actor):
    if actor is None:
        return "system"
    return actor if isinstance(actor, str) else getattr(actor, "username", str(actor))


def find_order(key):
    """The order a case is opened on, by its id or its number (the newest of that number)."""
    text = _text(key)[:MAX_TEXT]
    if not text:
        return None
    order = db.session.scalar(select(Order).where(Order.external_id == text).order_by(Order.id.desc()).limit(1))
    if order is None and text.isdigit():
        order = db.session.get(Order, int(text))
    return order


def store_waits(channel_id):
    """Whether the store's exchanges wait for the returned goods (on unless the store says otherwise)."""
    return _store_waits(db.session.get(Channel, channel_id))


def can_send_refund(case):
    """True when the case's refund is pending and its store's adapter takes refunds."""
    return case.refund_status == cs.REFUND_PENDING and case.channel is not None \
        and case.channel.platform in REFUNDING_PLATFORMS


def waiting_for_goods(channel_id=None, limit=PER_PAGE):
    """Cases waiting for their goods, newest first (the returns screen's list)."""
    statement = (select(AfterSalesCase).where(AfterSalesCase.kind.in_(cs.EXPECTS_GOODS),
                                              AfterSalesCase.state.in_((cs.OPEN, cs.WAITING_RETURN)))
                 .options(joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.channel))
                 .order_by(AfterSalesCase.id.desc()).limit(limit))
    if channel_id:
        statement = statement.where(AfterSalesCase.channel_id == channel_id)
    return db.session.scalars(statement).all()
