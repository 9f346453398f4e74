"""The floor's rate and size limits. Rates (config FLOOR_SOCKET_* and FLOOR_TOKEN_*): token buckets
(wms.ratelimit) per Socket.IO connection and per token (user + device), shared by the socket handlers
(wms.sockets) and the outbox replays over HTTP (the handheld's and the pack station's /events).
Sizes: each event (wms.picking.event_shape) and each replay's body (`events_body`)."""
from flask import current_app, request

from wms.ratelimit import Limiter

_KEY = "wms.floor_limits"


def _limiters(app):
    limiters = app.extensions.get(_KEY)
    if limiters is None:
        get = app.config.get  # defaults as in config/settings.py
        limiters = app.extensions[_KEY] = (
            Limiter(get("FLOOR_SOCKET_EVENTS_PER_S", 10), get("FLOOR_SOCKET_EVENTS_BURST", 60)),
            Limiter(get("FLOOR_TOKEN_EVENTS_PER_S", 20), get("FLOOR_TOKEN_EVENTS_BURST", 200)))
    return limiters


def token_key(user_id, device=None):
    """Whose token an event came with: a user on a device (a handheld, a station), or on no device."""
    return user_id, device


def socket_event(app, sid, token):
    """0.0 when one more event may go on socket `sid` (and its token); else the seconds to wait."""
    per_socket, per_token = _limiters(app)
    granted, wait = per_socket.take(sid)
    if granted:
        granted, wait = per_token.take(token)
    return 0.0 if granted else wait


def batch(token, n):
    """(granted, retry_after) for a batch of n events sent with `token` over HTTP."""
    return _limiters(current_app._get_current_object())[1].take(token, n)


def forget_socket(app, sid):
    """A socket closed: its bucket goes."""
    _limiters(app)[0].forget(sid)


def events_body(max_bytes):
    """The JSON object of an outbox replay (`{"events": [...], ...}`), read with the body capped at
    `max_bytes` (413 past it); {} for anything that is not a JSON object, however it is malformed."""
    request.max_content_length = max_bytes
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the decoder goes: malformed, not a server error
        body = None
    return body if isinstance(body, dict) else {}

