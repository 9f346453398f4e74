"""Fixtures shared by every suite: app, db, client, login helpers, captured realtime events."""
import os

import pytest
from flask import g
from flask.testing import FlaskClient

from config.settings import TestConfig, database_url
from wms import create_app
from wms.extensions import db as _db


def pytest_configure(config):
    config.addinivalue_line("markers", "fault: a fault test (a real server killed and restarted under the product); "
                                       "run them alone with `pytest -m fault`")


@pytest.fixture
def app(tmp_path):
    """A fresh app on a fresh SQLite file (or TEST_DATABASE_URL, schema recreated per test)."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) or f"sqlite:///{tmp_path / 'test.sqlite'}"
        UPLOAD_DIR = tmp_path / "uploads"

    app = create_app(Config)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


class _FreshUserClient(FlaskClient):
    """A test client that, like a real server, starts every request without a cached user.

    The `app` fixture keeps one app context open for the whole test and Flask reuses it for the
    client's requests, so Flask-Login's `g._login_user` (and the locale wms.i18n chose from that
    user) would otherwise leak between requests.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("wms_locale", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = _FreshUserClient
    return app.test_client()


@pytest.fixture
def published(app):
    """Every realtime event published (after commit) during the test."""
    events = app.extensions["wms.published"]
    events.clear()
    return events


@pytest.fixture
def make_user(app):
    from tests.builders import make_user

    return make_user


@pytest.fixture
def login(client, make_user):
    """login(role) -> the logged-in user (password login through the real form)."""

    def _login(role="admin", username=None):
        user = make_user(role=role, username=username or f"{role}1")
        response = client.post("/login", data={"username": user.username, "password": "secret-pass"})
        assert response.status_code == 302, response.data
        return user

    return _login
