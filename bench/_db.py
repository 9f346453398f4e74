"""Shared by the benches: an app on a throwaway database (SQLite file or a PostgreSQL URL)."""
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_app(db_url=None):
    """(app, label, cleanup) with a fresh schema on `db_url` (a new SQLite file when None).

    For PostgreSQL a throwaway database is created next to the given one and dropped by cleanup().
    """
    from config.settings import TestConfig, database_url
    from sqlalchemy import create_engine, text

    from wms import create_app
    from wms.extensions import db

    cleanup_steps = []
    if not db_url:
        folder = tempfile.mkdtemp(prefix="wms-bench-")
        url, label = f"sqlite:///{folder}/bench.sqlite", "sqlite"
    else:
        base = database_url(db_url).rsplit("/", 1)[0]
        name = f"wms_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        url, label = f"{base}/{name}", "postgresql"

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

        cleanup_steps.append(drop)

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        TESTING = False
        LOG_LEVEL = "WARNING"

    os.environ.setdefault("WMS_ENV", "test")
    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()

    def cleanup():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        for step in cleanup_steps:
            step()

    return app, label, cleanup
