"""The handheld's REST API: bootstrap (my tasks + what to pick them offline), events, get work.

Handhelds authenticate with the bearer token from /api/auth/handheld; the device code travels in
the token. The same services answer the Socket.IO `floor_event` command (wms/handheld/sockets.py).
"""
from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from wms import floor_limits, openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.handheld.schemas import Bootstrap, Work
from wms.i18n import catalogue_for_client
from wms.picking import floor, queries, services
from wms.picking.schemas import FloorAnswers, FloorEvents
from wms.timeutil import utcnow

bp = Blueprint("handheld_api", __name__, url_prefix="/api/handheld",
               description="The handheld (手持终端): bootstrap, get work, outbox replay of floor events")


@bp.get("/bootstrap")
@allow(roles.FLOOR)
@bp.alt_response(200, schema=Bootstrap, success=True)
@openapi.errors(bp, 401, 403)
def bootstrap():
    """Who I am, my tasks with everything needed to pick them offline, and the message catalogue."""
    locale = current_user.locale
    return {"user": {"id": current_user.id, "name": current_user.display_name, "role": current_user.role,
                     "locale": locale},
            "device": g.get("device_code"), "tasks": queries.my_tasks(current_user.id),
            "catalogue": catalogue_for_client(locale), "server_time": utcnow().isoformat() + "Z"}


@bp.post("/work")
@allow(roles.PICK)
@bp.alt_response(200, schema=Work, success=True)
@openapi.errors(bp, 401, 403, 409)
def get_work():
    """"Get work": my current task, or the oldest open one claimed for me."""
    task = services.assign_next_task(current_user, g.get("device_code"))
    return {"task": queries.task_payload(task) if task else None}


@bp.post("/events")
@allow(roles.FLOOR)
@bp.doc(**openapi.body(FloorEvents))
@bp.alt_response(200, schema=FloorAnswers, success=True)
@openapi.errors(bp, 401, 403, 413)
def events():
    """Replay of the outbox: events in order, one answer each (accepted / rejected / duplicate)."""
    events, device = floor_limits.events_body(floor.MAX_BATCH_BYTES).get("events"), g.get("device_code")
    allowed = floor_limits.batch(floor_limits.token_key(current_user.id, device),
                                 len(events) if isinstance(events, list) else 1)
    return {"answers": floor.apply_events(current_user, device, events, allowed)}
