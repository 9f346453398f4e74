"""Carrier tracking use cases: record events (webhook or poll), move orders on, auto-complete, exceptions.

Events come from the carrier adapter (wms.shipping.carriers: `parse_webhook(headers, body)` verifies
the signature, `query_tracking(number)` polls) as dicts: tracking_number, time (datetime or ISO,
UTC), status (the carrier's code or word), description, location. Each is normalised
(statuses.normalise) and stored once per (tracking number, time, status), so a webhook delivered
twice, or a poll that overlaps a webhook, changes nothing the second time.

Transitions: shipped -> delivered -> completed (signed for); shipped -> completed (no delivery news
after AUTO_COMPLETE_DAYS).
"""
import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from wms import aftercommit, realtime
from wms.errors import DomainError, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.tracking import notices, statuses
from wms.tracking.models import TrackedParcel, TrackingEvent
from wms.wording import wording

log = logging.getLogger("wms.tracking")

ACTOR = "carrier-tracking"
POLL_BATCH = 200
DESCRIBED = 500   # characters of the carrier's description an order's timeline keeps


class BadSignature(DomainError):
    """The webhook's signature did not verify: nothing was recorded."""

    status, code = 401, "bad_signature"


def carrier_adapter(carrier_code):
    """The carrier adapter for a carrier code (built by wms.shipping.carrier_services.carrier_adapter)."""
    from wms.shipping.models import Carrier
    from wms.shipping.carrier_services import carrier_adapter as build

    carrier = db.session.scalar(select(Carrier).where(Carrier.code == carrier_code))
    if carrier is None:
        raise NotFound("No such carrier", carrier=carrier_code)
    return build(carrier)


def start_tracking(order_id, parcel_id, carrier_code, tracking_number, shipped_at=None):
    """Follow a parcel that just left the dock (called by the manifest close; no commit)."""
    tracked = db.session.scalar(select(TrackedParcel).where(TrackedParcel.tracking_number == tracking_number))
    if tracked is None:
        tracked = TrackedParcel(tracking_number=tracking_number, carrier_code=carrier_code, parcel_id=parcel_id,
                                order_id=order_id, shipped_at=shipped_at or utcnow())
        db.session.add(tracked)
    return tracked


def receive_webhook(carrier_code, headers, body):
    """Verify and record a carrier push; 401 (BadSignature) when the signature is wrong."""
    adapter = carrier_adapter(carrier_code)
    try:
        events = adapter.parse_webhook(headers, body)
    except Exception as error:
        if _is_signature_error(error):
            raise BadSignature("The webhook signature did not verify") from None
        raise ValidationFailed.worded("Unreadable webhook: {error}", error=str(error)) from None
    return record_events(carrier_code, events, source="webhook")


def record_events(carrier_code, events, source="webhook"):
    """Store new events, update each parcel's summary and its order; returns how many were new."""
    new = 0
    touched = set()
    for raw in events or []:
        event = _event(carrier_code, raw, source)
        if event is None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(event)
        except IntegrityError:
            continue  # seen before: the same number, time and status
        new += 1
        touched.add(event.tracking_number)
    for number in sorted(touched):
        _apply_latest(number)
    aftercommit.commit()
    return new


def _event(carrier_code, raw, source):
    get = raw.get if isinstance(raw, dict) else (lambda key, default=None: getattr(raw, key, default))
    number = str(get("tracking_number") or "").strip()
    raw_status = get("status", None)
    if raw_status is None:
        raw_status = get("state", None)
    status = statuses.normalise(raw_status)
    at = _utc(get("time", None) or get("at", None))
    if not number or status is None or at is None:
        log.info("tracking event skipped", extra={"event": str(raw)[:300]})
        return None
    tracked = db.session.scalar(select(TrackedParcel).where(TrackedParcel.tracking_number == number))
    return TrackingEvent(
        tracking_number=number, carrier_code=carrier_code, order_id=tracked.order_id if tracked else None, at=at,
        status=status, raw_status=str(get("raw_state", "") or raw_status)[:40], description=str(get("description", "") or "")[:2000],
        location=str(get("location", "") or "")[:200], source=source,
        raw={k: str(v) for k, v in raw.items()} if isinstance(raw, dict) else {})


def _utc(value):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _apply_latest(tracking_number):
    tracked = db.session.scalar(select(TrackedParcel).where(TrackedParcel.tracking_number == tracking_number))
    latest = db.session.scalar(select(TrackingEvent).where(TrackingEvent.tracking_number == tracking_number)
                               .order_by(TrackingEvent.at.desc(), TrackingEvent.id.desc()).limit(1))
    if tracked is None or latest is None:
        return  # a number we never shipped (another warehouse, a test push): kept, not acted on
    changed = tracked.last_status != latest.status
    tracked.last_status, tracked.last_event_at = latest.status, latest.at
    tracked.last_description = latest.description
    order = db.session.get(Order, tracked.order_id)
    if latest.status == statuses.DELIVERED:
        _complete_delivered(order, latest)
        tracked.active = False
    elif latest.status == statuses.OUT_FOR_DELIVERY and changed:  # 派件: the buyers whose stores chose it are told
        notices.request_notice(order, "out_for_delivery", carrier=_carrier_name(tracked.carrier_code),
                               tracking=tracking_number)
    elif latest.status in statuses.NEEDS_A_PERSON and changed:
        tracked.acknowledged_at = None
        order.note(wording("carrier reports {status}: {description}", status=wording(latest.status),
                           description=latest.description[:DESCRIBED]), actor=ACTOR, kind="tracking")
        realtime.publish("tracking.exception", {
            "order_id": order.id, "external_id": order.external_id, "tracking_number": tracking_number,
            "status": latest.status, "description": latest.description}, realtime.room_for_role("supervisor"))


def _carrier_name(code):
    from wms.shipping.models import Carrier

    return db.session.scalar(select(Carrier.name).where(Carrier.code == code)) or code


def _complete_delivered(order, event):
    """Transitions: shipped -> delivered -> completed; delivered -> completed."""
    before = order.status
    if order.status == states.SHIPPED:
        order.transition_to(states.DELIVERED, reason=wording("signed for ({description})",
                                                             description=event.description[:DESCRIBED]), actor=ACTOR)
    if order.status == states.DELIVERED:
        order.transition_to(states.COMPLETED, reason=wording("delivered"), actor=ACTOR)
    if order.status != before:
        _publish_state(order, before)


def _publish_state(order, before):
    payload = {"order_id": order.id, "external_id": order.external_id, "from": before, "to": order.status}
    realtime.publish("order.state_changed", payload, realtime.room_for_role("supervisor"))


def poll_tracking(now=None, limit=POLL_BATCH):
    """Periodic: ask the carrier about active parcels not asked about for TRACKING_POLL_MINUTES."""
    now = now or utcnow()
    due = now - timedelta(minutes=current_app.config.get("TRACKING_POLL_MINUTES", 60))
    rows = db.session.execute(select(TrackedParcel.id, TrackedParcel.carrier_code, TrackedParcel.tracking_number)
                              .where(TrackedParcel.active.is_(True), (TrackedParcel.last_polled_at.is_(None))
                                     | (TrackedParcel.last_polled_at <= due))
                              .order_by(TrackedParcel.last_polled_at.is_not(None), TrackedParcel.last_polled_at)
                              .limit(limit)).all()
    db.session.commit()
    polled = 0
    for tracked_id, carrier_code, number in rows:
        error = ""
        try:
            events = carrier_adapter(carrier_code).query_tracking(number)
            record_events(carrier_code, events, source="poll")
            polled += 1
        except Exception as failure:  # one carrier's outage must not stop the others
            db.session.rollback()
            error = f"{type(failure).__name__}: {failure}"[:500]
            log.warning("tracking poll failed", extra={"tracking_number": number})
        tracked = db.session.get(TrackedParcel, tracked_id)
        tracked.last_polled_at, tracked.poll_error = now, error
        aftercommit.commit()
    return polled


def auto_complete(now=None):
    """Periodic (daily): shipped orders with no delivery news for AUTO_COMPLETE_DAYS become completed.

    Transitions: shipped -> completed. Parcels with an open exception wait for a person.
    """
    now = now or utcnow()
    days = current_app.config.get("AUTO_COMPLETE_DAYS", 15)
    # Only parcels still active can belong to a shipped order (delivery and completion end them): the
    # partial index ix_tracked_parcels_active_shipped holds just those, not every parcel ever shipped.
    rows = db.session.execute(select(Order, TrackedParcel).join(TrackedParcel, TrackedParcel.order_id == Order.id)
                              .where(Order.status == states.SHIPPED, TrackedParcel.active,
                                     TrackedParcel.shipped_at <= now - timedelta(days=days))).all()
    completed = []
    for order, tracked in rows:
        if order.status != states.SHIPPED or not statuses.auto_complete_due(
                tracked.shipped_at, now, days, tracked.last_status):
            continue
        order.transition_to(states.COMPLETED, reason=wording("no delivery news {days} days after shipping", days=days),
                            actor=ACTOR)
        tracked.active = False
        _publish_state(order, states.SHIPPED)
        completed.append(order.id)
    aftercommit.commit()
    return completed


EXCEPTIONS_PER_PAGE = 50


def tracking_exceptions(include_acknowledged=False):
    """Shipped parcels whose latest carrier news is an exception or a return (each with its order),
    newest news first: the supervisors' list (exceptions_page gives it a page at a time)."""
    return db.session.scalars(_exceptions(include_acknowledged).options(joinedload(TrackedParcel.order))).all()


def exceptions_page(page=1, per_page=EXCEPTIONS_PER_PAGE):
    """{"rows", "total", "page", "pages"}: one page of the open exceptions, each with its order.

    Read through ix_tracked_parcels_open_exceptions, a partial index holding only the open ones:
    never every exception a year of parcels recorded, and two statements whatever the page shows."""
    query = _exceptions(False)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, int(page or 1)), pages)
    rows = db.session.scalars(query.options(joinedload(TrackedParcel.order))
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return {"rows": rows, "total": total, "page": page, "pages": pages}


def _exceptions(include_acknowledged):
    query = (select(TrackedParcel).where(TrackedParcel.last_status.in_(sorted(statuses.NEEDS_A_PERSON)))
             .order_by(TrackedParcel.last_event_at.desc(), TrackedParcel.id.desc()))
    if not include_acknowledged:
        query = query.where(TrackedParcel.acknowledged_at.is_(None))
    return query


def acknowledge_exception(tracked_id, actor=None, note=""):
    """A supervisor took the exception in hand: off the list (until the carrier reports a new one)."""
    tracked = get_or_not_found(TrackedParcel, tracked_id, "No such tracked parcel")
    tracked.acknowledged_at = utcnow()
    note = (note or "").strip()
    tracked.order.note(wording("tracking exception handled: {note}", note=note) if note
                       else wording("tracking exception handled"), actor=actor, kind="tracking")
    aftercommit.commit()
    return tracked


def events_for(order_id):
    """An order's carrier events, newest first."""
    return db.session.scalars(select(TrackingEvent).where(TrackingEvent.order_id == order_id)
                              .order_by(TrackingEvent.at.desc())).all()


def _is_signature_error(error):
    return getattr(error, "status", None) == 401 or getattr(error, "reason", None) == "bad_signature" or "signature" in type(error).__name__.lower() \
        or "signature" in str(error).lower()
