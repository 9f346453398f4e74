"""Builders for the admin and catalogue tests."""
from contextlib import contextmanager

from flask import g
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from wms.auth.models import Device, User
from wms.extensions import db
from wms.worker import QueuedJob


def make_users(role, count, prefix=None):
    """Users with PIN 482915 and password secret-pass, hashed cheaply (the real hash is slow on purpose)."""
    pin_hash, password_hash = (generate_password_hash(secret, method=FAST_HASH) for secret in ("482915", "secret-pass"))
    users = [User(username=f"{prefix or role}{n}", display_name=f"{role.title()} {n}", role=role, locale="en",
                  pin_hash=pin_hash, password_hash=password_hash, badge_secret=f"b-{prefix or role}{n}")
             for n in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return users


FAST_HASH = "pbkdf2:sha256:1000"


def make_device(code="HH-001", name="Handheld 1", kind="handheld", active=True):
    device = Device(code=code, name=name, kind=kind, active=active)
    db.session.add(device)
    db.session.commit()
    return device


def make_job(func="wms.nowhere.fail", status="failed", last_error="RuntimeError: carrier down", args=()):
    job = QueuedJob(func=func, status=status, last_error=last_error, args=list(args), attempts=1)
    db.session.add(job)
    db.session.commit()
    return job


def forget_current_user():
    """Drop Flask-Login's per-request cache of the user.

    The test fixtures keep one app context open for the whole test and Flask reuses it for every
    request, so `g._login_user` would otherwise survive from one request to the next (a real
    server has a fresh context per request).
    """
    g.pop("_login_user", None)


def log_in_as(client, user):
    """Log the test client in without the password form (fast: a login row and the cookie naming it)."""
    from wms.auth import sessions
    from wms.auth_loaders import SESSION_KEY

    forget_current_user()
    key = sessions.start(user, sessions.WEB)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session[SESSION_KEY] = key
        session["_fresh"] = True
        session.permanent = True


def log_out(client):
    forget_current_user()
    with client.session_transaction() as session:
        session.clear()


def snapshot():
    """Every row of every table, to prove a refused request changed nothing (logins aside: the
    test logs people in inside the block)."""
    db.session.expire_all()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables if table.name != "auth_sessions"}


@contextmanager
def unchanged():
    before = snapshot()
    yield
    assert snapshot() == before
