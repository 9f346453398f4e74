"""Logging in by password, PIN or badge; lockouts; handheld and integration tokens.

Two brakes on guessing, both stored in the database so that every web process shares them:
- per user: LOGIN_MAX_ATTEMPTS failures lock the account for LOGIN_LOCKOUT_MINUTES;
- per client address: LOGIN_THROTTLE_MAX failures within LOGIN_THROTTLE_MINUTES (a sliding window
  of one-minute buckets) refuse every further password, PIN or badge attempt from that address
  with 429, so one attacker can't try a PIN or two against every user in turn.
With 6-digit PINs (a million values, trivial ones refused) and 5 tries per 15 minutes per user,
guessing one PIN takes years.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from wms.auth import roles, sessions
from wms.auth.models import ApiToken, Device, LoginThrottle, User
from wms.errors import LockedOut, PermissionDenied, ValidationFailed
from wms.extensions import db
from wms.rows import get_or_not_found
from wms.timeutil import utcnow

BADGE_PREFIX = "WMSBADGE:"
_BAD_LOGIN = "Wrong username or password"
USER_LOCKED = "Too many failed attempts; try again in {minutes} min"
ADDRESS_LOCKED = "Too many failed attempts from this address; try again in {minutes} min"
_EPOCH = datetime(2000, 1, 1)


def authenticate_password(username, password, address=None):
    """The user for these credentials, counting failures towards the user and address lockouts."""
    return _authenticate(username, lambda user: user.check_password(password), _BAD_LOGIN, address)


def authenticate_desk(username, secret, address=None):
    """The desk form's login: the password, or the PIN of a user who has one (a packer at the
    station's tablet types the PIN the handheld uses). One failure counts once, either way."""
    def check(user):
        return user.check_password(secret) or (secret.isdigit() and user.check_pin(secret))

    return _authenticate(username, check, _BAD_LOGIN, address)


def authenticate_pin(username, pin, address=None):
    """Handheld login with username + PIN; failures lock the user and throttle the address."""
    return _authenticate(username, lambda user: user.check_pin(pin), "Wrong username or PIN", address)


def authenticate_badge(scanned, address=None):
    """The user whose badge QR was scanned; a rotated (lost) badge no longer works."""
    check_address(address)
    secret = (scanned or "").strip().removeprefix(BADGE_PREFIX)
    user = db.session.scalar(select(User).where(User.badge_secret == secret)) if secret else None
    if user is None or not user.active:
        _record_address_failure(address, utcnow())
        db.session.commit()
        raise PermissionDenied("Unknown or revoked badge")
    return user


def _authenticate(username, check, message, address):
    check_address(address)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise LockedOut.worded(USER_LOCKED, minutes=minutes, details={"retry_after_min": minutes, "scope": "user"})
    if user is None or not user.active or not check(user):
        if user is not None:
            _count_failure(user, now)
        _record_address_failure(address, now)
        db.session.commit()
        raise PermissionDenied(message)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


def _count_failure(user, now):
    cfg = current_app.config
    user.failed_logins += 1
    if user.failed_logins >= cfg["LOGIN_MAX_ATTEMPTS"]:
        user.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        user.failed_logins = 0


# --- per-address throttle -------------------------------------------------------------------

def _throttle_settings():
    cfg = current_app.config
    return cfg.get("LOGIN_THROTTLE_MAX", 20), timedelta(minutes=cfg.get("LOGIN_THROTTLE_MINUTES", 10))


def _bucket(now):
    """The start of the one-minute bucket holding `now`."""
    return now - timedelta(seconds=(now - _EPOCH).total_seconds() % 60)


def check_address(address, now=None):
    """Raise LockedOut (429) when `address` failed too often within the sliding window."""
    if not address:
        return
    now = now or utcnow()
    limit, window = _throttle_settings()
    buckets = db.session.execute(
        select(LoginThrottle.window_start, LoginThrottle.failures)
        .where(LoginThrottle.address == address, LoginThrottle.window_start > now - window)
        .order_by(LoginThrottle.window_start)).all()
    total = sum(failures for _start, failures in buckets)
    if total < limit:
        return
    minutes = int(window.total_seconds() // 60)
    for start, failures in buckets:  # when enough old buckets leave the window
        total -= failures
        if total < limit:
            minutes = max(1, int((start + window - now).total_seconds() // 60) + 1)
            break
    raise LockedOut.worded(ADDRESS_LOCKED, minutes=minutes, details={"retry_after_min": minutes, "scope": "address"})


def _record_address_failure(address, now):
    """Count one failure for `address` atomically (UPDATE ... + 1), in the caller's transaction."""
    if not address:
        return
    address, start = address[:64], _bucket(now)
    for _attempt in range(2):
        bumped = db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.address == address, LoginThrottle.window_start == start)
            .values(failures=LoginThrottle.failures + 1))
        if bumped.rowcount:
            break
        try:
            with db.session.begin_nested():
                db.session.execute(insert(LoginThrottle).values(address=address, window_start=start, failures=1))
            break
        except IntegrityError:  # another process inserted this bucket first: bump it instead
            continue
    _, window = _throttle_settings()
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.window_start < now - window - timedelta(hours=1)))


def address_failures(address):
    """Failures counted for `address` within the current window (for the admin page and tests)."""
    _, window = _throttle_settings()
    return db.session.scalar(select(func.coalesce(func.sum(LoginThrottle.failures), 0)).where(
        LoginThrottle.address == address, LoginThrottle.window_start > utcnow() - window))


def unlock_user(user_id):
    """Admin action: clear a lockout."""
    user = _get_user(user_id)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


def rotate_badge(user_id):
    """Issue a new badge secret (the old badge stops working); returns the QR payload."""
    user = _get_user(user_id)
    user.badge_secret = secrets.token_urlsafe(18)
    db.session.commit()
    return badge_payload(user)


def badge_payload(user):
    return f"{BADGE_PREFIX}{user.badge_secret}"


DEVICE_KINDS = ("handheld", "station")


def register_device(code, kind="handheld", user=None):
    """The device with this client-generated code, created on first sight."""
    code = code.strip()[:64] if isinstance(code, str) else ""
    if not code:
        raise ValidationFailed("A device id is required", field="device")
    if kind not in DEVICE_KINDS:
        raise ValidationFailed.worded("A device is one of: {kinds}", kinds=", ".join(DEVICE_KINDS), details={"field": "kind"})
    device = db.session.scalar(select(Device).where(Device.code == code))
    if device is None:
        device = Device(code=code, kind=kind, name=code[:20], active=True)
        db.session.add(device)
    if not device.active:
        raise PermissionDenied("This device has been disabled by an admin")
    device.last_seen_at = utcnow()
    device.last_user_id = getattr(user, "id", None)
    db.session.commit()
    return device


# --- handheld bearer tokens (signed, expiring) -------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="handheld")


def issue_handheld_token(user, device):
    """A signed token naming a new handheld login (ended by logout, PIN reset, deactivation, device revocation)."""
    key = sessions.start(user, sessions.HANDHELD, device.code)
    return _serializer().dumps({"u": user.id, "d": device.code, "s": key})


def take_handheld(user, device_code=None):
    """A desk user who may pick opens this browser's handheld app as themself (a supervisor covering a
    shortage: their PIN login on a scanner lands on their desk home, like any login). A new handheld login
    for the device the browser already has, or a new device: (token, device code)."""
    if user.role not in roles.PICK:
        raise PermissionDenied("Only people who pick can open the handheld app")
    code = device_code.strip() if isinstance(device_code, str) and device_code.strip() else (
        f"HH-{secrets.token_hex(4).upper()}")
    device = register_device(code, kind="handheld", user=user)
    return issue_handheld_token(user, device), device.code


def handheld_identity(token):
    """(user, device code, login id) for a valid, unexpired token of a live login, else (None, None, None)."""
    max_age = current_app.config["HANDHELD_TOKEN_HOURS"] * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None
    user, session_id = sessions.user_for(data.get("u"), data.get("s"))
    if user is None:
        return None, None, None
    return user, data.get("d"), session_id


def handheld_refusal(token):
    """Why this handheld token's login was ended, as the session.revoked push says it ({reason, message}), or
    None (a forged token, or a login that still holds: its user is what fails). A call refused with 401 then
    tells the handheld why, as the push does: a call can beat the push, and the handheld that drops its
    token on a 401 closes the socket the push was coming by."""
    try:
        data = _serializer().loads(token)  # no max_age: an expired token still names its login
    except BadSignature:
        return None
    reason = sessions.why_ended(data.get("s")) if isinstance(data, dict) else None
    return sessions.revoked_payload(reason) if reason else None


def user_from_handheld_token(token):
    """(user, device code) for a valid, unexpired handheld token of a live login, else (None, None)."""
    user, device, _session_id = handheld_identity(token)
    return user, device


def end_handheld_login(token):
    """Log the handheld token's login out (the token stops working at once)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return
    if isinstance(data, dict):
        sessions.end(data.get("s"))


# --- integration API tokens ---------------------------------------------------------------

class TokenPrincipal:
    """What an API token logs in as: a role without a person, bound to its channels and scopes."""

    is_authenticated, is_active, is_anonymous = True, True, False
    locale = "en"

    def __init__(self, token):
        self.id = None
        self.token_id = token.id
        self.username = f"token:{token.name}"
        self.display_name = token.name
        self.role = token.role
        self.channels = None if token.channels is None else frozenset(token.channels)
        self.scopes = None if token.scopes is None else frozenset(token.scopes)

    def get_id(self):
        return None


def create_api_token(name, role=roles.INTEGRATION, *, channels=None, scopes=None, expires_at=None):
    """Create a token; the plain value is returned once and never stored.

    `channels`: the channel codes it may act for (None: every channel); `scopes`: what it may do
    (roles.TOKEN_SCOPES; None: everything its role may); `expires_at`: naive UTC, or None (no expiry).
    """
    if role not in roles.ALL_ROLES:
        raise ValidationFailed.worded("Unknown role '{role}'", role=role, details={"field": "role"})
    unknown = sorted(set(scopes or ()) - set(roles.TOKEN_SCOPES))
    if unknown:
        raise ValidationFailed.worded("Unknown scope(s): {scopes}", scopes=", ".join(unknown), details={"field": "scopes"})
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationFailed("The expiry must be in the future", field="expires_at")
    plain = "wms_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip() or "token", token_hash=_hash(plain), prefix=plain[:10], role=role,
                     channels=None if channels is None else sorted(set(channels)),
                     scopes=None if scopes is None else sorted(set(scopes)), expires_at=expires_at)
    db.session.add(token)
    db.session.commit()
    return token, plain


def principal_for_api_token(plain):
    """The token's principal, or None when it is unknown, revoked or expired."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    now = utcnow()
    if token is None or token.revoked or (token.expires_at is not None and token.expires_at <= now):
        return None
    token.last_used_at = now
    db.session.commit()
    return TokenPrincipal(token)


def revoke_api_token(token_id):
    token = get_or_not_found(ApiToken, token_id, "No such token")
    token.revoked = True
    db.session.commit()


def _hash(plain):
    return hashlib.sha256(plain.encode()).hexdigest()


def _get_user(user_id):
    return get_or_not_found(User, user_id, "No such user")
