"""Shipping use cases: carrier choice, seal -> waybill -> label -> print, retry, reprint, void.

Transitions: picked -> packed (seal_parcel), packed -> labelled (request_waybill),
labelled -> packed (void_label).
"""
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from wms import aftercommit, realtime, worker
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.shipping import labels, rules
from wms.shipping.carriers import Address, WaybillError, WaybillRequest, adapter_for
from wms.shipping.models import (
    PARCEL_LABELLED, PARCEL_SEALED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED, PRINT_FAILED, PRINT_PRINTED, PRINT_QUEUED,
    PRINT_READY, PRINT_SENT, Carrier, Parcel, PrintJob)
from wms.timeutil import utcnow

ACTIVE_PARCEL = (PARCEL_SEALED, PARCEL_LABELLED, PARCEL_WAYBILL_FAILED)


def station_room(code):
    return f"station:{code}"


def carrier_adapter(carrier):
    """The carrier's adapter. A carrier without an api_url talks to the local Kuaidi100 sandbox when
    the app is configured with CARRIER_SANDBOX_URL (demo and development), never to the real API."""
    settings = dict(carrier.settings or {})
    sandbox_url = current_app.config.get("CARRIER_SANDBOX_URL")
    if sandbox_url and not settings.get("api_url"):
        from wms.shipping.carriers import sandbox

        settings = {"kuaidicom": carrier.code.lower(), **sandbox.Sandbox.settings_for(sandbox_url), **settings}
    if not settings.get("salt"):  # tracking pushes are signed with the carrier's salt, else the app's
        settings["salt"] = current_app.config.get("CARRIER_WEBHOOK_SALT", "")
    return adapter_for(settings)


# --- carrier choice -----------------------------------------------------------------------------

def carrier_options():
    return [rules.CarrierOption(
        code=c.code, name=c.name, regions=tuple(c.settings.get("regions") or ()),
        excluded=tuple(c.settings.get("excluded") or ()), max_weight_g=int(c.settings.get("max_weight_g") or 0),
        base_cents=int(c.settings.get("base_cents") or 0), per_kg_cents=int(c.settings.get("per_kg_cents") or 0),
        cutoffs=tuple(c.cutoffs or ()), active=c.active) for c in db.session.scalars(select(Carrier).order_by(Carrier.code))]


def order_weight_g(order):
    return sum((line.sku.weight_g if line.sku else 0) * line.qty for line in order.lines)


def buyer_choice(order):
    """The carrier the buyer asked for: a `carrier:<code>` tag set by the channel import."""
    for tag in order.tags or []:
        if isinstance(tag, str) and tag.startswith("carrier:"):
            return tag.split(":", 1)[1]
    return None


def carrier_choice(order, now=None):
    """What the rules would choose for this order (no write)."""
    shipment = rules.Shipment(order.province, order_weight_g(order), buyer_choice(order))
    return rules.choose(shipment, carrier_options(), now or utcnow(), current_app.config["WAREHOUSE_TIMEZONE"])


def choose_carrier(order_id, actor=None, commit=True):
    """Set the order's carrier by the rules (review calls it; seal calls it when none is set)."""
    order = _order(order_id)
    choice = carrier_choice(order)
    if choice.code and choice.code != order.carrier_code:
        order.carrier_code = choice.code
        order.note(f"carrier {choice.code}: {choice.reason}", actor=actor, kind="edit")
    if commit:
        aftercommit.commit()
    return choice


def change_carrier(order_id, carrier_code, actor=None):
    """A person picks another carrier; allowed until a label exists."""
    order = _order(order_id)
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == carrier_code, Carrier.active.is_(True)))
    if carrier is None:
        raise ValidationFailed(f"unknown or inactive carrier {carrier_code!r}", field="carrier_code")
    if order.status in (states.LABELLED, states.SHIPPED, states.DELIVERED, states.COMPLETED) or \
            _labelled_parcel(order.id) is not None:
        raise IllegalTransition("the label exists: void it before changing the carrier", current=order.status)
    previous = order.carrier_code
    order.carrier_code = carrier_code
    for parcel in _active_parcels(order.id):  # sealed or failed, no tracking number yet
        parcel.carrier_code = carrier_code
    order.note(f"carrier changed from {previous or '-'} to {carrier_code}", actor=actor, kind="edit")
    aftercommit.commit()
    return order


# --- seal -> waybill -> label --------------------------------------------------------------------

def seal_parcel(order_id, *, seal_uuid, station_code, carton_code, weight_g, expected_weight_g=0, paper=None,
                actor=None, commit=True):
    """Record the sealed parcel and its print job, move the order to packed, queue the waybill.

    Transitions: picked -> packed (a packed order whose parcels were all voided seals again)."""
    order = _order(order_id)
    if _active_parcels(order.id):
        raise IllegalTransition("this order already has a sealed parcel", current=order.status)
    if order.status == states.PICKED:
        order.transition_to(states.PACKED, reason=f"sealed at {station_code} ({carton_code}, {weight_g} g)", actor=actor)
    elif order.status != states.PACKED:
        raise IllegalTransition(f"an order in '{order.status}' cannot be sealed", current=order.status)
    if not order.carrier_code:
        choose_carrier(order.id, actor=actor, commit=False)
    if not order.carrier_code:
        raise ValidationFailed("no carrier can take this order", field="carrier_code")
    parcel = Parcel(order_id=order.id, carrier_code=order.carrier_code, seal_uuid=seal_uuid, carton_code=carton_code,
                    weight_g=weight_g, expected_weight_g=expected_weight_g, station_code=station_code,
                    packed_by_id=getattr(actor, "id", None), paper=paper if paper in labels.PAPER_SIZES else "100x150")
    db.session.add(parcel)
    db.session.flush()
    db.session.add(PrintJob(parcel_id=parcel.id, station_code=station_code, requested_by_id=getattr(actor, "id", None)))
    worker.enqueue("wms.shipping.jobs.request_waybill", parcel.id, queue="labels")
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
        result = carrier_adapter(carrier).create_waybill(_waybill_request(parcel, carrier))
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
    payload = {"parcel_id": parcel.id, "order_id": parcel.order_id, "reason": error.reason, "message": error.message}
    realtime.publish("waybill.failed", payload, realtime.room_for_role("supervisor"))
    if parcel.station_code:
        realtime.publish("waybill.failed", payload, station_room(parcel.station_code))
    aftercommit.commit()


def _labelled(parcel_id, carrier, result):
    won = db.session.execute(
        update(Parcel).where(Parcel.id == parcel_id, Parcel.tracking_number.is_(None), Parcel.status != PARCEL_VOIDED)
        .values(tracking_number=result.tracking_number, carrier_order_id=result.carrier_order_id[:64],
                sort_code=result.sort_code[:64], status=PARCEL_LABELLED, waybill_error="", labelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        return "already"
    parcel = db.session.get(Parcel, parcel_id)
    db.session.refresh(parcel)
    _render(parcel, carrier)
    order = parcel.order
    if order.status == states.PACKED:
        order.transition_to(states.LABELLED, reason=f"waybill {parcel.tracking_number} ({carrier.code})")
        _publish_order(order, states.PACKED)
    jobs = [job for job in parcel.print_jobs if job.status == PRINT_QUEUED]
    for job in jobs:
        job.status = PRINT_READY
        _announce(job)
    aftercommit.commit()
    from wms.tracking.writeback import on_label_created

    on_label_created(order.id, parcel.tracking_number, carrier.code)  # 虚拟发货: tell the channel now
    for job in jobs:
        deliver_to_printer(job.id)
    return parcel.tracking_number


def _render(parcel, carrier):
    from wms.packing.models import PackStation

    station = db.session.scalar(select(PackStation).where(PackStation.code == parcel.station_code))
    data = label_data(parcel, carrier)
    directory = Path(current_app.config["UPLOAD_DIR"]) / "labels"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"parcel-{parcel.id}-{parcel.tracking_number}.pdf"
    path.write_bytes(labels.render_pdf(data))
    parcel.label_pdf_path = str(path)
    parcel.label_zpl = labels.render_zpl(data, zpl_font=(station.zpl_font or None) if station else None)


def label_data(parcel, carrier):
    order = parcel.order
    sender = _sender(carrier)
    return labels.LabelData(
        tracking_number=parcel.tracking_number, carrier_name=carrier.name, order_ref=order.external_id,
        recipient=labels.Party(order.buyer_name, order.buyer_phone,
                               "".join((order.province, order.city, order.district, order.address))),
        sender=labels.Party(sender.name, sender.phone, sender.full), weight_g=parcel.weight_g,
        carton=parcel.carton_code, cargo=_cargo(order), sort_code=parcel.sort_code,
        printed_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"), paper=parcel.paper)


def _waybill_request(parcel, carrier):
    order = parcel.order
    recipient = Address(order.buyer_name, order.buyer_phone, order.province, order.city, order.district,
                        order.address, order.postcode)
    return WaybillRequest(client_order_id=f"P{parcel.id}", recipient=recipient, sender=_sender(carrier),
                          weight_g=parcel.weight_g, cargo=_cargo(order), remark=order.external_id)


def _sender(carrier):
    s = carrier.settings.get("sender") or {}
    return Address(s.get("name", "WMS"), s.get("phone", ""), s.get("province", ""), s.get("city", ""),
                   s.get("district", ""), s.get("address", ""))


def _cargo(order):
    return "; ".join(f"{line.name or line.sku_code} x{line.qty}" for line in order.lines)[:60]


# --- failed queue, retry, reprint, void --------------------------------------------------------

def waybill_failed_queue():
    """Parcels whose waybill request failed (运单号申请失败), oldest first."""
    return db.session.scalars(select(Parcel).where(Parcel.status == PARCEL_WAYBILL_FAILED).order_by(Parcel.id)).all()


def retry_waybill(parcel_id, actor=None):
    """Ask again (after fixing the address, topping up the quota...). Never a second waybill."""
    parcel = _parcel(parcel_id)
    if parcel.status != PARCEL_WAYBILL_FAILED:
        raise IllegalTransition(f"parcel {parcel.id} is {parcel.status}, not waybill_failed", current=parcel.status)
    parcel.status, parcel.waybill_error = PARCEL_SEALED, ""
    parcel.order.note(f"waybill retried for parcel {parcel.id}", actor=actor)
    worker.enqueue("wms.shipping.jobs.request_waybill", parcel.id, queue="labels")
    aftercommit.commit()
    return db.session.get(Parcel, parcel_id)


def reprint(parcel_id, station_code=None, actor=None):
    """Print the label again at a station (the parcel's own by default)."""
    parcel = _parcel(parcel_id)
    if parcel.status != PARCEL_LABELLED and not (parcel.tracking_number and parcel.status in ("manifested", "shipped")):
        raise IllegalTransition(f"parcel {parcel.id} has no label to print ({parcel.status})", current=parcel.status)
    job = PrintJob(parcel_id=parcel.id, station_code=station_code or parcel.station_code, kind="reprint",
                   status=PRINT_READY, requested_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    _announce(job)
    worker.enqueue("wms.shipping.jobs.send_to_printer", job.id, queue="labels")
    aftercommit.commit()
    return job


def void_label(parcel_id, actor=None, reason="voided"):
    """Cancel the waybill at the carrier and void the parcel; the order goes back to packed.

    Transitions: labelled -> packed."""
    parcel = _parcel(parcel_id)
    if parcel.status != PARCEL_LABELLED:
        raise IllegalTransition(f"only a labelled parcel can be voided (this one is {parcel.status})",
                                current=parcel.status)
    carrier = _carrier(parcel.carrier_code)
    try:
        carrier_adapter(carrier).cancel_waybill(parcel.tracking_number, parcel.carrier_order_id, reason)
    except WaybillError as error:
        raise ValidationFailed(f"the carrier refused to cancel: {error.message}", reason=error.reason) from None
    parcel.status, parcel.voided_at = PARCEL_VOIDED, utcnow()
    order = parcel.order
    if order.status == states.LABELLED:
        order.transition_to(states.PACKED, reason=f"label {parcel.tracking_number} voided: {reason}", actor=actor)
        _publish_order(order, states.LABELLED)
    aftercommit.commit()
    return parcel


def deliver_to_printer(job_id):
    """Send a ready job's ZPL to its station's network printer, if it has one (else the browser prints)."""
    from wms.packing.models import PackStation
    from wms.shipping.printing import PrinterError, send_zpl

    job = db.session.get(PrintJob, job_id)
    station = db.session.scalar(select(PackStation).where(PackStation.code == job.station_code)) if job else None
    if job is None or station is None or not station.printer_host or job.status != PRINT_READY:
        return "browser"
    try:
        send_zpl(station.printer_host, job.parcel.label_zpl, station.printer_port, timeout=3.0)
        job.status, job.done_at = PRINT_SENT, utcnow()
    except PrinterError as error:
        job.status, job.error = PRINT_FAILED, str(error)[:300]
        realtime.publish("print.failed", {"print_job_id": job.id, "parcel_id": job.parcel_id, "error": job.error},
                         station_room(job.station_code))
    aftercommit.commit()
    return job.status


def mark_printed(job_id, station_code):
    """The station's browser printed the PDF."""
    job = db.session.get(PrintJob, job_id)
    if job is None or job.station_code != station_code:
        raise NotFound("no such print job at this station")
    if job.status == PRINT_READY:
        job.status, job.done_at = PRINT_PRINTED, utcnow()
        aftercommit.commit()
    return job


def pending_print_jobs(station_code):
    """Labels ready but not printed yet at a station (re-sent after a reconnect)."""
    return db.session.scalars(select(PrintJob).where(PrintJob.station_code == station_code,
                                                     PrintJob.status == PRINT_READY).order_by(PrintJob.id)).all()


def print_job_payload(job):
    parcel = job.parcel
    return {"print_job_id": job.id, "parcel_id": parcel.id, "order_id": parcel.order_id,
            "tracking_number": parcel.tracking_number, "carrier": parcel.carrier_code, "paper": parcel.paper,
            "pdf_url": f"/shipping/parcels/{parcel.id}/label.pdf", "status": job.status}


def _announce(job):
    if job.station_code:
        realtime.publish("label.ready", print_job_payload(job), station_room(job.station_code))


# --- helpers -----------------------------------------------------------------------------------

def _order(order_id):
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(f"order {order_id} not found")
    return order


def _parcel(parcel_id):
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound(f"parcel {parcel_id} not found")
    return parcel


def _carrier(code):
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == code))
    if carrier is None:
        raise NotFound(f"carrier {code} not found")
    return carrier


def _active_parcels(order_id):
    return db.session.scalars(select(Parcel).where(Parcel.order_id == order_id, Parcel.status.in_(ACTIVE_PARCEL))).all()


def _labelled_parcel(order_id):
    return db.session.scalar(select(Parcel).where(Parcel.order_id == order_id, Parcel.status == PARCEL_LABELLED))


def _publish_order(order, previous):
    payload = {"order_id": order.id, "external_id": order.external_id, "from": previous, "to": order.status,
               "reasons": order.hold_codes}
    for role in ("supervisor", "reviewer"):
        realtime.publish("order.state_changed", payload, realtime.room_for_role(role))


PRINT_STATUSES = (PRINT_QUEUED, PRINT_READY, PRINT_SENT, PRINT_PRINTED, PRINT_FAILED)


# --- pages -------------------------------------------------------------------------------------

def label_path(parcel_id):
    parcel = _parcel(parcel_id)
    if not parcel.label_pdf_path or not Path(parcel.label_pdf_path).exists():
        raise NotFound(f"parcel {parcel_id} has no label yet")
    return parcel.label_pdf_path


def find_parcels(query="", limit=100):
    """Parcels by order number or tracking number, else the latest ones."""
    statement = select(Parcel).order_by(Parcel.id.desc()).limit(limit)
    query = str(query or "").strip()
    if query:
        statement = statement.join(Order, Order.id == Parcel.order_id).where(
            (Parcel.tracking_number == query) | (Order.external_id == query))
    return db.session.scalars(statement).all()


def list_carriers():
    return db.session.scalars(select(Carrier).order_by(Carrier.code)).all()


def save_carrier(code, *, name, cutoffs, settings, active=True):
    """Create or update a carrier; cut-offs are local "HH:MM" times, comma separated."""
    from datetime import time

    if not code or len(code) > 40:
        raise ValidationFailed("a carrier code of 1-40 characters is required", field="code")
    times = [part.strip() for part in str(cutoffs or "").split(",") if part.strip()]
    for text in times:
        try:
            time.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(f"cut-off {text!r} is not HH:MM", field="cutoffs") from None
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == code)) or Carrier(code=code)
    carrier.name, carrier.cutoffs, carrier.settings, carrier.active = name or code, sorted(times), settings, active
    db.session.add(carrier)
    aftercommit.commit()
    return carrier


def order_carrier_view(order_id):
    order = db.session.get(Order, order_id)
    return order, (carrier_choice(order) if order else None)
