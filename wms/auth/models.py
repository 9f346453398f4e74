"""Users, handheld devices and integration API tokens."""
from datetime import datetime

from flask import current_app
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from wms.extensions import db
from wms.timeutil import utcnow


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Secret printed in the badge QR; rotating it invalidates a lost badge.
    badge_secret: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Flask-Login protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return str(self.id)

    def set_password(self, password):
        self.password_hash = _hashed(password)

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def set_pin(self, pin):
        self.pin_hash = _hashed(pin)

    def check_pin(self, pin):
        return bool(self.pin_hash) and check_password_hash(self.pin_hash, pin)


def _hashed(secret):
    """A password or PIN hashed by the app's PASSWORD_HASH_METHOD (config.settings)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


class Device(db.Model):
    """A handheld or a pack-station tablet; its id survives reloads in the PWA's storage."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(20), default="handheld")  # handheld | station
    active: Mapped[bool] = mapped_column(default=True)
    last_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthSession(db.Model):
    """One login: a desk session cookie or a handheld token carries its key; ending it logs that login out.

    Checked on every request (with the user), so logout, a PIN or password reset, deactivation and
    a device's revocation end it at once, wherever the cookie or token has been copied to.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # web | handheld
    device_code: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    # Why it ended (a code the handheld tells in words): logged_out, deactivated, pin_reset, ...
    end_reason: Mapped[str | None] = mapped_column(String(40))
    # The pack station a desk login works at (wms.shipping.station_access): kept here, not in the cookie, so a
    # response carrying the cookie from before the sign-in, or a socket's copy of the session, cannot lose it.
    station_code: Mapped[str | None] = mapped_column(String(64))


class ApiToken(db.Model):
    """A bearer token for an integration; only its hash is stored.

    `channels` (channel codes) binds it to the shops it may act for (None: every channel);
    `scopes` to what it may do (None: all its role may); after `expires_at` it is refused.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(20), default="integration")
    revoked: Mapped[bool] = mapped_column(default=False)
    channels: Mapped[list | None] = mapped_column(db.JSON)
    scopes: Mapped[list | None] = mapped_column(db.JSON)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class LoginThrottle(db.Model):
    """Failed login attempts from one client address in one fixed time window.

    Kept in the database (not in process memory) so that every web process counts towards the
    same limit: an attacker can't spray PINs across all users by spreading requests over workers.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (db.UniqueConstraint("address", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    window_start: Mapped[datetime] = mapped_column(index=True)
    failures: Mapped[int] = mapped_column(default=0)
