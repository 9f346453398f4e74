"""Voiding an early waybill with the carrier when its order is cancelled or intercepted, exactly once.

`void_for_order` runs in the cancelling transaction (aftersales' intercept, the desk's cancel): one
conditional UPDATE marks the order's live row `void_wanted` and says what it was. A row with a
number is voided by a job after commit; a failed one (no number) is simply dropped; one whose
request is in flight is voided by that request when its answer comes (the request's own conditional
UPDATE returns `void_wanted`, so whichever of the two commits second sees the other). The job claims
the row (issued -> voiding) with a conditional UPDATE before it calls the carrier, so two runs never
cancel twice; a refusal or timeout puts it back to issued and raises, and the job outbox retries it.
A claim older than STALE_CLAIM (a worker that died during the call) may be taken over.
"""
from datetime import timedelta

from sqlalchemy import or_, select, update

from wms import aftercommit, job_names, worker
from wms.extensions import db
from wms.orders.models import Order
from wms.shipping.carrier_services import carrier_adapter
from wms.shipping.carriers import WaybillError
from wms.shipping.lookups import get_carrier
from wms.shipping.models import (
    EARLY_DROPPED, EARLY_FAILED, EARLY_ISSUED, EARLY_REQUESTING, EARLY_VOIDED, EARLY_VOIDING, EarlyWaybill)
from wms.timeutil import utcnow
from wms.wording import wording

STALE_CLAIM = timedelta(minutes=10)


def void_for_order(order_id):
    """The order was cancelled: void its live early waybill (after commit), drop a failed one. No commit.
    Returns the status the row had, or None when it had none."""
    marked = db.session.execute(
        update(EarlyWaybill).where(EarlyWaybill.live_order_id == order_id,
                                   EarlyWaybill.status.in_((EARLY_REQUESTING, EARLY_ISSUED, EARLY_FAILED)))
        .values(void_wanted=True).returning(EarlyWaybill.id, EarlyWaybill.status)
        .execution_options(synchronize_session=False)).first()
    if marked is None:
        return None
    waybill_id, status = marked
    if status == EARLY_FAILED:
        db.session.execute(update(EarlyWaybill).where(EarlyWaybill.id == waybill_id)
                           .values(status=EARLY_DROPPED, live_order_id=None)
                           .execution_options(synchronize_session=False))
    elif status == EARLY_ISSUED:
        worker.enqueue(job_names.VOID_EARLY_WAYBILL, waybill_id, queue="labels")
    return status


def void_for_changed_order(order, actor):
    """The order's contents changed (a merge, a split by hand or by allocation): its live early waybill's label
    shows what it no longer holds, so it is voided (after commit) and the order goes back to the waybill desk's
    waiting list; noted on its timeline. No commit. True when there was one."""
    if not void_for_order(order.id):
        return False
    order.note(wording("waybill requested before picking voided: the order's contents changed"), actor=actor,
               kind="edit")
    return True


def void_after_split(order_id, actor):
    """A job's half of void_for_changed_order, for allocation's automatic split (inventory may not import
    shipping, so it enqueues this by name). Commits; idempotent (a second run finds no live waybill)."""
    order = db.session.get(Order, order_id)
    voided = order is not None and void_for_changed_order(order, actor)
    aftercommit.commit()
    return "voided" if voided else "none"


def void_early(waybill_id):
    """Cancel one early waybill with its carrier (a job). Idempotent: only the run that claims it calls."""
    now = utcnow()
    claimed = db.session.execute(
        update(EarlyWaybill).where(EarlyWaybill.id == waybill_id, EarlyWaybill.void_wanted.is_(True), or_(
            EarlyWaybill.status == EARLY_ISSUED,
            (EarlyWaybill.status == EARLY_VOIDING) & (EarlyWaybill.voided_at < now - STALE_CLAIM)))
        .values(status=EARLY_VOIDING, voided_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"
    row = db.session.get(EarlyWaybill, waybill_id)
    number, carrier_order_id, carrier_code = row.tracking_number, row.carrier_order_id, row.carrier_code
    db.session.commit()   # no transaction open during the carrier's call
    try:
        carrier_adapter(get_carrier(carrier_code)).cancel_waybill(number, carrier_order_id, "order cancelled")
    except WaybillError as error:
        db.session.rollback()
        row = db.session.get(EarlyWaybill, waybill_id)
        row.status, row.error = EARLY_ISSUED, f"void refused: {error.reason}: {error.message}"[:500]
        aftercommit.commit()
        raise
    row = db.session.get(EarlyWaybill, waybill_id)
    row.status, row.live_order_id, row.voided_at = EARLY_VOIDED, None, utcnow()
    row.order.note(wording("waybill {number} voided with the carrier ({carrier})", number=number,
                           carrier=carrier_code))
    aftercommit.commit()
    return "voided"


def voids_pending():
    """Early waybills of cancelled orders not voided yet (the carrier refused or is down), oldest first."""
    return db.session.scalars(select(EarlyWaybill).where(EarlyWaybill.void_wanted.is_(True),
                                                         EarlyWaybill.status.in_((EARLY_ISSUED, EARLY_VOIDING)))
                              .order_by(EarlyWaybill.id)).all()
