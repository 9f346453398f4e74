"""publish(): the one place that emits Socket.IO events, from web processes and rq jobs alike.

Events are past-tense facts (`order.state_changed`); payloads are JSON-safe because the Redis
message queue carries them as JSON. Published after commit only.

In the web server (`serve_emits_in_background`, called by app.py) an emit is handed to one
publisher task per process instead of being sent on the request: with the Redis message queue an
emit is a round trip, and a scan's ack must not wait for it (nor may a burst of first scans open a
Redis connection each). The publisher sends in order. rq jobs and tests emit inline: a job's
process may end right after the job, and tests read what was emitted at once.
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


def emit_now(event, payload, room, namespace="/"):
    """Emit now, or hand it to this process's publisher (use `publish` inside a transaction).
    `namespace`: "/" for users and devices; the wall's TVs listen on "/wall" (wms.dashboard.push)."""
    captured = current_app.extensions.get("wms.published")
    if captured is not None:
        captured.append({"event": event, "payload": payload, "room": room})
    publisher = current_app.extensions.get(_PUBLISHER)
    if publisher is not None:
        publisher.put((event, payload, room, namespace))
    else:
        _emit(event, payload, room, namespace)


def _emit(event, payload, room, namespace="/"):
    try:
        socketio.emit(event, payload, to=room, namespace=namespace)
    except Exception:  # a push is best effort: clients re-sync over REST on reconnect
        log.exception("emit failed", extra={"event": event, "room": room})


_PUBLISHER = "wms.realtime.publisher"


def serve_emits_in_background(app):
    """From now on this process's emits go through one background publisher (web server only).
    Returns stop(): emits go back to inline, and the publisher ends once it has sent the rest."""
    queue = socketio.server.eio.create_queue()
    app.extensions[_PUBLISHER] = queue

    def publish_until_stopped():
        while True:
            item = queue.get()
            if item is None:
                return
            _emit(*item)

    task = socketio.start_background_task(publish_until_stopped)

    def stop():
        app.extensions.pop(_PUBLISHER, None)
        queue.put(None)
        task.join()

    return stop
