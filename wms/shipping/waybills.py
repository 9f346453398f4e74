"""Parcels and their waybills: seal -> waybill -> label (PDF and ZPL), the failed queue and its
retry, void; finding parcels and their label files.

Failures (issue 21 item 5, wms.failures): a temporary one (timeout, the carrier's 5xx: WaybillError.retryable)
is asked again by the job itself (the job raises, its outbox row is pushed again with backoff); a permanent
one (address rejected, quota, the carrier's refusal) waits in the failed queue, where a supervisor retries,
fixes and retries (another carrier, the order's address corrected), types the number of a waybill made
elsewhere (手动填写运单号: the parcel is labelled and can be handed over), or voids the parcel to seal the order
again - each with the reason on the order's timeline.

Transitions: picked -> packed (seal_parcel), packed -> labelled (request_waybill, or at once when the
order's waybill was requested before picking: wms.shipping.early_waybills), labelled -> packed
(void_label). A new label's follow-ups in other features register with after_label.
"""
from pathlib import Path

from flask import current_app
from sqlalchemy import select, union, update
from sqlalchemy.orm import joinedload

from wms import aftercommit, failures, job_names, realtime, worker
from wms.counters import changes
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.shipping import customs, declarations, early_waybills, label_pdf, label_zpl, labels
from wms.shipping.carrier_services import carrier_adapter, change_carrier, choose_carrier
from wms.shipping.carriers import Address, WaybillError, WaybillRequest
from wms.shipping.lookups import active_parcels, get_carrier, get_order, get_parcel
from wms.shipping.models import (
    PARCEL_LABELLED, PARCEL_SEALED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED, PRINT_QUEUED, PRINT_READY, Carrier, Parcel,
    PrintJob)
from wms.shipping.print_jobs import announce, deliver_to_printer, station_room
from wms.shipping.ship_from import printed_at, sender_address, ship_from
from wms.shipping.stations import find_station
from wms.timeutil import utcnow
from wms.wording import wording


# What features above shipping do once a parcel has its label, after the label's commit and before the
# printer gets it: fn(order_id, tracking_number, carrier_code). Tracking adds its write-back with
# @after_label (wms/tracking/writeback.py), so shipping never imports tracking.
_AFTER_LABEL = []


def after_label(follow_up):
    """Run follow_up(order_id, tracking_number, carrier_code) after every new label (a decorator)."""
    if follow_up not in _AFTER_LABEL:
        _AFTER_LABEL.append(follow_up)
    return follow_up


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
    _publish_order(order, states.PICKED)
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
        _publish_order(order, states.PACKED)
    jobs = [job for job in parcel.print_jobs if job.status == PRINT_QUEUED]
    for job in jobs:
        job.status = PRINT_READY
        announce(job)
    aftercommit.commit()
    for follow_up in _AFTER_LABEL:  # tracking.writeback's: 虚拟发货 channels are told now
        follow_up(order.id, parcel.tracking_number, carrier.code)
    for job in jobs:
        deliver_to_printer(job.id)
    return parcel.tracking_number


def _render(parcel, carrier):
    station = find_station(parcel.station_code)
    render_label(parcel, carrier, f"parcel-{parcel.id}", zpl_font=(station.zpl_font or None) if station else None)


def render_label(holder, carrier, name, zpl_font=None, origin=None):
    """Render the label of `holder` (a parcel, or an early waybill: the same fields) as a PDF file named
    <name>-<tracking number>.pdf under UPLOAD_DIR/labels and as ZPL, both kept on the holder."""
    data = label_data(holder, carrier, origin)
    directory = Path(current_app.config["UPLOAD_DIR"]) / "labels"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{holder.tracking_number}.pdf"
    path.write_bytes(label_pdf.render_pdf(data))
    holder.label_pdf_path = str(path)
    holder.label_zpl = label_zpl.render_zpl(data, zpl_font=zpl_font)


def label_data(parcel, carrier, origin=None):
    """What the label of a parcel with a tracking number shows: the sender and print time of the warehouse
    it ships from (in its time zone), the buyer masked unless that warehouse turned privacy labels off."""
    order = parcel.order
    origin = origin or ship_from(order.id)
    sender = sender_address(carrier, origin)
    return labels.LabelData(
        tracking_number=parcel.tracking_number, carrier_name=carrier.name, order_ref=order.external_id,
        recipient=labels.Party(order.buyer_name, order.buyer_phone, _recipient(order).full),
        sender=labels.Party(sender.name, sender.phone, sender.full), weight_g=parcel.weight_g,
        carton=parcel.carton_code, cargo=_cargo(order, limit=400), sort_code=parcel.sort_code,
        printed_at=printed_at(origin), paper=parcel.paper, package_centre=parcel.package_centre,
        service=_service(carrier), item_count=sum(line.qty for line in order.lines), privacy=origin.privacy)


def _waybill_request(parcel, carrier, declaration=None):
    return waybill_request(parcel.order, f"P{parcel.id}", carrier, parcel.weight_g, declaration)


def waybill_request(order, client_order_id, carrier, weight_g, declaration=None, origin=None):
    """What the carrier is asked for an order's waybill; `client_order_id` is the idempotency key the
    carrier honours (P<parcel id> at seal, E<early waybill id> in the 店小秘 flow); `origin`: its ShipFrom
    when the caller already has it."""
    sender = sender_address(carrier, origin or ship_from(order.id))
    return WaybillRequest(client_order_id=client_order_id, recipient=_recipient(order), sender=sender,
                          weight_g=weight_g, cargo=_cargo(order), remark=order.external_id, customs=declaration)


def run_after_label(order_id, tracking_number, carrier_code):
    """The follow-ups registered with after_label (tracking's 虚拟发货 write-back), after a commit."""
    for follow_up in _AFTER_LABEL:
        follow_up(order_id, tracking_number, carrier_code)


def _recipient(order):
    return Address(order.buyer_name, order.buyer_phone, order.province, order.city, order.district,
                   order.address, order.postcode, country=(order.country or "CN").upper())


def _service(carrier):
    """The carrier's product printed in the label's header: the Kuaidi100 expType the request names."""
    settings = carrier.settings or {}
    default = "标准快递" if settings.get("adapter", "kuaidi100") == "kuaidi100" else ""
    return str(settings.get("exp_type") or default)


def _cargo(order, limit=60):
    """The contents line: abroad, as declared in English (what the forwarder's label shows). The carrier's
    request takes 60 characters; the label's item box fits a longer one (and marks a cut)."""
    if customs.needs_declaration(order.country):
        declaration, _row = declarations.declaration_of(order)
        return "; ".join(f"{item.name_en or item.sku_code} x{item.qty}" for item in declaration.items)[:limit]
    return "; ".join(f"{line.name or line.sku_code} x{line.qty}" for line in order.lines)[:limit]


def _publish_order(order, previous):
    payload = {"order_id": order.id, "external_id": order.external_id, "from": previous, "to": order.status,
               "reasons": order.hold_codes}
    for role in ("supervisor", "reviewer"):
        realtime.publish("order.state_changed", payload, realtime.room_for_role(role))


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
    won = db.session.execute(
        update(Parcel).where(Parcel.id == parcel_id, Parcel.status == PARCEL_WAYBILL_FAILED,
                             Parcel.tracking_number.is_(None))
        .values(status=PARCEL_LABELLED, tracking_number=number, carrier_code=code, waybill_error="",
                waybill_failure_kind="", labelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        _require_failed(get_parcel(parcel_id))
    parcel = db.session.get(Parcel, parcel_id)
    db.session.refresh(parcel)
    order = parcel.order
    previous = order.status
    order.carrier_code = code
    said = wording("waybill {number} ({carrier}) typed by hand: {reason}", number=number, carrier=code, reason=reason)
    if order.status == states.PACKED:
        order.transition_to(states.LABELLED, reason=said, actor=actor)
        _publish_order(order, previous)
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
    won = db.session.execute(
        update(Parcel).where(Parcel.id == parcel_id, Parcel.status == PARCEL_WAYBILL_FAILED,
                             Parcel.tracking_number.is_(None))
        .values(status=PARCEL_VOIDED, voided_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        _require_failed(get_parcel(parcel_id))
    parcel = db.session.get(Parcel, parcel_id)
    db.session.refresh(parcel)
    parcel.order.note(wording("parcel {parcel} voided without a waybill, to be sealed again: {reason}",
                              parcel=parcel.id, reason=reason), actor=actor, kind="edit")
    _publish_resolved(parcel, "voided")
    aftercommit.commit()
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
        _publish_order(order, states.LABELLED)
    aftercommit.commit()
    return parcel


def _voided(number, reason):
    if reason == "voided":   # void_label's default: nobody said why
        return wording("label {number} voided", number=number)
    return wording("label {number} voided: {reason}", number=number, reason=reason)


def label_path(parcel_id):
    """The file of the parcel's PDF label, or NotFound while it has none."""
    parcel = get_parcel(parcel_id)
    if not parcel.label_pdf_path or not Path(parcel.label_pdf_path).exists():
        raise NotFound.worded("parcel {parcel} has no label yet", parcel=parcel_id)
    return parcel.label_pdf_path


def find_parcels(query="", limit=100):
    """Parcels by order number or tracking number, else the latest ones (each with its order loaded).

    The two lookups are asked apart and their ids united: an OR across parcels and orders can use
    neither table's index (a scan of every parcel ever sealed), each lookup alone is one index probe
    (parcels.tracking_number, ix_orders_external_id)."""
    statement = select(Parcel).options(joinedload(Parcel.order)).order_by(Parcel.id.desc()).limit(limit)
    query = str(query or "").strip()
    if query:
        by_tracking = select(Parcel.id).where(Parcel.tracking_number == query)
        by_order = (select(Parcel.id).join(Order, Order.id == Parcel.order_id).where(Order.external_id == query))
        statement = statement.where(Parcel.id.in_(union(by_tracking, by_order)))
    return db.session.scalars(statement).all()
