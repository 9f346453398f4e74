"""publish(): the one place that emits Socket.IO events, from web processes and rq jobs alike.

Events are past-tense facts (`order.state_changed`); payloads are JSON-safe because the Redis
message queue carries them as JSON. Published after commit only.
"""
import logging

from flask import current_app

from wms.aftercommit import after_commit
from wms.extensions import db, socketio

log = logging.getLogger("wms.realtime")


def room_for_user(user_id):
    return f"user:{user_id}"


def room_for_role(role):
    return f"role:{role}"


def room_for_device(device_code):
    return f"device:{device_code}"


def publish(event, payload, room):
    """Emit `event` to `room` once the current transaction has committed."""
    after_commit(db.session, emit_now, event, payload, room)


def emit_now(event, payload, room):
    """Emit immediately (use `publish` inside a transaction)."""
    captured = current_app.extensions.get("wms.published")
    if captured is not None:
        captured.append({"event": event, "payload": payload, "room": room})
    try:
        socketio.emit(event, payload, to=room, namespace="/")
    except Exception:  # a push is best effort: clients re-sync over REST on reconnect
        log.exception("emit failed", extra={"event": event, "room": room})
