"""Logins kept in the store: a desk session cookie or a handheld token names one, ending it logs out.

Every request checks its login here together with the user (one query), so logging out, a PIN or
password reset, deactivation and a device's revocation take effect at once, even for a cookie or
token copied elsewhere. Ending logins also pushes `session.revoked` (with the reason) to the
sockets that belong to them; wms.sockets re-checks open sockets with `socket_problems`.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from wms import realtime
from wms.aftercommit import commit
from wms.auth.models import AuthSession, User
from wms.extensions import db
from wms.timeutil import utcnow

WEB, HANDHELD = "web", "handheld"

# Why a login ended: code -> the English sentence the handheld (and the desk) shows.
REASONS = {
    "logged_out": "You logged out",
    "deactivated": "Your account was deactivated by an admin",
    "pin_reset": "Your PIN was changed: log in again",
    "password_reset": "Your password was changed: log in again",
    "device_revoked": "This device was disabled by an admin",
    "role_changed": "Your role was changed: log in again",
    "expired": "Your session expired: log in again",
}


def room_for_session(session_id):
    """The socket room of one login's connections (joined at connect)."""
    return f"auth:{session_id}"


def start(user, kind, device_code=None):
    """Record a new login for `user`; returns its key (kept in the cookie or the token). Commits."""
    now = utcnow()
    cfg = current_app.config
    lifetime = (cfg["PERMANENT_SESSION_LIFETIME"] if kind == WEB
                else timedelta(hours=cfg["HANDHELD_TOKEN_HOURS"]))
    key = secrets.token_urlsafe(32)
    db.session.execute(delete(AuthSession).where(AuthSession.expires_at < now - timedelta(days=1)))
    db.session.add(AuthSession(key=key, user_id=user.id, kind=kind, device_code=device_code,
                               created_at=now, expires_at=now + lifetime))
    db.session.commit()
    return key


def user_for(user_id, key):
    """(user, session id) when `key` is a live login of active user `user_id`, else (None, None)."""
    if not key or not isinstance(key, str) or user_id is None:
        return None, None
    row = db.session.execute(
        select(User, AuthSession.id).join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.key == key, User.id == user_id, User.active.is_(True),
               AuthSession.ended_at.is_(None), AuthSession.expires_at > utcnow())).first()
    return (row[0], row[1]) if row else (None, None)


def why_ended(key):
    """Why the login with this key no longer holds (its end reason, or "expired"); None while it holds or
    for an unknown key."""
    if not key or not isinstance(key, str):
        return None
    row = db.session.execute(select(AuthSession.ended_at, AuthSession.end_reason, AuthSession.expires_at)
                             .where(AuthSession.key == key)).first()
    if row is None:
        return None
    if row.ended_at is not None:
        return row.end_reason or "logged_out"
    return "expired" if row.expires_at <= utcnow() else None


def end(key, reason="logged_out"):
    """End the login with this key (logout); unknown keys are ignored."""
    if key and isinstance(key, str):
        _end(AuthSession.key == key, reason)
    commit(db.session)


def hand_over(user, session_id):
    """End the handheld login `session_id` of `user` and start a desk login in its place; returns the
    new login's key (for the session cookie). Commits. Used when a login on the handheld app belongs
    on a desk screen (a packer's badge scanned at the station's tablet): one login, not two."""
    db.session.execute(update(AuthSession).where(
        AuthSession.id == session_id, AuthSession.user_id == user.id, AuthSession.kind == HANDHELD,
        AuthSession.ended_at.is_(None)).values(ended_at=utcnow(), end_reason="logged_out"))
    return start(user, WEB)


def end_for_user(user_id, reason, kind=None, keep=None):
    """End the user's live logins (of one kind, or all; but the one with key `keep`), in the caller's
    transaction; pushes after commit."""
    condition = AuthSession.user_id == user_id
    if kind is not None:
        condition = condition & (AuthSession.kind == kind)
    if keep:
        condition = condition & (AuthSession.key != keep)
    _end(condition, reason)


def end_for_device(device_code, reason="device_revoked"):
    """End every live login on this device, in the caller's transaction; pushes after commit."""
    _end(AuthSession.device_code == device_code, reason)


def announce(user_id, reason):
    """Tell the user's open sockets (after commit) that they must re-check: a role change ends no login."""
    realtime.publish("session.revoked", revoked_payload(reason), realtime.room_for_user(user_id))


def revoked_payload(reason):
    return {"reason": reason, "message": REASONS.get(reason, REASONS["logged_out"])}


def socket_problems(connections):
    """{sid: reason} for the sockets whose login no longer holds.

    `connections` maps sid -> (session id, user id, role at connect): a login ended or expired,
    a deactivated user, or a changed role (the socket's rooms and rights were fixed at connect).
    """
    ids = {session_id for session_id, _user, _role in connections.values() if session_id is not None}
    rows = {} if not ids else {row.id: row for row in db.session.execute(
        select(AuthSession.id, AuthSession.ended_at, AuthSession.end_reason, AuthSession.expires_at,
               User.active, User.role).join(User, User.id == AuthSession.user_id)
        .where(AuthSession.id.in_(ids)))}
    now, problems = utcnow(), {}
    for sid, (session_id, _user, role) in connections.items():
        row = rows.get(session_id)
        if row is None or row.ended_at is not None:
            problems[sid] = (row.end_reason if row is not None else None) or "logged_out"
        elif not row.active:
            problems[sid] = "deactivated"
        elif row.expires_at <= now:
            problems[sid] = "expired"
        elif row.role != role:
            problems[sid] = "role_changed"
    return problems


def _end(condition, reason):
    ended = db.session.execute(
        update(AuthSession).where(condition, AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason).returning(AuthSession.id)).scalars().all()
    for session_id in ended:
        realtime.publish("session.revoked", revoked_payload(reason), room_for_session(session_id))
