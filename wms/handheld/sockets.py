"""Handheld Socket.IO commands. Answers go back through the ack callback.

Client -> server commands: `floor_event` (one event, same as POST /api/handheld/events),
`get_work`. Server -> client facts: task.assigned, task.withdrawn, order.intercepted, ...
Both commands are hot paths (every scan), registered with `fast_handler`.
"""
from wms.auth import roles
from wms.errors import PermissionDenied, answers_refusals
from wms.picking import floor, queries, services
from wms.sockets import fast_handler

NOT_YOUR_ROLE = "Your role may not do this"


@fast_handler("floor_event")
@answers_refusals
def on_floor_event(principal, event):
    """Apply one handheld event exactly once; the ack carries the answer."""
    if principal.role not in roles.FLOOR:
        raise PermissionDenied(NOT_YOUR_ROLE)
    return floor.apply_event(principal, principal.device, event)


@fast_handler("get_work")
@answers_refusals
def on_get_work(principal, _data=None):
    """Claim my next task; the ack carries it (or null)."""
    if principal.role not in roles.PICK:
        raise PermissionDenied(NOT_YOUR_ROLE)
    task = services.assign_next_task(principal, principal.device)
    return {"task": queries.task_payload(task) if task else None}
