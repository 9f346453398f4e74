"""Put wall JSON API: the wall's state for its tablet screen, and the screen's outbox replay through
the floor's exactly-once path (wms.picking.floor: one answer per event, duplicates answered as before).
"""
from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from wms import floor_limits, openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.errors import ValidationFailed
from wms.picking import floor
from wms.picking.event_shape import text_problem
from wms.picking.schemas import FloorAnswers
from wms.putwall import wall_view
from wms.putwall.schemas import WallEvents, WallState

bp = Blueprint("putwall_api", __name__, url_prefix="/api/putwall",
               description="The put wall (播种墙): slots and their orders, the sorter's scans")


@bp.get("/walls/<int:wall_id>/state")
@allow(roles.PACK)
@bp.alt_response(200, schema=WallState, success=True)
@openapi.errors(bp, 401, 403, 404)
def state(wall_id):
    """Every slot of the wall: its order, status and contents."""
    return wall_view.wall_state(wall_id)


@bp.post("/events")
@allow(roles.PACK)
@bp.doc(**openapi.body(WallEvents))
@bp.alt_response(200, schema=FloorAnswers, success=True)
@openapi.errors(bp, 401, 403, 413, 422)
def events():
    """Outbox replay: wall_put and wall_clear events in order, one answer each."""
    body = floor_limits.events_body(floor.MAX_BATCH_BYTES)
    device, events = body.get("device"), body.get("events")
    if not isinstance(device, str) or not device:
        raise ValidationFailed("device is required", field="device")
    problem = text_problem("device", device, 64)
    if problem:
        raise ValidationFailed(problem, field="device")
    allowed = floor_limits.batch(floor_limits.token_key(current_user.id, g.get("device_code") or device),
                                 len(events) if isinstance(events, list) else 1)
    return {"answers": floor.apply_events(current_user, device, events, allowed)}
