"""Fixtures shared by every suite: app, db, client, login helpers, captured realtime events.

The schema is built once per session, not once per test (create_all costs about 0.2 s a test):
- SQLite (the default): `db.create_all()` into a template file, copied for each test into its
  tmp_path. The copy is the whole database, so whatever create_all makes besides tables (indexes,
  the WAL journal mode in the file header) comes along; tests/services/test_fresh_database.py
  compares a copy with a freshly built file.
- TEST_DATABASE_URL=postgresql://...: the tables are created once, and each test starts by emptying
  the ones earlier tests used (TRUNCATE ... RESTART IDENTITY CASCADE: ids start at 1 again). A test
  that dropped the tables (a state machine building its own schema) gets them built again.
- Any other TEST_DATABASE_URL: the schema is dropped and created for every test, as before.
"""
import os
import shutil

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from config.settings import TestConfig, database_url
from wms import create_app
from wms.extensions import db as _db

LOCK_WAIT = "30s"  # a test's connection left holding a table lock fails the next test's reset, not hangs it


def pytest_configure(config):
    config.addinivalue_line("markers", "fault: a fault test (a real server killed and restarted under the product); "
                                       "run them alone with `pytest -m fault`")


def _app_on(url, upload_dir):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = upload_dir

    return create_app(Config)


class SqliteTemplate:
    """A SQLite file holding the empty schema; each test gets its own copy."""

    def __init__(self, directory):
        self.path = directory / "template.sqlite"
        builder = _app_on(f"sqlite:///{self.path}", directory / "uploads")
        with builder.app_context():
            _db.create_all()
            with _db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            _db.session.remove()
            _db.engine.dispose()
        wal = self.path.with_name(self.path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "the template's last writes are still in its WAL"

    def url_for(self, tmp_path):
        copy = tmp_path / "test.sqlite"
        shutil.copyfile(self.path, copy)
        return f"sqlite:///{copy}"

    def prepare(self, db):
        """Nothing to do: the copy is fresh."""


class EmptiedTables:
    """TEST_DATABASE_URL on PostgreSQL: tables created once; before each test the ones a test used
    are emptied and their ids restarted (TRUNCATE of all 50-odd tables costs a second; finding the
    used ones, a few milliseconds)."""

    def __init__(self, url, directory):
        self.url = url
        builder = _app_on(url, directory / "uploads")
        with builder.app_context():
            _db.drop_all()  # a previous session's tables may be from an older schema
            _db.create_all()
            _db.session.remove()
            _db.engine.dispose()

    def url_for(self, _tmp_path):
        return self.url

    def prepare(self, db):
        tables = {table.name: table for table in db.metadata.sorted_tables}
        db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
        present = db.session.scalar(sa.text("SELECT count(*) FROM information_schema.tables "
                                            "WHERE table_schema = current_schema() AND table_name = ANY(:names)"),
                                    {"names": list(tables)})
        if present != len(tables):  # a test that builds its own schema dropped them at its end
            db.session.rollback()
            db.drop_all()
            db.create_all()
            return
        used, loose_sequences = self._used(db, tables)
        preparer = db.engine.dialect.identifier_preparer
        if used:
            listed = ", ".join(preparer.format_table(tables[name]) for name in used)
            db.session.execute(sa.text(f"TRUNCATE TABLE {listed} RESTART IDENTITY CASCADE"))
        for sequence in loose_sequences:
            db.session.execute(sa.text(f"ALTER SEQUENCE {preparer.quote(sequence)} RESTART"))
        db.session.commit()

    @staticmethod
    def _used(db, tables):
        """(tables with rows or with an id sequence that moved, sequences that moved and belong to no table)."""
        preparer = db.engine.dialect.identifier_preparer
        with_rows = db.session.scalars(sa.text(" UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {preparer.format_table(table)})"
            for name, table in tables.items()))).all()
        moved = db.session.execute(sa.text(
            "SELECT s.sequencename, owner.relname FROM pg_sequences s "
            "JOIN pg_class c ON c.relname = s.sequencename AND c.relnamespace = s.schemaname::regnamespace "
            "LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "LEFT JOIN pg_class owner ON owner.oid = d.refobjid "
            "WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL")).all()
        used = set(with_rows) | {owner for _sequence, owner in moved if owner in tables}
        loose = [sequence for sequence, owner in moved if owner is None]
        return sorted(used), loose


class RecreatedSchema:
    """Any other TEST_DATABASE_URL: the schema dropped and created again for every test."""

    def __init__(self, url):
        self.url = url

    def url_for(self, _tmp_path):
        return self.url

    def prepare(self, db):
        db.drop_all()
        db.create_all()


@pytest.fixture(scope="session")
def session_schema(tmp_path_factory):
    """How each test gets its empty database (built here, once per session)."""
    url = database_url(os.environ.get("TEST_DATABASE_URL"))
    if not url:
        return SqliteTemplate(tmp_path_factory.mktemp("schema"))
    if url.startswith("postgresql"):
        return EmptiedTables(url, tmp_path_factory.mktemp("schema"))
    return RecreatedSchema(url)


@pytest.fixture
def app(tmp_path, session_schema):
    """A fresh app on an empty database: its own SQLite file (a copy of the session's schema), or
    TEST_DATABASE_URL emptied."""
    app = _app_on(session_schema.url_for(tmp_path), tmp_path / "uploads")
    with app.app_context():
        session_schema.prepare(_db)
        yield app
        _db.session.remove()
        _db.engine.dispose()


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
