"""The handheld's floor events on PostgreSQL, where the common scan takes the one-statement path
(wms.picking.quick): the SQLite suite's floor tests run here too, plus what only that path does.
Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""

from sqlalchemy import event, select

from tests.builders_floor import assigned_task, pick_event
from tests.postgres import needs_postgres
from tests.services.test_floor_events import *  # noqa: F401,F403 - collected here, on PostgreSQL
from tests.services.test_floor_events import line_of
from wms.counters.models import PickBucket
from wms.extensions import db
from wms.picking import floor, line_events
from wms.picking.models import FloorEvent, PickLine
from wms.sockets import Principal

pytestmark = needs_postgres


def statements_of(fn):
    sent = []

    def record(conn, _cursor, statement, *_args):
        sent.append((statement, conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        return fn(), sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_common_scan_is_one_read_and_one_write_statement_with_its_bucket_and_event_row(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")  # qty 3
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))  # the first pick: general path
    scan, handheld = pick_event(line, qty=1), Principal(picker.id, picker.username, picker.role, "dev-1")
    db.session.commit()  # as a socket handler starts: no transaction open
    answer, sent = statements_of(lambda: floor.apply_event(handheld, "dev-1", scan))
    assert answer["status"] == "accepted" and answer["line"] == {"id": line.id, "picked_qty": 2, "status": "open"}
    assert [(sql.split()[0], autocommit) for sql, autocommit in sent] == [("SELECT", True), ("WITH", True)]
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 2
    assert db.session.scalar(select(FloorEvent.answer).where(FloorEvent.uuid == answer["uuid"])) == answer
    assert sum(b.units for b in db.session.scalars(select(PickBucket))) == 2


def test_a_replayed_common_scan_gets_the_stored_answer_and_changes_nothing(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    again = pick_event(line, qty=1)
    first = floor.apply_event(picker, "dev-1", dict(again))
    second = floor.apply_event(picker, "dev-1", dict(again))
    assert second == {**first, "duplicate": True}
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 2
    assert sum(b.units for b in db.session.scalars(select(PickBucket))) == 2
    assert db.session.connection().connection.dbapi_connection.autocommit is False


def test_a_line_moved_between_the_read_and_the_write_goes_the_general_way_and_counts_once(app, monkeypatch):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    real_load = line_events.load_line

    def load_then_another_device_picks(conn, line_id, barcode=""):
        read = real_load(conn, line_id, barcode)
        monkeypatch.setattr(line_events, "load_line", real_load)  # only the first read is raced
        other = db.engine.connect()  # another device's scan commits in between
        other.execute(PickLine.__table__.update().where(PickLine.id == line_id)
                      .values(picked_qty=PickLine.picked_qty + 1))
        other.commit()
        other.close()
        return read

    monkeypatch.setattr(line_events, "load_line", load_then_another_device_picks)
    answer = floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    assert answer["status"] == "accepted" and answer["code"] == "line_done"  # 1 + 1 (other) + 1 = 3 of 3
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 3
    assert db.session.scalar(select(FloorEvent.accepted).where(FloorEvent.uuid == answer["uuid"])) is True


def test_the_common_scan_leaves_the_pooled_connection_transactional(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))  # the one-statement path, autocommit
    with db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.autocommit is False
