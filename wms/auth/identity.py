"""Open sockets keep proving who they are: a per-event check, cached for a few seconds, and a sweep.

A socket's identity is taken at connect; a login can end later (logout, deactivation, PIN or
password reset, revoked device) or the user's role change. Each event asks `still_valid`, which
reads the store at most once per SOCKET_IDENTITY_TTL_SECONDS per socket; every
SOCKET_IDENTITY_SWEEP_SECONDS each web process checks all its sockets in one query, so an idle
socket is closed too. A socket that fails is sent `session.revoked` {reason, message} and closed.
"""
import logging
import time

from flask import current_app

from wms.auth import sessions

log = logging.getLogger("wms.auth.identity")

_checked = {}  # sid -> monotonic time of its last passing check (this process)
_sweeping = set()  # ids of the apps whose sweep task runs in this process


def still_valid(socketio, sid, principal):
    """True if the socket's login still holds; else tell it why, close it and answer False."""
    ttl = current_app.config.get("SOCKET_IDENTITY_TTL_SECONDS", 5)
    now = time.monotonic()
    last = _checked.get(sid)
    if last is not None and now - last < ttl:
        return True
    reason = sessions.socket_problems({sid: _entry(principal)}).get(sid)
    if reason is None:
        _checked[sid] = now
        return True
    close(socketio, sid, reason)
    return False


def sweep(socketio, connections):
    """Check every socket of `connections` (sid -> principal) in one query; close the failing ones."""
    snapshot = {sid: _entry(principal) for sid, principal in list(connections.items())}
    if not snapshot:
        return {}
    problems = sessions.socket_problems(snapshot)
    now = time.monotonic()
    for sid in snapshot:
        if sid in problems:
            connections.pop(sid, None)
            close(socketio, sid, problems[sid])
        else:
            _checked[sid] = now
    return problems


def close(socketio, sid, reason):
    """Tell the socket why (`session.revoked`) and disconnect it."""
    _checked.pop(sid, None)
    socketio.emit("session.revoked", sessions.revoked_payload(reason), to=sid, namespace="/")
    try:
        socketio.server.disconnect(sid, namespace="/")
    except Exception:  # already gone
        log.debug("socket %s was already closed", sid)


def checked_now(sid):
    """The socket's login was just checked (at connect): its first events need no query."""
    _checked[sid] = time.monotonic()


def forget(sid):
    _checked.pop(sid, None)


def start_sweep(socketio, connections):
    """Start this process's sweep (once per app) unless SOCKET_IDENTITY_SWEEP_SECONDS is 0."""
    app = current_app._get_current_object()
    interval = app.config.get("SOCKET_IDENTITY_SWEEP_SECONDS", 5)
    if not interval or id(app) in _sweeping:
        return
    _sweeping.add(id(app))
    socketio.start_background_task(_sweep_forever, app, socketio, connections, interval)


def _sweep_forever(app, socketio, connections, interval):
    while True:
        socketio.sleep(interval)
        try:
            with app.app_context():
                sweep(socketio, connections)
        except Exception:  # a failed sweep (database away) must not end the loop
            log.exception("socket identity sweep failed")


def _entry(principal):
    return principal.session_id, principal.id, principal.role
