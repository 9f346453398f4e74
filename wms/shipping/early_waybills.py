"""Waybills requested before packing (the 店小秘 flow): a bulk request (运单号申请) with its progress,
the failure queue (the carrier's own words; fix the address and retry, or change carrier), and the
label reused when the parcel is sealed.

What holds whatever runs twice or at once:
- an order has at most one live early waybill: EarlyWaybill.live_order_id is the order's id while the
  row is live and NULL after, under a unique index, so a second request for it fails in the database;
- the carrier gets the row's id as its orderId ("E<id>"), so a resend after a timeout returns the
  waybill already made, and a row with a tracking number never asks again;
- the answer is written by a conditional UPDATE (still requesting, no number yet), so of two runs one
  writes and the other stands back.
Cancelling voids it with the carrier exactly once: wms.shipping.early_voids.

Transitions (of the order, at seal): picked -> packed -> labelled, with no second waybill.
"""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from wms import aftercommit, job_names, realtime, worker
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.rows import get_or_not_found
from wms.shipping import declarations, waybill_timing
from wms.shipping.carrier_services import carrier_adapter, choose_carrier, order_weight_g
from wms.shipping.carriers import WaybillError
from wms.shipping.label_files import render_label
from wms.shipping.label_follow_ups import run_after_label
from wms.shipping.models import (
    EARLY_DROPPED, EARLY_FAILED, EARLY_ISSUED, EARLY_REQUESTING, EARLY_USED, EARLY_VOIDED, PARCEL_LABELLED, Carrier,
    EarlyWaybill, WaybillBatch)
from wms.shipping.ship_from import ship_from
from wms.shipping.waybill_requests import waybill_request
from wms.timeutil import utcnow
from wms.wording import wording

CHUNK = 50            # early waybills per job: several workers share a big batch
CARRIER_THREADS = 16  # a chunk's carrier calls under way at once
BATCH_LIMIT = 2000    # orders in one bulk request
# What a person may correct on an order whose waybill the carrier refused (nothing the floor uses).
ADDRESS_FIELDS = {"buyer_name": 120, "buyer_phone": 40, "province": 60, "city": 60, "district": 60, "address": 500,
                  "postcode": 20}


def open_batch(order_ids, actor=None):
    """One requesting early waybill per order, the requests queued in chunks after commit.

    Every order must be reviewed and not yet packed, without a live early waybill and with a carrier
    (chosen by the rules when it has none); otherwise nothing is written and each refusal is named."""
    ids = list(dict.fromkeys(int(order_id) for order_id in order_ids))
    if not ids:
        raise ValidationFailed.worded("Select the orders whose waybills to request", details={"field": "order_ids"})
    if len(ids) > BATCH_LIMIT:
        raise ValidationFailed.worded("At most {limit} orders in one request", limit=BATCH_LIMIT,
                                      details={"field": "order_ids"})
    orders = {order.id: order for order in db.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines).joinedload(OrderLine.sku)))}
    if len(orders) != len(ids):
        raise NotFound.worded("Order {ids} not found", ids=", ".join(str(i) for i in ids if i not in orders))
    live = set(db.session.scalars(select(EarlyWaybill.order_id).where(EarlyWaybill.live_order_id.in_(ids))))
    refused = {}
    for order_id in ids:
        problem = _refusal(orders[order_id], order_id in live, actor)
        if problem:
            refused.setdefault(problem, []).append(orders[order_id].external_id)
    if refused:
        db.session.rollback()
        template, refs = next(iter(refused.items()))
        raise ValidationFailed.worded(template, orders=", ".join(refs[:20]) + (" ..." if len(refs) > 20 else ""),
                                      details={"field": "order_ids"})
    batch = WaybillBatch(total=len(ids), requested_by_id=getattr(actor, "id", None))
    db.session.add(batch)
    db.session.flush()
    rows = [_new_row(orders[order_id], batch.id) for order_id in ids]
    db.session.add_all(rows)
    db.session.flush()
    for start in range(0, len(rows), CHUNK):
        worker.enqueue(job_names.REQUEST_EARLY_WAYBILLS, *[row.id for row in rows[start:start + CHUNK]], queue="labels")
    aftercommit.commit()
    return batch


def _refusal(order, has_live, actor):
    if order.status not in waybill_timing.REQUESTABLE_STATES:
        return "Not waiting for a waybill (not reviewed, or already packed): {orders}"
    if has_live:
        return "A waybill was already requested for {orders}"
    if not order.carrier_code:
        choose_carrier(order.id, actor=actor, commit=False)
    if not order.carrier_code:
        return "No carrier can take {orders}"
    return ""


def _new_row(order, batch_id):
    return EarlyWaybill(order_id=order.id, live_order_id=order.id, batch_id=batch_id, carrier_code=order.carrier_code,
                        weight_g=order_weight_g(order))


def request_many(waybill_ids):
    """Ask the carrier for each of a job's chunk; {id: outcome}. One failure never stops the others.

    The carrier calls wait on the network, so a chunk's run side by side (CARRIER_THREADS, with no
    database session in those threads). Each refusal is written in a transaction of its own; the
    waybills issued are written and rendered together in one, and their follow-ups run after it."""
    outcomes = {waybill_id: "skipped" for waybill_id in waybill_ids}
    loaded = _load_chunk(waybill_ids)   # held: the session keeps only what someone refers to
    db.session.execute(update(EarlyWaybill).where(EarlyWaybill.id.in_(list(waybill_ids)),
                                                  EarlyWaybill.status == EARLY_REQUESTING)
                       .values(attempts=EarlyWaybill.attempts + 1).execution_options(synchronize_session=False))
    carriers = {}
    asks = [ask for ask in (_prepare(waybill_id, carriers) for waybill_id in waybill_ids) if ask is not None]
    db.session.commit()   # no transaction stays open during the carriers' calls
    if not asks:
        return outcomes
    with ThreadPoolExecutor(max_workers=min(CARRIER_THREADS, len(asks))) as pool:
        answers = list(pool.map(_ask, asks))
    for (waybill_id, _carrier, _call), answer in zip(asks, answers):
        if isinstance(answer, WaybillError):
            outcomes[waybill_id] = _failed(waybill_id, answer)
    loaded = _load_chunk(waybill_ids)
    follow_ups = []
    for (waybill_id, carrier, call), answer in zip(asks, answers):
        if not isinstance(answer, WaybillError):
            outcomes[waybill_id], told = _issued(waybill_id, carrier, answer, call[2])
            follow_ups += [told] if told else []
    aftercommit.commit()
    del loaded
    for told in follow_ups:   # tracking's 虚拟发货 write-back, for the stores set to it
        run_after_label(*told)
    return outcomes


def _load_chunk(waybill_ids):
    """The chunk's rows with their orders, lines and SKUs, in one statement (not one per row)."""
    return db.session.scalars(select(EarlyWaybill).where(EarlyWaybill.id.in_(list(waybill_ids)))
                       .options(joinedload(EarlyWaybill.order).selectinload(Order.lines).joinedload(OrderLine.sku))
                       .execution_options(populate_existing=True)).all()


def request_early(waybill_id):
    """Get the tracking number of one early waybill and render its label (once per row, ever)."""
    return request_many([waybill_id])[waybill_id]


def _prepare(waybill_id, carriers):
    """(id, carrier, the call to make or the WaybillError already known) for a row still requesting;
    `carriers` caches the chunk's carriers by code."""
    row = db.session.get(EarlyWaybill, waybill_id)
    if row is None or row.status != EARLY_REQUESTING:
        return None
    if row.carrier_code not in carriers:
        carriers[row.carrier_code] = db.session.scalar(select(Carrier).where(Carrier.code == row.carrier_code))
    carrier = carriers[row.carrier_code]
    try:
        if carrier is None:
            raise WaybillError("carrier_error", f"carrier {row.carrier_code} is not set up", retryable=False)
        declaration = declarations.for_waybill(row.order)   # abroad: complete, or refused before any call
        origin = ship_from(row.order_id)   # asked once: the request's sender and the label's
        request = waybill_request(row.order, f"E{waybill_id}", carrier, row.weight_g, declaration, origin)
        return waybill_id, carrier, (carrier_adapter(carrier), request, origin)
    except WaybillError as error:
        return waybill_id, carrier, error


def _ask(ask):
    """The carrier's answer (a WaybillResult) or its refusal (the WaybillError), in a worker thread."""
    _waybill_id, _carrier, call = ask
    if isinstance(call, WaybillError):
        return call
    adapter, request, _origin = call
    try:
        return adapter.create_waybill(request)
    except WaybillError as error:
        return error


def _failed(waybill_id, error):
    db.session.rollback()
    row = db.session.get(EarlyWaybill, waybill_id)
    if row.status != EARLY_REQUESTING:   # voided or answered meanwhile
        return "skipped"
    if row.void_wanted:                  # cancelled while asking: nothing to keep
        row.status, row.live_order_id = EARLY_DROPPED, None
    else:
        row.status = EARLY_FAILED
    row.error = f"{error.reason}: {error.message}"[:500]
    realtime.publish("waybill.early_failed", {"waybill_id": row.id, "order_id": row.order_id, "reason": error.reason,
                                              "message": error.message}, realtime.room_for_role("supervisor"))
    aftercommit.commit()
    return "failed"


def _issued(waybill_id, carrier, result, origin=None):
    """Write the carrier's answer if the row still waits for it, render its label; (outcome, the
    follow-up's arguments or None). No commit (the chunk's)."""
    row = db.session.get(EarlyWaybill, waybill_id)
    values = dict(status=EARLY_ISSUED, tracking_number=result.tracking_number,
                  carrier_order_id=result.carrier_order_id[:64], sort_code=result.sort_code[:64],
                  package_centre=result.package_centre[:64], error="", issued_at=utcnow())
    for name, value in values.items():   # what the label reads; written below by one conditional UPDATE
        set_committed_value(row, name, value)
    render_label(row, carrier, f"early-{row.id}", origin=origin)
    values.update(label_pdf_path=row.label_pdf_path, label_zpl=row.label_zpl)
    for name in ("label_pdf_path", "label_zpl"):
        set_committed_value(row, name, values[name])
    void_wanted = db.session.execute(
        update(EarlyWaybill).where(EarlyWaybill.id == waybill_id, EarlyWaybill.status == EARLY_REQUESTING,
                                   EarlyWaybill.tracking_number.is_(None))
        .values(**values).returning(EarlyWaybill.void_wanted).execution_options(synchronize_session=False)).scalar()
    if void_wanted is None:   # another run wrote first, or the row left requesting: nothing was written
        db.session.expire(row)
        return "already", None
    if void_wanted:           # cancelled while asking: the number it got is cancelled too
        worker.enqueue(job_names.VOID_EARLY_WAYBILL, row.id, queue="labels")
        return row.tracking_number, None
    row.order.note(wording("waybill {number} requested ({carrier})", number=row.tracking_number, carrier=carrier.code))
    return row.tracking_number, (row.order_id, row.tracking_number, carrier.code)


def batch_progress(batch_id):
    """{total, requesting, issued, failed, done}: what the bulk request's progress bar shows."""
    batch = get_or_not_found(WaybillBatch, batch_id, "No such waybill request")
    counts = dict(db.session.execute(select(EarlyWaybill.status, func.count()).where(EarlyWaybill.batch_id == batch.id)
                                     .where(EarlyWaybill.status != EARLY_DROPPED)
                                     .group_by(EarlyWaybill.status)).all())
    requesting, failed = counts.get(EARLY_REQUESTING, 0), counts.get(EARLY_FAILED, 0)
    total = sum(counts.values())
    return {"batch_id": batch.id, "total": total, "requesting": requesting, "failed": failed,
            "issued": total - requesting - failed, "done": total - requesting}


def label_path(row):
    """The file of an early waybill's PDF label, or NotFound while it has none."""
    if not row.label_pdf_path or not Path(row.label_pdf_path).exists():
        raise NotFound.worded("The label of {number} is missing: request it again", number=row.tracking_number or "-")
    return row.label_pdf_path


def failure_queue(limit=500):
    """Early waybills the carrier refused (申请失败), oldest first, with their orders."""
    return db.session.scalars(select(EarlyWaybill).where(EarlyWaybill.status == EARLY_FAILED)
                              .options(joinedload(EarlyWaybill.order)).order_by(EarlyWaybill.id).limit(limit)).all()


def retry(waybill_id, fixes=None, actor=None):
    """Ask again for a failed one, after correcting the buyer's address (`fixes`: ADDRESS_FIELDS)."""
    row = _failed_row(waybill_id)
    changed = _fix_address(row.order, fixes or {})
    if changed:
        row.order.note(wording("address corrected for the carrier: {fields}", fields=", ".join(changed)),
                       actor=actor, kind="edit")
    row.status, row.error = EARLY_REQUESTING, ""
    worker.enqueue(job_names.REQUEST_EARLY_WAYBILLS, row.id, queue="labels")
    aftercommit.commit()
    return row


def change_carrier(waybill_id, carrier_code, actor=None):
    """Give a failed one up and ask another carrier: the old row is dropped (it has no number), a new
    one is requested in the same batch."""
    row = _failed_row(waybill_id)
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == str(carrier_code or ""), Carrier.active.is_(True)))
    if carrier is None:
        raise ValidationFailed.worded("Unknown or inactive carrier {code}", code=carrier_code or "-",
                                      details={"field": "carrier_code"})
    if carrier.code == row.carrier_code:
        raise ValidationFailed.worded("This is already the order's carrier: retry instead",
                                      details={"field": "carrier_code"})
    order = row.order
    row.status, row.live_order_id = EARLY_DROPPED, None
    db.session.flush()
    order.note(wording("carrier changed from {old} to {new}", old=order.carrier_code or "-", new=carrier.code),
               actor=actor, kind="edit")
    order.carrier_code = carrier.code
    fresh = _new_row(order, row.batch_id)
    db.session.add(fresh)
    db.session.flush()
    worker.enqueue(job_names.REQUEST_EARLY_WAYBILLS, fresh.id, queue="labels")
    aftercommit.commit()
    return fresh


def _failed_row(waybill_id):
    row = get_or_not_found(EarlyWaybill, waybill_id, "No such waybill request")
    if row.status != EARLY_FAILED:
        raise IllegalTransition.worded("This waybill request did not fail (it is {status})", status=wording(row.status),
                                       details={"current": row.status})
    if row.order.status not in waybill_timing.REQUESTABLE_STATES:
        raise IllegalTransition.worded("Order {order} is no longer waiting for a waybill", order=row.order.external_id,
                                       details={"current": row.order.status})
    return row


def _fix_address(order, fixes):
    """Apply the posted corrections, all checked before any is written; the names of the fields that
    changed. A field too long, or a required one emptied, is refused."""
    clean = {}
    for name, limit in ADDRESS_FIELDS.items():
        if name not in fixes:
            continue
        value = str(fixes[name] or "").strip()
        if len(value) > limit:
            raise ValidationFailed.worded("At most {limit} characters", limit=limit, details={"field": name})
        if name in ("buyer_name", "address") and not value:
            raise ValidationFailed.worded("This field is required", details={"field": name})
        clean[name] = value
    changed = [name for name, value in clean.items() if value != (getattr(order, name) or "")]
    for name in changed:
        setattr(order, name, clean[name])
    return changed


# --- the pack station ----------------------------------------------------------------------------

def live_for_order(order_id):
    """The order's live early waybill, or None."""
    return db.session.scalar(select(EarlyWaybill).where(EarlyWaybill.live_order_id == order_id))


def issued_numbers(order_ids):
    """{order id: tracking number} of the orders' issued early waybills a seal would reuse (one statement)."""
    if not order_ids:
        return {}
    return dict(db.session.execute(select(EarlyWaybill.live_order_id, EarlyWaybill.tracking_number).where(
        EarlyWaybill.live_order_id.in_(list(order_ids)), EarlyWaybill.status == EARLY_ISSUED,
        EarlyWaybill.void_wanted.is_(False))).all())


def order_for_tracking(number):
    """The order whose issued early waybill has this tracking number (the label the packer scans), or None."""
    number = str(number or "").strip()
    if not number:
        return None
    row = db.session.scalar(select(EarlyWaybill).where(EarlyWaybill.tracking_number == number))
    if row is None:
        return None
    status = EARLY_VOIDED if row.void_wanted else row.status   # being voided (a merge or split changed it)
    if status != EARLY_ISSUED:
        raise IllegalTransition.worded("Label {number} was {status}: do not pack with it", number=number,
                                       status=wording(status), details={"current": status})
    return row.order


def take_for_seal(order_id):
    """The issued early waybill a seal reuses, or None (seal then requests one as at seal). A failed one
    is dropped (it has no number); one still being requested refuses the seal for the moment."""
    row = live_for_order(order_id)
    if row is None:
        return None
    if row.status == EARLY_FAILED:
        row.status, row.live_order_id = EARLY_DROPPED, None
        db.session.flush()
        return None
    if row.void_wanted:   # its label shows what the order held before a merge or split: a new one at seal
        return None
    if row.status != EARLY_ISSUED:
        raise IllegalTransition.worded("The waybill is still being requested: seal again in a moment",
                                       details={"current": row.status})
    return row


def seal_with(row, parcel, actor=None):
    """The sealed parcel takes the early waybill's number and label: no second request, no second label.
    No commit (the seal's transaction).

    Transitions: packed -> labelled."""
    parcel.tracking_number, parcel.carrier_order_id = row.tracking_number, row.carrier_order_id
    parcel.sort_code, parcel.package_centre = row.sort_code, row.package_centre
    parcel.label_pdf_path, parcel.label_zpl = row.label_pdf_path, row.label_zpl
    parcel.status, parcel.labelled_at = PARCEL_LABELLED, utcnow()
    row.status, row.live_order_id, row.parcel_id = EARLY_USED, None, parcel.id
    order = parcel.order or db.session.get(Order, parcel.order_id)
    order.transition_to(states.LABELLED, reason=wording("sealed with label {number} printed before picking",
                                                        number=row.tracking_number), actor=actor)
    db.session.flush()
    return parcel

