"""Intercepts (拦截): a cancellation or refund from the channel acted on wherever the order is.

`intercept_order` is the one entry point for a channel cancellation:
- at the desk (imported, on_hold, approved, backorder) or allocated: cancelled, stock freed;
- waved: its pick lines leave the wave (the picker's handheld is told), cancelled, stock freed;
- picking, picked, packed: the floor is told live what to put back and to which bin
  (`order.intercepted` to the picker's room and to role:packer), cancelled, stock freed;
- labelled: as above, and the waybill is voided with the carrier (a job, after commit);
- any of these with a waybill requested before picking (the 店小秘 flow): that waybill is voided too
  (wms.shipping.early_voids, a job after commit);
- shipped, delivered, completed: flagged for interception with the carrier (a supervisor acts).

Transitions: every state in states.BEFORE_SHIPPING -> cancelled.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, job_names, realtime
from wms.aftersales.models import (
    ACTION_CANCELLED, ACTION_CARRIER, ACTION_LEFT_WAVE, ACTION_PUT_BACK, ACTION_WAYBILL_VOIDED, INTERCEPT_DONE,
    INTERCEPT_OPEN, Intercept)
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.inventory.services import release_reservation
from wms.orders import states
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.worker import enqueue
from wms.wording import english, is_wording, wording

ON_THE_FLOOR = frozenset({states.PICKING, states.PICKED, states.PACKED, states.LABELLED})
AFTER_SHIPPING = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED})
# What an open intercept waits for (Intercept.detail until a person writes what was done)
ASK_CARRIER = "ask the carrier to stop and return the parcel"
BEING_VOIDED = "waybill being voided"


def intercept_order(order_id, reason, source="channel", actor=None):
    """Act on a cancellation wherever the order is; idempotent (one Intercept per order).

    `reason`: what a person typed, or a wording the server made (a cancellation on the platform).
    Returns the Intercept, or None for an order already cancelled or returned.
    """
    if not is_wording(reason):
        reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give a reason for the cancellation", field="reason")
    for attempt in range(3):  # the floor may move the order on while we act: act on its new state
        try:
            return _intercept(order_id, reason, source, actor)
        except StaleDataError:
            db.session.rollback()
            if attempt == 2:
                raise


def _intercept(order_id, reason, source, actor):
    order = get_or_not_found(Order, order_id, "Order not found", order_id=order_id)
    existing = db.session.scalar(select(Intercept).where(Intercept.order_id == order_id))
    if existing is not None or order.status in (states.CANCELLED, states.RETURNED):
        return existing
    state = order.status
    intercept = Intercept(order_id=order.id, reason=english(reason), source=source, state_at_intercept=state,
                          created_by=actor_name(actor), action=ACTION_CANCELLED)
    db.session.add(intercept)
    if state in AFTER_SHIPPING:
        intercept.action, intercept.status = ACTION_CARRIER, INTERCEPT_OPEN
        intercept.detail = ASK_CARRIER
        order.note(wording("intercept requested with the carrier: {reason}", reason=reason), actor=actor,
                   kind="intercept")
    else:
        _cancel_on_the_floor(order, intercept, reason, actor)
    realtime.publish("order.intercepted", _payload(order, intercept), realtime.room_for_role("supervisor"))
    order.updated_at = utcnow()
    aftercommit.commit()
    return intercept


def _cancel_on_the_floor(order, intercept, reason, actor):
    from wms.picking.lifecycle import withdraw_order

    state = order.status
    put_back, pickers = withdraw_order(order.id)
    intercept.put_back = put_back
    if state == states.WAVED or (state == states.PICKING and not put_back):
        intercept.action = ACTION_LEFT_WAVE
    elif state == states.LABELLED:
        intercept.action, intercept.status = ACTION_WAYBILL_VOIDED, INTERCEPT_OPEN
        intercept.detail = BEING_VOIDED
    elif state in ON_THE_FLOOR:
        intercept.action = ACTION_PUT_BACK
    order.transition_to(states.CANCELLED, reason=wording("intercepted ({source}): {reason}",
                                                         source=wording(intercept.source), reason=reason),
                        actor=actor)   # source: channel | reviewer | supervisor
    release_reservation(order.id, reason=wording("intercepted"), actor=actor, commit=False)
    _void_early_waybill(order.id)
    payload = _payload(order, intercept)
    for picker_id in pickers:
        realtime.publish("order.intercepted", payload, realtime.room_for_user(picker_id))
    if state in (states.PICKED, states.PACKED, states.LABELLED) or (state == states.PICKING and put_back):
        realtime.publish("order.intercepted", payload, realtime.room_for_role("packer"))
    if state == states.LABELLED:
        db.session.flush()
        enqueue(job_names.VOID_INTERCEPTED_WAYBILL, intercept.id)


def _payload(order, intercept):
    lines = intercept.put_back or []
    message = "; ".join(f"put {line['qty']} x {line['sku']} back to bin {line['bin']}" for line in lines)
    return {"order": order.external_id, "order_id": order.id, "was": intercept.state_at_intercept,
            "action": intercept.action, "lines": lines,
            "message": f"Order {order.external_id} was cancelled" + (f": {message}" if message else "")}


def void_waybill(intercept_id):
    """Job: void the waybill of an intercepted labelled order (wms.shipping.waybills.void_label)."""
    from wms.shipping.models import PARCEL_VOIDED, Parcel

    intercept = db.session.get(Intercept, intercept_id)
    if intercept is None or intercept.status == INTERCEPT_DONE:
        return "skipped"
    parcels = db.session.scalars(select(Parcel).where(Parcel.order_id == intercept.order_id,
                                                      Parcel.status != PARCEL_VOIDED)).all()
    try:
        for parcel in parcels:
            _void_label(parcel.id, intercept.reason)
    except Exception as error:  # the carrier refused or is down: a supervisor sees it, the job retries
        db.session.rollback()
        intercept = db.session.get(Intercept, intercept_id)
        intercept.detail = f"waybill not voided: {type(error).__name__}: {error}"[:1000]
        aftercommit.commit()
        raise
    intercept = db.session.get(Intercept, intercept_id)
    intercept.status, intercept.detail = INTERCEPT_DONE, "waybill voided"
    intercept.resolved_at, intercept.resolved_by = utcnow(), "system"
    aftercommit.commit()
    return "voided"


def _void_early_waybill(order_id):
    """A waybill requested before picking (the 店小秘 flow) is voided with its carrier after commit."""
    from wms.shipping.early_voids import void_for_order

    void_for_order(order_id)


def _void_label(parcel_id, reason):
    from wms.shipping.waybills import void_label  # built by the shipping team

    return void_label(parcel_id, reason=reason)


def open_intercepts():
    """Intercepts a person must still act on (carrier intercepts, waybills not voided), oldest first."""
    return db.session.scalars(select(Intercept).where(Intercept.status == INTERCEPT_OPEN)
                              .options(joinedload(Intercept.order)).order_by(Intercept.id)).all()


def recent_intercepts(limit=100):
    """The latest intercepts, newest first."""
    return db.session.scalars(select(Intercept).options(joinedload(Intercept.order))
                              .order_by(Intercept.id.desc()).limit(limit)).all()


def resolve_intercept(intercept_id, actor=None, note=""):
    """A supervisor dealt with it (the carrier agreed to return the parcel, the label was voided by hand)."""
    intercept = get_or_not_found(Intercept, intercept_id, "No such intercept")
    if intercept.status == INTERCEPT_DONE:
        raise ValidationFailed("This intercept is already resolved")
    intercept.status, intercept.resolved_at, intercept.resolved_by = INTERCEPT_DONE, utcnow(), actor_name(actor)
    intercept.detail = (note or "").strip()[:1000] or intercept.detail
    intercept.order.note(wording("intercept resolved: {detail}", detail=_said(intercept.detail)), actor=actor,
                         kind="intercept")
    aftercommit.commit()
    return intercept


def _said(detail):
    """An intercept's detail inside a timeline entry: our fixed phrases in the reader's language,
    what a person wrote as it is."""
    return wording(detail) if detail in (ASK_CARRIER, BEING_VOIDED) else detail
