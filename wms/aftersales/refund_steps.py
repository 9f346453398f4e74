"""The refund side of after-sales cases: recording the refund a case is to make, sending it to the platform,
marking it done, the platform's answer.

OrderRefundTotal holds what the order's buyer paid and what cases recorded to refund; it moves only by a
conditional UPDATE (refunded + amount <= paid), so two refunds at once never pass the total. One row per
paid order (wms.aftersales.refund_totals): a desk split's parts count against their root's. A channel whose
adapter can send refunds gets them through wms.channels.jobs.send_case_refund (named, as channels sits
above); otherwise a person marks the refund done. Done: the buyer's refund_done notice is asked for
(wms.tracking.jobs.notify_buyers, by name). Each public function owns its transaction; reserve_refund and
release_refund run inside their caller's (wms.aftersales.cases opens and closes cases with them).
"""
from sqlalchemy import update

from wms import aftercommit, job_names
from wms.aftersales import case_states as cs
from wms.aftersales import refund_totals
from wms.aftersales.case_inputs import parse_cents
from wms.aftersales.case_models import AfterSalesCase
from wms.aftersales.case_timeline import add_event, load_case, move_case
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.inputs import clean_text
from wms.orders.models import Order
from wms.worker import enqueue
from wms.wording import wording

REFUNDING_PLATFORMS = frozenset({"shopify"})          # adapters with a refund call (wms.channels)


def record_refund(case_id, amount_cents, actor=None):
    """Record (or change) the refund a case is to make; all the order's refunds stay within what was paid."""
    case = load_case(case_id)
    if case.kind not in cs.REFUNDS:
        raise ValidationFailed("Only a refund or a return and refund records a refund", field="refund")
    if case.state in cs.TERMINAL or case.refund_status in (cs.REFUND_SENT, cs.REFUND_DONE):
        raise ValidationFailed.worded("Case {case} is '{state}': its refund can no longer change", case=case.id,
                                      state=wording(case.refund_status or case.state), details={"field": "refund"})
    amount = parse_cents(amount_cents)
    if case.refund_status == cs.REFUND_PENDING:
        release_refund(case)
    reserve_refund(case, case.order, amount, actor)
    aftercommit.commit()
    return case


def send_refund(case_id, actor=None):
    """Send the case's pending refund to its platform (a channels job, after commit); a store whose
    platform cannot take it is told to make it by hand."""
    case = load_case(case_id)
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
    add_event(case, wording("refund of {amount} sent to the platform", amount=_money(case.refund_cents, case.order)),
              actor, kind="refund")
    enqueue(job_names.SEND_CASE_REFUND, case.id)
    aftercommit.commit()
    return case


def mark_refund_done(case_id, actor=None, reference=""):
    """The refund is made (by hand in the platform's seller centre, or the platform confirmed ours): the case
    goes on to `refunded` when its goods allow, and the buyer's refund_done notice is asked for."""
    case = load_case(case_id)
    moved = db.session.execute(update(AfterSalesCase).where(
        AfterSalesCase.id == case.id, AfterSalesCase.refund_status.in_((cs.REFUND_PENDING, cs.REFUND_SENT)))
        .values(refund_status=cs.REFUND_DONE, refund_reference=clean_text(reference)[:120] or case.refund_reference)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed.worded("Case {case} has no refund waiting to be made", case=case.id,
                                      details={"field": "refund"})
    db.session.refresh(case)
    amount = _money(case.refund_cents, case.order)
    add_event(case, wording("refund of {amount} done", amount=amount), actor, kind="refund")
    case.order.note(wording("after-sales case {case}: refund of {amount} done", case=case.id, amount=amount),
                    actor=actor, kind="aftersales")
    if cs.can_transition(case.kind, case.state, cs.REFUNDED):
        move_case(case, cs.REFUNDED, actor)
    enqueue(job_names.NOTIFY_BUYERS, [case.order_id], "refund_done", {"amount": amount})
    aftercommit.commit()
    return case


def refund_sent_back(case_id, ok, reference="", detail=""):
    """What the platform answered to a sent refund (wms.channels): made -> done; refused -> pending again,
    the reason on the timeline."""
    case = load_case(case_id)
    if case.refund_status != cs.REFUND_SENT:
        return case
    if ok:
        return mark_refund_done(case.id, actor="system", reference=reference)
    case.refund_status = cs.REFUND_PENDING
    add_event(case, wording("the platform refused the refund: {detail}", detail=detail[:500]), "system", kind="refund")
    aftercommit.commit()
    return case


def can_send_refund(case):
    """True when the case's refund is pending and its store's adapter takes refunds."""
    return case.refund_status == cs.REFUND_PENDING and case.channel is not None \
        and case.channel.platform in REFUNDING_PLATFORMS


def reserve_refund(case, order, amount, actor):
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
    add_event(case, wording("refund of {amount} to make", amount=_money(amount, order)), actor, kind="refund")


def release_refund(case):
    """Give the case's recorded refund back to its order's total (the caller resets the case's refund)."""
    refund_totals.release(case.order, case.refund_cents)


def _money(cents, order):
    return f"{cents / 100:.2f} {order.currency if order else ''}".strip()
