"""wms.rawsql: hot-path statements on the driver's cursor behave like the ORM's own writes.

Runs on SQLite, and on PostgreSQL (server-side prepared statements) through
tests/postgres/test_prepared_statements.py.
"""
from datetime import datetime

import pytest
from sqlalchemy import bindparam, case, event, insert, select

from tests.builders import make_user
from wms.extensions import db
from wms.picking.models import FloorEvent
from wms.rawsql import Prepared, defer, execute_with_deferred, integrity_error

INSERT_EVENT = Prepared(insert(FloorEvent).values(
    {name: bindparam(name) for name in ("uuid", "device_code", "device_seq", "user_id", "kind", "payload",
                                        "accepted", "answer", "reason", "received_at")}))
# a literal ("yes"/"no", 1/0) inside the statement, and a typed parameter the server must not guess
ACCEPTED_WORD = Prepared(select(FloorEvent.uuid, case((FloorEvent.accepted, "yes"), else_="no"),
                                FloorEvent.device_seq + bindparam("add", type_=db.Integer))
                         .where(FloorEvent.uuid == bindparam("uuid")))


def event_values(uuid, **overrides):
    user = overrides.pop("user", None) or make_user("picker", f"p-{uuid}")
    values = dict(uuid=uuid, device_code="dev-1", device_seq=7, user_id=user.id, kind="pick",
                  payload={"line_id": 3, "bin": "A-01", "名": "中文"}, accepted=True,
                  answer={"status": "accepted", "line": {"picked_qty": 2}}, reason="",
                  received_at=datetime(2026, 11, 22, 8, 30, 15, 123456))
    values.update(overrides)
    return values


def stored(uuid):
    db.session.expire_all()
    return db.session.scalar(select(FloorEvent).where(FloorEvent.uuid == uuid))


def test_json_and_datetimes_read_back_through_the_orm_exactly_as_written(app):
    INSERT_EVENT.execute(event_values("u-1")).close()
    db.session.commit()
    row = stored("u-1")
    assert row.payload == {"line_id": 3, "bin": "A-01", "名": "中文"}
    assert row.answer == {"status": "accepted", "line": {"picked_qty": 2}}
    assert row.received_at == datetime(2026, 11, 22, 8, 30, 15, 123456)
    assert (row.device_seq, row.accepted) == (7, True)


def test_literals_in_the_statement_and_typed_parameters_are_bound(app):
    INSERT_EVENT.execute(event_values("u-2", accepted=False)).close()
    cursor = ACCEPTED_WORD.execute({"uuid": "u-2", "add": 5})
    assert tuple(cursor.fetchone()) == ("u-2", "no", 12)
    cursor.close()


def test_a_repeated_uuid_raises_the_drivers_integrity_error_and_rollback_undoes_the_transaction(app):
    user = make_user("picker", "dup")
    INSERT_EVENT.execute(event_values("u-3", user=user)).close()
    db.session.commit()
    INSERT_EVENT.execute(event_values("u-4", user=user)).close()
    with pytest.raises(integrity_error()):
        INSERT_EVENT.execute(event_values("u-3", user=user, reason="again"))
    db.session.rollback()
    assert stored("u-3").reason == "" and stored("u-4") is None
    INSERT_EVENT.execute(event_values("u-4", user=user)).close()  # the connection is usable again
    db.session.commit()
    assert stored("u-4") is not None


def test_deferred_writes_go_first_with_the_next_statement(app):
    user = make_user("picker", "deferred")
    defer(INSERT_EVENT, event_values("d-1", user=user))
    defer(INSERT_EVENT, event_values("d-2", user=user))
    assert stored("d-1") is None  # nothing sent yet (expire_all flushes nothing: these are not ORM writes)
    execute_with_deferred(INSERT_EVENT, event_values("d-3", user=user)).close()
    db.session.commit()
    ids = [stored(u).id for u in ("d-1", "d-2", "d-3")]
    assert ids == sorted(ids)


def test_a_deferred_write_is_sent_at_commit_if_nothing_else_sent_it(app):
    defer(INSERT_EVENT, event_values("d-4"))
    db.session.commit()
    assert stored("d-4") is not None


def test_a_deferred_write_is_dropped_by_a_rollback(app):
    user = make_user("picker", "dropped")
    db.session.commit()
    defer(INSERT_EVENT, event_values("d-5", user=user))
    db.session.rollback()
    db.session.commit()
    assert stored("d-5") is None


def test_a_failing_deferred_write_fails_the_statement_it_travels_with(app):
    user = make_user("picker", "failing")
    INSERT_EVENT.execute(event_values("d-6", user=user)).close()
    db.session.commit()
    defer(INSERT_EVENT, event_values("d-6", user=user))  # a duplicate
    with pytest.raises(integrity_error()):
        execute_with_deferred(INSERT_EVENT, event_values("d-7", user=user))
    db.session.rollback()
    assert stored("d-7") is None


def test_sqlalchemy_statement_listeners_still_see_each_statement(app):
    seen = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        INSERT_EVENT.execute(event_values("l-1")).close()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert any(s.startswith("INSERT INTO floor_events") for s in seen)


def test_warm_pool_opens_connections_and_gives_them_back_to_the_pool(app):
    from wms.rawsql import warm_pool

    db.session.remove()
    db.engine.dispose()
    warm_pool(db.engine, 2)
    assert db.engine.pool.checkedout() == 0
    INSERT_EVENT.execute(event_values("warm-1")).close()
    db.session.commit()
    assert stored("warm-1") is not None
