"""The general pick path writes and publishes only what wms.picking.pick_effects declares for the
effects due, so the one-statement path (wms.picking.quick), which takes a scan only when every due
effect is one it writes, cannot silently skip an effect. Runs on SQLite (and on PostgreSQL through
tests/postgres/test_fast_path_equals_general_path.py): the general path is the same code on both.

How it holds: each scan below goes through the floor envelope while every statement sent is
recorded; the tables written and the events published must be those of the effects `due` for it
(plus the units and the event row). A new write or push in `line_events.pick` that no due effect
declares fails here, naming it: declare it in pick_effects.EFFECTS, and the scans it is due for
leave the one statement until quick.py writes it too."""
import re

import pytest
from sqlalchemy import event

from tests.builders_floor import assigned_task, pick_event
from tests.services.test_floor_events import line_of
from wms.extensions import db
from wms.picking import floor, line_events, pick_effects, quick
from wms.picking.models import PickLine

# UPDATE as a statement, not the upsert's DO UPDATE SET nor a row lock's FOR UPDATE OF
_WRITE = re.compile(r'\b(?:INSERT(?: OR \w+)? INTO|(?<!FOR )(?<!DO )UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
ALWAYS = {pick_effects.UNITS_WRITE, pick_effects.ENVELOPE_WRITE}


def written_tables(sql):
    """The tables an SQL text (several statements joined with ';' included) inserts, updates or deletes."""
    return set(_WRITE.findall(sql))


def scan(picker, scan_event, published):
    """Apply one floor event; (answer, tables written, events published)."""
    line = db.session.get(PickLine, scan_event["line_id"])
    read = line_events.load_line(db.session.connection(), line.id, scan_event["barcode"])
    db.session.commit()
    sent = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    published.clear()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        answer = floor.apply_event(picker, "dev-1", scan_event)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    tables = set().union(*(written_tables(sql) for sql in sent))
    return answer, read, tables, {e["event"] for e in published}


def undeclared(due, tables, events):
    """What a pick wrote or published that none of its due effects declares."""
    return (tables - ALWAYS - pick_effects.writes_of(due)) | (events - pick_effects.publishes_of(due))


def check_declared(due, tables, events):
    extra = undeclared(due, tables, events)
    assert not extra, (f"line_events.pick wrote or published {sorted(extra)} with effects {due} due: declare it in "
                       "wms/picking/pick_effects.EFFECTS (its scans then leave the one-statement path)")


def test_the_sql_reader_finds_inserts_updates_and_deletes_but_not_row_locks():
    sql = ('INSERT INTO wall_pick_buckets (minute) VALUES (?) ON CONFLICT DO UPDATE SET units = 1; '
           'UPDATE "pick_tasks" SET status = ?; DELETE FROM review_hold_codes WHERE 1; '
           'SELECT id FROM pick_lines FOR UPDATE OF pick_lines SKIP LOCKED')
    assert written_tables(sql) == {"wall_pick_buckets", "pick_tasks", "review_hold_codes"}


def test_every_declared_effect_is_run_by_pick_and_pick_runs_nothing_undeclared():
    assert set(line_events._PICK_EFFECTS) == set(pick_effects.NAMES)


def test_a_line_read_carries_every_field_the_rule_reads():
    assert {"task_status", "wave_status", "order_status", "picked_qty", "qty"} <= set(line_events._LINE_KEYS)


def test_the_one_statement_writes_the_units_the_event_row_and_the_effects_it_claims_and_nothing_else():
    from sqlalchemy.dialects import postgresql

    sql = str(quick._PICK.statement.compile(dialect=postgresql.dialect()))
    assert written_tables(sql) == ALWAYS | pick_effects.writes_of(pick_effects.ONE_STATEMENT)
    assert not pick_effects.publishes_of(pick_effects.ONE_STATEMENT)  # it publishes nothing


def test_a_first_pick_writes_and_publishes_what_its_start_effects_declare(app, published):
    task, picker = assigned_task()
    answer, read, tables, events = scan(picker, pick_event(line_of(task, "SKU-0"), qty=1), published)
    due = pick_effects.due(read, done=False)
    assert answer["status"] == "accepted", answer
    assert due == (pick_effects.PICKS_COUNTED, pick_effects.TASK_STARTED, pick_effects.WAVE_STARTED,
                   pick_effects.ORDER_PICKING)
    check_declared(due, tables, events)
    assert tables == ALWAYS | pick_effects.writes_of(due)  # and every one of them happened
    assert events == pick_effects.publishes_of(due)


def test_a_pick_the_one_statement_may_take_writes_on_the_general_path_exactly_what_that_statement_writes(
        app, published):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")  # qty 3
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    answer, read, tables, events = scan(picker, pick_event(line, qty=1), published)
    assert answer["status"] == "accepted" and answer["line"]["status"] == "open", answer
    assert quick.takes(read, 1)
    due = pick_effects.due(read, done=False)
    check_declared(due, tables, events)
    assert tables == ALWAYS | pick_effects.writes_of(pick_effects.ONE_STATEMENT)
    assert events == set()


def test_closing_the_orders_last_line_writes_and_publishes_what_the_closing_effects_declare(app, published):
    task, picker = assigned_task()
    a, b = line_of(task, "SKU-0"), line_of(task, "SKU-1")
    floor.apply_event(picker, "dev-1", pick_event(a, qty=1))
    answer, read, tables, events = scan(picker, pick_event(a, qty=2), published)  # closes a line, not the order
    assert answer["code"] == "line_done", answer
    due = pick_effects.due(read, done=True)
    check_declared(due, tables, events)
    answer, read, tables, events = scan(picker, pick_event(b, qty=1), published)  # the order, the task, the wave
    assert answer["code"] == "line_done" and answer["task"]["status"] == "done", answer
    due = pick_effects.due(read, done=True)
    assert set(due) == {pick_effects.PICKS_COUNTED, pick_effects.ORDER_PICKED, pick_effects.TASK_FINISHED}
    check_declared(due, tables, events)
    assert events == pick_effects.publishes_of(due)


def a_job_nobody_declared(line_id):
    """Never runs (the push is switched off): its row is the undeclared write."""


def test_the_check_names_a_write_that_pick_does_and_no_due_effect_declares(app, published, monkeypatch):
    from wms import worker

    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    counted = line_events._PICK_EFFECTS[pick_effects.PICKS_COUNTED]

    def counted_and_a_job(user, read, qty, done):  # a new effect slipped into pick without a declaration
        counted(user, read, qty, done)
        worker.enqueue(a_job_nobody_declared, read["id"])

    monkeypatch.setitem(line_events._PICK_EFFECTS, pick_effects.PICKS_COUNTED, counted_and_a_job)
    monkeypatch.setattr(worker, "_push", lambda *args: None)
    monkeypatch.setattr(quick, "available", lambda _connection: False)  # the general path, on PostgreSQL too
    answer, read, tables, events = scan(picker, pick_event(line, qty=1), published)
    assert answer["status"] == "accepted", answer
    assert undeclared(pick_effects.due(read, done=False), tables, events) == {"queued_jobs"}
    with pytest.raises(AssertionError, match="queued_jobs"):
        check_declared(pick_effects.due(read, done=False), tables, events)
