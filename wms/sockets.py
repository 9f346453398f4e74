"""Socket.IO connection auth and rooms. Anonymous connections are refused.

Every connection joins `user:<id>` and `role:<role>`; a handheld also joins `device:<code>`.
Feature handlers live in each feature's sockets.py.
"""
from dataclasses import dataclass

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from wms.auth_loaders import principal_for_token
from wms.extensions import socketio
from wms.realtime import room_for_device, room_for_role, room_for_user

_connections = {}  # sid -> Principal (for handlers that need to know who is acting)


@dataclass(frozen=True)
class Principal:
    """Who a socket connection belongs to, fixed when it connected (its token was checked then).

    Handlers act as this principal without a database round trip per event; a user's access
    changes (role, deactivation) apply from their next connection.
    """

    id: int
    username: str
    role: str
    device: str | None = None


@socketio.on("connect")
def on_connect(auth=None):
    """Authenticate by session cookie or `auth: {token}`; join the user's rooms."""
    user, device = _principal(auth)
    if user is None or getattr(user, "id", None) is None:
        return False  # refuses the connection
    _connections[request.sid] = Principal(user.id, user.username, user.role, device)
    join_room(room_for_user(user.id))
    join_room(room_for_role(user.role))
    if device:
        join_room(room_for_device(device))
    return True


@socketio.on("disconnect")
def on_disconnect(*_args):
    _connections.pop(request.sid, None)


def connection_principal(sid=None):
    """The Principal of a socket connection, or None."""
    return _connections.get(sid or request.sid)


def _principal(auth):
    from flask import g

    token = (auth or {}).get("token") if isinstance(auth, dict) else None
    if token:
        user = principal_for_token(token)
        return user, g.get("device_code")
    if current_user.is_authenticated:
        return current_user._get_current_object(), None
    return None, None


# --- hot-path handlers ------------------------------------------------------------------------

_FAST = []


def fast_handler(event):
    """Register a hot-path command on the Socket.IO server itself: it runs in an app context but
    skips Flask-SocketIO's per-event request context (URL matching, session copy), which costs
    as much as the scan it carries. The handler gets (principal, data); no principal, no call."""

    def decorate(fn):
        _FAST.append((event, fn))
        return fn

    return decorate


def install_fast_handlers(app, server):
    for event, fn in _FAST:
        server.on(event, _in_app_context(app, fn), namespace="/")


def _in_app_context(app, fn):
    def handler(sid, data=None):
        principal = _connections.get(sid)
        if principal is None:
            return {"status": "rejected", "code": "forbidden", "message": "Log in again"}
        with app.app_context():
            return fn(principal, data)

    return handler
