"""Pack station wiring: its floor event kinds (exactly-once path), messages, and the station room."""
from flask import request
from flask_socketio import join_room

from wms.auth import roles
from wms.errors import PermissionDenied, answers_refusals
from wms.extensions import socketio
from wms.packing import services
from wms.packing.messages import MESSAGES
from wms.picking import floor, messages
from wms.picking.event_shape import ID, Int, Text
from wms.shipping import station_access
from wms.shipping.print_jobs import station_room
from wms.sockets import connection_principal

if "pack_scan" not in floor.HANDLERS:
    messages.register_messages(MESSAGES)
floor.register_handler("pack_scan", services.on_pack_scan,
                       {"order_id": ID, "barcode": Text(128), "qty": Int(), "station": Text(64)})
floor.register_handler("seal", services.on_seal,
                       {"order_id": ID, "carton": Text(40), "weight_g": Int(), "paper": Text(10), "station": Text(64)})


@socketio.on("join_station")
@answers_refusals
def on_join_station(data=None, *_extra):
    """Join `station:<code>` to receive label.ready / waybill.failed for this station."""
    principal = connection_principal()
    code = (data or {}).get("station") if isinstance(data, dict) else None
    if principal is None or principal.role not in roles.PACK or not isinstance(code, str) or not code:
        raise PermissionDenied("Only packers may join a station")
    station_access.require_station(principal, code[:64], principal_device=getattr(principal, "device", None),
                                   login=getattr(principal, "session_id", None))
    join_room(station_room(code[:64]), sid=request.sid)
    return {"status": "joined", "room": station_room(code[:64])}
