"""The waybill-failed queue (运单号申请失败): parcels whose waybill request failed for good (address rejected,
quota, the carrier's refusal; a temporary failure is asked again by the job itself, wms.shipping.waybills).
A supervisor retries, fixes and retries (another carrier, the order's address corrected), types the number
of a waybill made elsewhere (手动填写运单号: the parcel is labelled and can be handed over), or voids the
parcel to seal the order again - each with the reason on the order's timeline.

Transitions: packed -> labelled (ship_by_hand).
"""
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from wms import aftercommit, job_names, realtime, worker
from wms.counters import changes
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.shipping.carrier_services import change_carrier
from wms.shipping.label_follow_ups import run_after_label
from wms.shipping.lookups import get_parcel
from wms.shipping.models import PARCEL_LABELLED, PARCEL_SEALED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED, Carrier, Parcel
from wms.shipping.print_jobs import station_room
from wms.shipping.waybills import publish_state_changed
from wms.timeutil import utcnow
from wms.wording import wording


def waybill_failed_queue():
    """Parcels whose waybill request failed (运单号申请失败), oldest first."""
    return db.session.scalars(select(Parcel).where(Parcel.status == PARCEL_WAYBILL_FAILED)
                              .options(joinedload(Parcel.order)).order_by(Parcel.id)).all()


def failed_desk():
    """The failed queue's page: the parcels, and the active carriers a fix or a number typed by hand may name."""
    from wms.outbox import MAX_ATTEMPTS

    return {"parcels": waybill_failed_queue(), "job_attempts": MAX_ATTEMPTS,
            "carriers": db.session.scalars(select(Carrier.code).where(Carrier.active.is_(True))
                                           .order_by(Carrier.code)).all()}


def retry_waybill(parcel_id, actor=None):
    """Ask again (after fixing the address, topping up the quota...). Never a second waybill."""
    parcel = get_parcel(parcel_id)
    _require_failed(parcel)
    _ask_again(parcel, actor)
    aftercommit.commit()
    return db.session.get(Parcel, parcel_id)


# What the failed queue's fix may correct of the order (the desk cannot edit a packed order): field -> length.
FIXABLE_ADDRESS = {"buyer_name": 120, "buyer_phone": 40, "province": 60, "city": 60, "district": 60,
                   "address": 500, "postcode": 20}
REQUIRED_ADDRESS = ("buyer_name", "address")


def fix_and_retry_waybill(parcel_id, *, carrier_code="", address=None, actor=None):
    """Fix and retry (a permanent refusal): another carrier for the parcel and its order, and/or the order's
    address corrected (old -> new on the timeline), then ask again, in one transaction."""
    parcel = get_parcel(parcel_id)
    _require_failed(parcel)
    order = parcel.order
    code = str(carrier_code or "").strip()
    carrier_changed = bool(code) and code != parcel.carrier_code
    diff = _address_changes(order, address or {})
    if not carrier_changed and not diff:
        raise ValidationFailed.worded("Change the carrier or the address, or retry as it is",
                                      details={"field": "carrier_code"})
    if carrier_changed:
        change_carrier(order.id, code, actor=actor, commit=False)
    if diff:
        for name, _old, new in diff:
            setattr(order, name, new)
        order.note(wording("address corrected for the waybill: {changes}", changes=[
            wording("{field} '{old}' -> '{new}'", field=wording(name), old=old, new=new) for name, old, new in diff]),
            actor=actor, kind="edit")
    _ask_again(parcel, actor)
    aftercommit.commit()
    return db.session.get(Parcel, parcel_id)


def ship_by_hand(parcel_id, *, carrier_code, tracking_number, reason, actor=None):
    """手动填写运单号: the parcel left the failed queue because it ships with a waybill made elsewhere (another
    carrier's own form, the carrier's app): the number typed labels the parcel so that it can be handed over
    (no label is printed here). Audited with the reason. Transitions: packed -> labelled."""
    reason = _reason(reason)
    code = str(carrier_code or "").strip()
    number = str(tracking_number or "").strip()
    if db.session.scalar(select(Carrier.id).where(Carrier.code == code, Carrier.active.is_(True))) is None:
        raise ValidationFailed.worded("unknown or inactive carrier {carrier}", carrier=repr(code),
                                      details={"field": "carrier_code"})
    if not number or len(number) > 64 or any(ch.isspace() for ch in number):
        raise ValidationFailed.worded("Type the tracking number as printed on the waybill (at most {count} "
                                      "characters, no spaces)", count=64, details={"field": "tracking_number"})
    if db.session.scalar(select(Parcel.id).where(Parcel.tracking_number == number)) is not None:
        raise ValidationFailed.worded("Tracking number {number} is on another parcel already", number=number,
                                      details={"field": "tracking_number"})
    parcel = _take_failed(parcel_id, status=PARCEL_LABELLED, tracking_number=number, carrier_code=code,
                          waybill_error="", waybill_failure_kind="", labelled_at=utcnow())
    order = parcel.order
    previous = order.status
    order.carrier_code = code
    said = wording("waybill {number} ({carrier}) typed by hand: {reason}", number=number, carrier=code, reason=reason)
    if order.status == states.PACKED:
        order.transition_to(states.LABELLED, reason=said, actor=actor)
        publish_state_changed(order, previous)
    else:
        order.note(said, actor=actor, kind="edit")
    _publish_resolved(parcel, "by_hand")
    aftercommit.commit()
    run_after_label(order.id, number, code)   # 虚拟发货 channels are told the number typed
    return parcel


def void_failed_parcel(parcel_id, reason, actor=None):
    """The failed parcel is opened again (no waybill will be asked for it): voided with the reason, the order
    stays packed and is sealed again at a bench (after its carrier or address is changed, say)."""
    reason = _reason(reason)
    parcel = _take_failed(parcel_id, status=PARCEL_VOIDED, voided_at=utcnow())
    parcel.order.note(wording("parcel {parcel} voided without a waybill, to be sealed again: {reason}",
                              parcel=parcel.id, reason=reason), actor=actor, kind="edit")
    _publish_resolved(parcel, "voided")
    aftercommit.commit()
    return parcel


def _take_failed(parcel_id, **values):
    """Move a parcel whose waybill failed on, with `values`, by one conditional UPDATE (still failed, still no
    number), so two people resolving it at once cannot both win; the loser gets _require_failed's refusal."""
    won = db.session.execute(
        update(Parcel).where(Parcel.id == parcel_id, Parcel.status == PARCEL_WAYBILL_FAILED,
                             Parcel.tracking_number.is_(None))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        _require_failed(get_parcel(parcel_id))
    parcel = db.session.get(Parcel, parcel_id)
    db.session.refresh(parcel)
    return parcel


def _require_failed(parcel):
    if parcel.status != PARCEL_WAYBILL_FAILED:
        raise IllegalTransition.worded("parcel {parcel} is {status}, not {failed}", parcel=parcel.id,
                                       status=wording(parcel.status), failed=wording(PARCEL_WAYBILL_FAILED),
                                       details={"current": parcel.status})


def _ask_again(parcel, actor):
    changes.moved(db.session)  # off the wall's waybill failures count until it fails again
    parcel.status, parcel.waybill_error, parcel.waybill_failure_kind = PARCEL_SEALED, "", ""
    parcel.order.note(wording("waybill retried for parcel {parcel}", parcel=parcel.id), actor=actor)
    worker.enqueue(job_names.REQUEST_WAYBILL, parcel.id, queue="labels")


def _address_changes(order, address):
    diff = []
    for name, limit in FIXABLE_ADDRESS.items():
        if name not in address:
            continue
        value = " ".join(str(address[name] or "").split())
        if len(value) > limit:
            raise ValidationFailed.worded("{field} has at most {count} characters", field=wording(name), count=limit,
                                          details={"field": name})
        if not value and name in REQUIRED_ADDRESS:
            raise ValidationFailed.worded("{field} cannot be empty", field=wording(name), details={"field": name})
        if value != (getattr(order, name) or ""):
            diff.append((name, getattr(order, name) or "", value))
    return diff


def _reason(reason):
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed.worded("Say why the parcel leaves the failed queue", details={"field": "reason"})
    if len(reason) > 500:
        raise ValidationFailed.worded("A reason has at most {count} characters", count=500,
                                      details={"field": "reason"})
    return reason


def _publish_resolved(parcel, how):
    changes.moved(db.session)  # the wall counts only what is still open
    payload = {"parcel_id": parcel.id, "order_id": parcel.order_id, "how": how,
               "tracking_number": parcel.tracking_number}
    realtime.publish("waybill.resolved", payload, realtime.room_for_role("supervisor"))
    if parcel.station_code:
        realtime.publish("waybill.resolved", payload, station_room(parcel.station_code))

