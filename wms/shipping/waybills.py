"""A parcel's waybill: seal -> waybill -> label (PDF and ZPL), and void.

Failures (issue 21 item 5, wms.failures): a temporary one (timeout, the carrier's 5xx: WaybillError.retryable)
is asked again by the job itself (the job raises, its outbox row is pushed again with backoff); a permanent
one (address rejected, quota, the carrier's refusal) waits in the failed queue (wms.shipping.waybill_failures).

Transitions: picked -> packed (seal_parcel), packed -> labelled (request_waybill, or at once when the
order's waybill was requested before picking: wms.shipping.early_waybills), labelled -> packed
(void_label). A new label's follow-ups in other features register with label_follow_ups.after_label.
"""
from sqlalchemy import select, update

from wms import aftercommit, failures, job_names, realtime, worker
from wms.counters import changes
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.shipping import declarations, early_waybills, labels
from wms.shipping.carrier_services import carrier_adapter, choose_carrier
from wms.shipping.carriers import WaybillError
from wms.shipping.label_files import render_label
from wms.shipping.label_follow_ups import run_after_label
from wms.shipping.lookups import active_parcels, get_carrier, get_order, get_parcel
from wms.shipping.models import (
    PARCEL_LABELLED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED, PRINT_QUEUED, PRINT_READY, Carrier, Parcel, PrintJob)
from wms.shipping.print_jobs import announce, deliver_to_printer, station_room
from wms.shipping.stations import find_station
from wms.shipping.waybill_requests import waybill_request
from wms.timeutil import utcnow
from wms.wording import wording


def seal_parcel(order_id, *, seal_uuid, station_code, carton_code, weight_g, expected_weight_g=0, paper=None,
                actor=None, commit=True):
    """Record the sealed parcel and its print job, move the order to packed, queue the waybill.

    Transitions: picked -> packed (a packed order whose parcels were all voided seals again)."""
    order = get_order(order_id)
    if active_parcels(order.id):
        raise IllegalTransition("this order already has a sealed parcel", current=order.status)
    if order.status == states.PICKED:
        order.transition_to(states.PACKED, reason=wording("sealed at {station} ({carton}, {weight} g)",
                                                          station=station_code, carton=carton_code, weight=weight_g),
                            actor=actor)
    elif order.status != states.PACKED:
        raise IllegalTransition.worded("an order in '{status}' cannot be sealed", status=wording(order.status),
                                       details={"current": order.status})
    if not order.carrier_code:
        choose_carrier(order.id, actor=actor, commit=False)
    if not order.carrier_code:
        raise ValidationFailed("no carrier can take this order", field="carrier_code")
    early = early_waybills.take_for_seal(order.id)   # the 店小秘 flow: its label is already on the parcel
    parcel = Parcel(order_id=order.id, carrier_code=early.carrier_code if early else order.carrier_code,
                    seal_uuid=seal_uuid, carton_code=carton_code,
                    weight_g=weight_g, expected_weight_g=expected_weight_g, station_code=station_code,
                    packed_by_id=getattr(actor, "id", None), paper=paper if paper in labels.PAPER_SIZES else "100x150")
    db.session.add(parcel)
    db.session.flush()
    if early is not None:
        early_waybills.seal_with(early, parcel, actor=actor)
    else:
        db.session.add(PrintJob(parcel_id=parcel.id, station_code=station_code,
                                requested_by_id=getattr(actor, "id", None)))
        worker.enqueue(job_names.REQUEST_WAYBILL, parcel.id, queue="labels")
    publish_state_changed(order, states.PICKED)
    if commit:
        aftercommit.commit()
    return parcel


def request_waybill(parcel_id):
    """Get the tracking number (once per parcel, ever), render the label, tell the station.

    Idempotent: a parcel with a tracking number never asks the carrier again, and the carrier gets the
    parcel id as its orderId, so a resend after a timeout returns the waybill already created.
    Transitions: packed -> labelled."""
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None or parcel.status == PARCEL_VOIDED:
        return "skipped"
    if parcel.tracking_number:
        return "already"
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == parcel.carrier_code))
    parcel.waybill_attempts += 1
    db.session.commit()
    try:
        if carrier is None:
            raise WaybillError("carrier_error", f"carrier {parcel.carrier_code} is not set up", retryable=False)
        declaration = declarations.for_waybill(parcel.order)   # abroad: complete, or refused before any call
        result = carrier_adapter(carrier).create_waybill(_waybill_request(parcel, carrier, declaration))
    except WaybillError as error:
        _waybill_failed(parcel_id, error)
        if error.retryable:
            raise
        return "failed"
    return _labelled(parcel_id, carrier, result)


def _waybill_failed(parcel_id, error):
    db.session.rollback()
    parcel = db.session.get(Parcel, parcel_id)
    if parcel.tracking_number:  # a concurrent attempt succeeded meanwhile
        return
    parcel.status, parcel.waybill_error = PARCEL_WAYBILL_FAILED, f"{error.reason}: {error.message}"[:500]
    parcel.waybill_failure_kind = failures.kind_of(error)
    payload = {"parcel_id": parcel.id, "order_id": parcel.order_id, "reason": error.reason, "message": error.message,
               "failure_kind": parcel.waybill_failure_kind}
    realtime.publish("waybill.failed", payload, realtime.room_for_role("supervisor"))
    if parcel.station_code:
        realtime.publish("waybill.failed", payload, station_room(parcel.station_code))
    changes.moved(db.session)  # the wall's waybill failures count
    aftercommit.commit()


def _labelled(parcel_id, carrier, result):
    won = db.session.execute(
        update(Parcel).where(Parcel.id == parcel_id, Parcel.tracking_number.is_(None), Parcel.status != PARCEL_VOIDED)
        .values(tracking_number=result.tracking_number, carrier_order_id=result.carrier_order_id[:64],
                sort_code=result.sort_code[:64], package_centre=result.package_centre[:64], status=PARCEL_LABELLED,
                waybill_error="", labelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        return "already"
    parcel = db.session.get(Parcel, parcel_id)
    db.session.refresh(parcel)
    _render(parcel, carrier)
    order = parcel.order
    if order.status == states.PACKED:
        order.transition_to(states.LABELLED, reason=wording("waybill {number} ({carrier})",
                                                            number=parcel.tracking_number, carrier=carrier.code))
        publish_state_changed(order, states.PACKED)
    jobs = [job for job in parcel.print_jobs if job.status == PRINT_QUEUED]
    for job in jobs:
        job.status = PRINT_READY
        announce(job)
    aftercommit.commit()
    run_after_label(order.id, parcel.tracking_number, carrier.code)  # 虚拟发货 channels are told now
    for job in jobs:
        deliver_to_printer(job.id)
    return parcel.tracking_number


def _render(parcel, carrier):
    station = find_station(parcel.station_code)
    render_label(parcel, carrier, f"parcel-{parcel.id}", zpl_font=(station.zpl_font or None) if station else None)


def _waybill_request(parcel, carrier, declaration=None):
    return waybill_request(parcel.order, f"P{parcel.id}", carrier, parcel.weight_g, declaration)


def publish_state_changed(order, previous):
    """Tell the supervisors' and reviewers' pages that the order moved from `previous` to its status."""
    payload = {"order_id": order.id, "external_id": order.external_id, "from": previous, "to": order.status,
               "reasons": order.hold_codes}
    for role in ("supervisor", "reviewer"):
        realtime.publish("order.state_changed", payload, realtime.room_for_role(role))


def void_label(parcel_id, actor=None, reason="voided"):
    """Cancel the waybill at the carrier and void the parcel; the order goes back to packed.

    Transitions: labelled -> packed."""
    parcel = get_parcel(parcel_id)
    if parcel.status != PARCEL_LABELLED:
        raise IllegalTransition.worded("only a labelled parcel can be voided (this one is {status})",
                                       status=wording(parcel.status), details={"current": parcel.status})
    carrier = get_carrier(parcel.carrier_code)
    try:
        carrier_adapter(carrier).cancel_waybill(parcel.tracking_number, parcel.carrier_order_id, reason)
    except WaybillError as error:
        raise ValidationFailed.worded("the carrier refused to cancel: {error}", error=error.message,
                                      details={"reason": error.reason}) from None
    parcel.status, parcel.voided_at = PARCEL_VOIDED, utcnow()
    order = parcel.order
    if order.status == states.LABELLED:
        order.transition_to(states.PACKED, reason=_voided(parcel.tracking_number, reason), actor=actor)
        publish_state_changed(order, states.LABELLED)
    aftercommit.commit()
    return parcel


def _voided(number, reason):
    if reason == "voided":   # void_label's default: nobody said why
        return wording("label {number} voided", number=number)
    return wording("label {number} voided: {reason}", number=number, reason=reason)
