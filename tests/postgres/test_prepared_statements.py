"""wms.rawsql on PostgreSQL: the same behaviour as on SQLite (the shared tests run here too), with
the statement prepared on the server once per connection. Run with
TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
from types import SimpleNamespace

from tests.postgres import needs_postgres
from tests.services.test_rawsql import (  # noqa: F401 - collected here, on PostgreSQL
    INSERT_EVENT, event_values, stored, test_a_deferred_write_is_dropped_by_a_rollback,
    test_a_deferred_write_is_sent_at_commit_if_nothing_else_sent_it,
    test_a_failing_deferred_write_fails_the_statement_it_travels_with,
    test_a_repeated_uuid_raises_the_drivers_integrity_error_and_rollback_undoes_the_transaction,
    test_deferred_writes_go_first_with_the_next_statement,
    test_json_and_datetimes_read_back_through_the_orm_exactly_as_written,
    test_literals_in_the_statement_and_typed_parameters_are_bound,
    test_sqlalchemy_statement_listeners_still_see_each_statement)
from tests.builders import make_user
from wms.extensions import db

pytestmark = needs_postgres




def test_a_statement_is_prepared_once_per_connection_and_survives_a_rollback(app):
    user = SimpleNamespace(id=make_user("picker", "pg").id)
    db.session.commit()
    prepares = []
    original = INSERT_EVENT._prepare_on_server

    def counting(cursor, conn, compiled):
        before = set(conn.connection.info.get("wms.prepared", ()))
        original(cursor, conn, compiled)
        if INSERT_EVENT.name not in before:
            prepares.append(conn.connection.dbapi_connection)

    INSERT_EVENT._prepare_on_server = counting
    try:
        INSERT_EVENT.execute(event_values("pg-1", user=user)).close()
        db.session.rollback()  # PREPARE is not transactional: the statement stays prepared
        INSERT_EVENT.execute(event_values("pg-2", user=user)).close()
        db.session.commit()
        assert len(prepares) == 1 and stored("pg-2") is not None and stored("pg-1") is None
        db.session.remove()
        db.engine.dispose()  # a new connection has no prepared statements: prepared again
        INSERT_EVENT.execute(event_values("pg-3", user=user)).close()
        db.session.commit()
        assert len(prepares) == 2 and stored("pg-3") is not None
    finally:
        del INSERT_EVENT._prepare_on_server


def test_what_goes_to_the_server_is_an_execute_of_the_prepared_statement(app):
    user = make_user("picker", "pg-exec")
    db.session.commit()
    INSERT_EVENT.execute(event_values("pg-4", user=user)).close()  # prepared on this connection now
    cursor = INSERT_EVENT.execute(event_values("pg-5", user=user))
    assert cursor.query.decode().startswith(f"EXECUTE {INSERT_EVENT.name}(")
    cursor.close()
    db.session.commit()


def test_warm_pool_prepares_and_plans_every_statement_on_each_pooled_connection(app):
    from sqlalchemy import text

    from wms.picking import floor  # noqa: F401 - its statements exist
    from wms.rawsql import _ALL, warm_pool

    db.session.remove()
    db.engine.dispose()
    warm_pool(db.engine, 2)
    expected = {p.name for p in _ALL if p.only_for in (None, "postgresql")}
    seen = []
    with db.engine.connect() as first, db.engine.connect() as second:  # the two warmed connections
        for conn in (first, second):
            assert conn.connection.info["wms.prepared"] >= expected
            rows = conn.execute(text("SELECT name, generic_plans FROM pg_prepared_statements")).all()
            plans = dict(rows)
            assert set(plans) >= expected and all(plans[name] >= 1 for name in expected)
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"
            seen.append(conn.connection.dbapi_connection)
    assert seen[0] is not seen[1]
    assert db.engine.pool.checkedin() == 2  # kept by the pool, not closed


def test_each_statement_on_its_own_commits_each_statement_and_then_restores_transactions(app):
    from sqlalchemy import text

    from wms.rawsql import each_statement_on_its_own, nothing_sent_yet

    user = make_user("picker", "pg-own")
    db.session.commit()
    conn = db.session.connection()
    assert nothing_sent_yet(conn)
    with each_statement_on_its_own(conn):
        INSERT_EVENT.execute(event_values("pg-own-1", user=user)).close()
        assert nothing_sent_yet(conn)  # no BEGIN was sent
    db.session.rollback()  # nothing to undo: the row committed on its own
    assert stored("pg-own-1") is not None
    conn = db.session.connection()
    conn.execute(text("SELECT 1"))
    assert not nothing_sent_yet(conn) and conn.connection.dbapi_connection.autocommit is False
    db.session.rollback()
