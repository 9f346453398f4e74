"""The import's foreign keys checked set-wise (wms.imports.key_checks) on PostgreSQL: what the
per-row triggers guaranteed still holds, and a role that may not switch them off imports through
the per-row path. Run with TEST_DATABASE_URL=postgresql://postgres@.../<throwaway db> (a superuser)."""
import os
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from config.settings import TestConfig, database_url
from tests.builders import make_channel, make_sku, make_user
from tests.builders_imports import chinese_orders_csv, no_review, record  # noqa: F401 - no_review: a fixture
from tests.postgres import needs_postgres
from wms import create_app
from wms.extensions import db
from wms.imports import file_run, file_upload, key_checks, models, services, sku_resolver, validation
from wms.orders.models import Order, OrderEvent, OrderLine

pytestmark = [needs_postgres,
              pytest.mark.usefixtures("no_review")]

LIMITED_ROLE = "wms_import_no_replica"


@pytest.fixture
def channel(app):
    make_sku("SKU-1", barcodes=("6900000000002",))
    make_sku("SKU-2", barcodes=())
    return make_channel()


def counts():
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Order, OrderLine, OrderEvent))


def chunk(*records):
    return [validation.validate_record(r) for r in records]


def test_a_superuser_file_import_checks_keys_set_wise_and_stores_every_row_and_reference(channel, tmp_path):
    user = make_user("reviewer")
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    assert key_checks.choose(db.session) == key_checks.SET_WISE
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path, actor=user).id)
    assert (job.status, job.created) == (models.DONE, 2)
    sku_1 = db.session.scalar(select(text("id")).select_from(text("skus")).where(text("code = 'SKU-1'")))
    lines = db.session.execute(select(OrderLine.sku_code, OrderLine.sku_id)).all()
    assert sorted(lines) == [("6900000000002", sku_1), ("SKU-1", sku_1), ("SKU-1", sku_1)]
    events = db.session.execute(select(OrderEvent.kind, OrderEvent.actor_id)).all()
    assert events == [("import", user.id), ("import", user.id)]


def test_the_triggers_are_back_on_before_anything_else_of_the_chunk_is_written(channel):
    seen = []
    services.write_chunk(channel.id, chunk(record("A1")), "test", None, key_checks_mode=key_checks.SET_WISE,
                         before_commit=lambda _o: seen.append(db.session.scalar(
                             text("SELECT current_setting('session_replication_role')"))))
    assert seen == ["origin"] and counts() == (1, 1, 1)


def test_a_line_whose_sku_was_deleted_after_it_was_looked_up_is_refused_and_nothing_of_its_chunk_lands(channel):
    skus = sku_resolver.SkuResolver()
    skus.load(["SKU-1", "SKU-2"])
    db.session.execute(text("DELETE FROM skus WHERE code = 'SKU-2'"))
    db.session.commit()
    with pytest.raises(key_checks.MissingReference) as refused:
        services.write_chunk(channel.id, chunk(record("A1"), record("A2", lines=(("SKU-2", 1, 100),))), "test",
                             None, skus=skus, key_checks_mode=key_checks.SET_WISE)
    db.session.rollback()
    assert "deleted while this import ran" in refused.value.message
    assert counts() == (0, 0, 0)


def test_a_sku_deleted_by_a_transaction_the_chunk_waits_for_is_refused_and_nothing_lands(channel, app):
    skus = sku_resolver.SkuResolver()
    skus.load(["SKU-1"])
    deleter = create_engine(database_url(os.environ["TEST_DATABASE_URL"]))
    outcome = {}

    def import_chunk():
        with app.app_context():
            try:
                services.write_chunk(channel.id, chunk(record("A1")), "test", None, skus=skus,
                                     key_checks_mode=key_checks.SET_WISE)
                outcome["result"] = "imported"
            except key_checks.MissingReference as error:
                outcome["result"] = error
            finally:
                db.session.rollback()
                db.session.remove()

    try:
        with deleter.connect() as conn:
            conn.execute(text("DELETE FROM sku_barcodes WHERE sku_id = (SELECT id FROM skus WHERE code = 'SKU-1')"))
            conn.execute(text("DELETE FROM skus WHERE code = 'SKU-1'"))
            writer = threading.Thread(target=import_chunk)
            writer.start()
            _wait_until_a_backend_waits_for_a_lock(conn)
            conn.commit()
            writer.join(30)
    finally:
        deleter.dispose()
    assert isinstance(outcome["result"], key_checks.MissingReference)
    assert counts() == (0, 0, 0)


def _wait_until_a_backend_waits_for_a_lock(conn, attempts=500):
    for _ in range(attempts):
        conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")   # else one snapshot per transaction
        waiting = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND datname = current_database()").scalar()
        if waiting:
            return
        time.sleep(0.01)
    raise AssertionError("the import never waited for the deleting transaction")


def test_a_sku_referenced_by_an_open_chunk_cannot_be_deleted_until_it_commits(channel):
    deleter = create_engine(database_url(os.environ["TEST_DATABASE_URL"]))
    refused = []

    def try_delete(_outcomes):
        with deleter.connect() as conn:
            conn.execute(text("SET lock_timeout = '200ms'"))
            conn.execute(text("DELETE FROM sku_barcodes WHERE sku_id = (SELECT id FROM skus WHERE code = 'SKU-1')"))
            with pytest.raises(OperationalError) as error:
                conn.execute(text("DELETE FROM skus WHERE code = 'SKU-1'"))
            refused.append(error.value.orig.pgcode)   # 55P03: lock_not_available
            conn.rollback()

    try:
        services.write_chunk(channel.id, chunk(record("A1")), "test", None, key_checks_mode=key_checks.SET_WISE,
                             before_commit=try_delete)
    finally:
        deleter.dispose()
    assert refused == ["55P03"]
    assert counts() == (1, 1, 1)
    assert db.session.scalar(select(OrderLine.sku_id)) is not None


def test_a_user_trigger_on_a_written_table_keeps_every_row_checked(app):
    db.session.execute(text("CREATE FUNCTION wms_test_noop() RETURNS trigger LANGUAGE plpgsql AS "
                            "'BEGIN RETURN NEW; END'"))
    db.session.execute(text("CREATE TRIGGER wms_test_noop BEFORE INSERT ON order_lines "
                            "FOR EACH ROW EXECUTE FUNCTION wms_test_noop()"))
    db.session.commit()
    try:
        assert key_checks.choose(db.session) == key_checks.PER_ROW
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TRIGGER wms_test_noop ON order_lines"))
        db.session.execute(text("DROP FUNCTION wms_test_noop()"))
        db.session.commit()


@pytest.fixture
def limited_app(app):
    """An app connected as a role that may write the tables but not set session_replication_role."""
    db.session.commit()
    db.session.execute(text(f"DROP OWNED BY {LIMITED_ROLE}") if _role_exists() else text("SELECT 1"))
    if not _role_exists():
        db.session.execute(text(f"CREATE ROLE {LIMITED_ROLE} LOGIN NOSUPERUSER"))
    db.session.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {LIMITED_ROLE}"))
    db.session.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {LIMITED_ROLE}"))
    db.session.commit()
    url = database_url(os.environ["TEST_DATABASE_URL"])
    limited_url = url.replace("://postgres@", f"://{LIMITED_ROLE}@", 1)
    assert limited_url != url, "TEST_DATABASE_URL must name the postgres user for this test"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = limited_url
        UPLOAD_DIR = app.config["UPLOAD_DIR"]

    limited = create_app(Config)
    yield limited
    with limited.app_context():
        db.engine.dispose()
    db.session.execute(text(f"DROP OWNED BY {LIMITED_ROLE}"))
    db.session.execute(text(f"DROP ROLE {LIMITED_ROLE}"))
    db.session.commit()


def _role_exists():
    return bool(db.session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LIMITED_ROLE}))


def test_a_role_that_may_not_switch_triggers_off_imports_through_the_per_row_path(channel, tmp_path, limited_app):
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    job_id = file_upload.create_file_job(channel.id, path).id
    with limited_app.app_context():
        assert key_checks.choose(db.session) == key_checks.PER_ROW
        with pytest.raises(Exception, match="permission denied"):   # what the per-row path avoids
            with key_checks.row_triggers_off(db.session):
                pass
        db.session.rollback()
        job = file_run.run_file_import(job_id)
        assert (job.status, job.created, job.failed) == (models.DONE, 2, 0)
        db.session.remove()
    assert counts() == (2, 3, 2)
