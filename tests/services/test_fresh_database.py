"""The `app` fixture's SQLite database is a copy of a schema built once per session (tests/conftest.py):
the copy must be the very database create_all builds on a fresh file, and each test's own."""
import os
import sqlite3

import pytest

from config.settings import TestConfig
from tests.builders import make_user
from wms import create_app
from wms.extensions import db
from wms.auth.models import User

pytestmark = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                                reason="the SQLite template; TEST_DATABASE_URL databases are emptied instead")

FILE_PRAGMAS = ("journal_mode", "user_version", "application_id", "page_size", "auto_vacuum", "encoding")


def built_fresh(tmp_path):
    """What the fixture used to do for every test: create_all on a new file."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        UPLOAD_DIR = tmp_path / "fresh-uploads"

    fresh = create_app(Config)
    with fresh.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return tmp_path / "fresh.sqlite"


def describe(path):
    """Everything a file carries that a test could notice: schema objects, file-level settings, rows.

    Read with plain sqlite3 (not the app's engine, whose connect hook sets the pragmas itself)."""
    connection = sqlite3.connect(path)
    try:
        objects = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                     "ORDER BY type, name").fetchall()
        pragmas = {name: connection.execute(f"PRAGMA {name}").fetchone()[0] for name in FILE_PRAGMAS}
        rows = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for kind, name, _table, _sql in objects if kind == "table"}
    finally:
        connection.close()
    return objects, pragmas, rows


def test_the_copied_database_holds_exactly_what_create_all_builds_on_a_fresh_file(app, tmp_path):
    copied = tmp_path / "test.sqlite"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{copied}"
    db.session.remove()
    db.engine.dispose()  # the copy as the test got it, with nothing left in its WAL

    objects, pragmas, rows = describe(copied)

    assert (objects, pragmas, rows) == describe(built_fresh(tmp_path))
    assert {"orders", "users", "skus"} <= {name for kind, name, _t, _s in objects if kind == "table"}
    assert any(kind == "index" for kind, *_rest in objects)  # indexes came along, not only tables
    assert pragmas["journal_mode"] == "wal"


def test_the_connections_of_a_copied_database_get_the_apps_sqlite_settings(app):
    settings = {name: db.session.execute(db.text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}

    assert settings == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000, "synchronous": 1}


def test_what_a_test_writes_stays_in_its_own_copy_and_never_reaches_the_template(app, session_schema, tmp_path):
    make_user(role="admin", username="ann")
    db.session.commit()
    assert db.session.query(User).count() == 1

    next_test = tmp_path / "next"
    next_test.mkdir()
    _objects, _pragmas, rows = describe(session_schema.url_for(next_test).removeprefix("sqlite:///"))

    assert rows["users"] == 0
    assert set(rows.values()) == {0}
