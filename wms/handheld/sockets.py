"""Handheld Socket.IO commands. Answers go back through the ack callback.

Client -> server commands: `floor_event` (one event, same as POST /api/handheld/events),
`get_work`. Server -> client facts: task.assigned, task.withdrawn, order.intercepted, ...
"""
from wms.auth import roles
from wms.errors import PermissionDenied
from wms.extensions import db, socketio
from wms.picking import floor, queries, services
from wms.sockets import connection_principal


def _user(capability):
    principal = connection_principal()
    if principal is None or principal.role not in capability:
        raise PermissionDenied("Your role may not do this")
    return principal, principal.device


@socketio.on("floor_event")
def on_floor_event(event):
    """Apply one handheld event exactly once; the ack carries the answer."""
    try:
        user, device = _user(roles.FLOOR)
    except PermissionDenied as error:
        return {"status": "rejected", "code": "forbidden", "message": error.message}
    try:
        return floor.apply_event(user, device, event)
    finally:
        db.session.remove()


@socketio.on("get_work")
def on_get_work(_data=None):
    """Claim my next task; the ack carries it (or null)."""
    try:
        user, device = _user(roles.PICK)
    except PermissionDenied as error:
        return {"error": "forbidden", "message": error.message}
    try:
        task = services.assign_next_task(user, device)
        return {"task": queries.task_payload(task) if task else None}
    finally:
        db.session.remove()

