"""Socket.IO connection auth and rooms. Anonymous connections are refused.

Every connection joins `user:<id>`, `role:<role>` and its login's room `auth:<id>`; a handheld
also joins `device:<code>`. Feature handlers live in each feature's sockets.py.
"""
import logging
from dataclasses import dataclass

from flask import current_app, g, request, session
from flask_login import current_user
from flask_socketio import join_room

from wms.auth import identity, sessions
from wms.auth.sessions import room_for_session
from wms.auth_loaders import SESSION_KEY, principal_for_token
from wms import floor_limits
from wms.errors import PermissionDenied, refusal_answer
from wms.extensions import socketio
from wms.picking.floor_answers import rate_limited_answer, server_error_answer
from wms.realtime import room_for_device, room_for_role, room_for_user

log = logging.getLogger("wms.sockets")
_connections = {}  # sid -> Principal (for handlers that need to know who is acting)


@dataclass(frozen=True)
class Principal:
    """Who a socket connection belongs to, checked at connect and again per event (wms.auth.identity:
    a cached check, re-read from the store every few seconds), so a logout, deactivation, revoked
    device or changed role closes the socket, told why (`session.revoked`), within seconds.
    """

    id: int
    username: str
    role: str
    device: str | None = None
    session_id: int | None = None


@socketio.on("connect")
def on_connect(auth=None):
    """Authenticate by session cookie or `auth: {token}`; join the user's rooms."""
    user, device = _principal(auth)
    if user is None or getattr(user, "id", None) is None:
        return False  # refuses the connection
    session_id = g.get("auth_session_id")
    _connections[request.sid] = Principal(user.id, user.username, user.role, device, session_id)
    identity.checked_now(request.sid)
    identity.start_sweep(socketio, _connections)
    join_room(room_for_user(user.id))
    join_room(room_for_role(user.role))
    if session_id is not None:
        join_room(room_for_session(session_id))
    if device:
        join_room(room_for_device(device))
    return True


@socketio.on("disconnect")
def on_disconnect(*_args):
    _connections.pop(request.sid, None)
    floor_limits.forget_socket(current_app, request.sid)
    identity.forget(request.sid)


def connection_principal(sid=None):
    """The Principal of a socket connection whose login still holds, or None (the socket is closed)."""
    sid = sid or request.sid
    principal = _connections.get(sid)
    if principal is not None and not identity.still_valid(socketio, sid, principal):
        _connections.pop(sid, None)
        return None
    return principal


def sweep_connections():
    """Check every socket of this process now; close those whose login ended ({sid: reason})."""
    return identity.sweep(socketio, _connections)


def _principal(auth):
    """(user, device code) of the connecting socket; leaves its login's id in g.auth_session_id."""
    token = (auth or {}).get("token") if isinstance(auth, dict) else None
    if token:
        user = principal_for_token(token)
        return user, g.get("device_code")
    if current_user.is_authenticated:
        user, g.auth_session_id = sessions.user_for(current_user.id, session.get(SESSION_KEY))
        return user, None
    return None, None


# --- hot-path handlers ------------------------------------------------------------------------

_FAST = []
LOGIN_ENDED = PermissionDenied("Log in again")  # the refusal a socket whose login ended gets


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
        server.on(event, _in_app_context(app, fn, server), namespace="/")


def _in_app_context(app, fn, server):
    def handler(sid, data=None, *_extra):  # a client sending more arguments still gets its answer
        principal = _connections.get(sid)
        if principal is None:
            return refusal_answer(LOGIN_ENDED)
        # Before anything else (no app context, no database): a flood is refused for the price of a look-up.
        wait = floor_limits.socket_event(app, sid, floor_limits.token_key(principal.id, principal.device))
        if wait:
            return _refused(app, server, sid, data, wait)
        with app.app_context():
            if not identity.still_valid(socketio, sid, principal):
                _connections.pop(sid, None)
                return refusal_answer(LOGIN_ENDED)
            return _answered(fn, principal, data)

    return handler


def _refused(app, server, sid, data, wait):
    """`rate_limited`, answered FLOOR_REFUSAL_DELAY_MS late. A socket's events are handled one after
    the other (async_handlers off, wms/__init__.py), so holding the answer holds that socket's next
    event: a flooding socket is slowed to one refusal per delay, its backlog left in its own TCP
    buffers, while the other sockets go on; the outbox, told to wait, backs off anyway."""
    delay = app.config.get("FLOOR_REFUSAL_DELAY_MS", 500) / 1000
    if delay > 0:
        server.sleep(delay)
    return rate_limited_answer(data, wait)


def _answered(fn, principal, data):
    """fn's answer; an unexpected exception is logged and answered `server_error`, never left unacked
    (the floor's own path, wms.picking.floor, answers and stores its failures itself)."""
    try:
        return fn(principal, data)
    except Exception:  # noqa: BLE001 - the client waits for an ack
        log.error("socket command %s failed", getattr(fn, "__name__", fn), exc_info=True,
                  extra={"user_id": principal.id, "device": principal.device})
        return server_error_answer(data)
