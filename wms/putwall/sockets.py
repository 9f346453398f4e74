"""Put wall wiring: its floor event kinds (the exactly-once path), messages, the wall's room, and the
station's slot scan (wms.putwall.slot_scan registers itself with wms.pack_codes when imported here)."""
from flask import request
from flask_socketio import join_room

from wms.auth import roles
from wms.errors import PermissionDenied, answers_refusals
from wms.extensions import socketio
from wms.picking import floor, messages
from wms.picking.event_shape import Text
from wms.putwall import screens_and_lights, sorter_scans, wall_setup
from wms.putwall import slot_scan  # noqa: F401  (registers the station's slot scan with wms.pack_codes)
from wms.putwall.messages import MESSAGES
from wms.sockets import connection_principal

if "wall_put" not in floor.HANDLERS:
    messages.register_messages(MESSAGES)
floor.register_handler("wall_put", sorter_scans.on_wall_put, {"wall": Text(20), "barcode": Text(128)})
floor.register_handler("wall_clear", sorter_scans.on_wall_clear, {"wall": Text(20), "slot": Text(30)})


@socketio.on("join_wall")
@answers_refusals
def on_join_wall(data=None, *_extra):
    """Join the wall's room to hear `wall.changed` (every scan, clear and release on it)."""
    principal = connection_principal()
    wall_id = (data or {}).get("wall_id") if isinstance(data, dict) else None
    if principal is None or principal.role not in roles.PACK:
        raise PermissionDenied("Only packers and supervisors sort at the put wall")
    if not isinstance(wall_id, int) or isinstance(wall_id, bool):
        raise PermissionDenied("Name the wall to join")
    wall = wall_setup.get_wall(wall_id)
    join_room(screens_and_lights.room(wall.id), sid=request.sid)
    return {"status": "joined", "room": screens_and_lights.room(wall.id)}
