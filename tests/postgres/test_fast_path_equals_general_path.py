"""The one-statement scan (wms.picking.quick) leaves the rows the general path leaves, on PostgreSQL.

Hypothesis draws scan sequences (valid picks, over-picks, wrong bins, wrong items, shorts, a uuid
sent again, a uuid sent again from another device, three pickers, some scanning lines of another's
task); each runs twice on identical starting data, once as the floor runs it and once with the one
statement switched off (`quick.available` says no: every scan takes `line_events.pick`). Every row
of every table must come out equal, apart from ids and timestamps (compared as set or not): pick
lines, tasks, waves, orders and their audit rows, stock, reservations, movements and count tasks,
floor_events with their answers, queued jobs; the wall's counters summed over their shards and
pick buckets summed over their minutes (both are bucketed by the clock or a random shard); and the
answers the handhelds got and the pushes sent. Runs with the rest of tests/postgres
(TEST_DATABASE_URL=postgresql://... pytest tests/postgres): 25 examples of up to 30 scans (about
240 scans, 15 to 55 of them in one statement) and one picker's task unit by unit, about 20 s on a
busy 2-core machine.
"""
import json
import uuid
from datetime import date, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, DateTime, select, text

from tests.builders import make_channel, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_picking import allocated_orders
from tests.postgres import needs_postgres
from wms.extensions import db
from wms.picking import floor, quick
from wms.picking.models import PickLine, PickTask
from wms.sockets import Principal

pytestmark = needs_postgres

PICKERS = 3
ORDERS = [("F1", [("SKU-0", 6), ("SKU-1", 5)]), ("F2", [("SKU-0", 5)]), ("F3", [("SKU-1", 6), ("SKU-2", 4)]),
          ("F4", [("SKU-2", 6)]), ("F5", [("SKU-0", 4), ("SKU-2", 5)]), ("F6", [("SKU-1", 4)])]
EXAMPLES = 25
# Mostly the floor's common scan: one more unit of the line scanned last.
KINDS = ("next",) * 8 + ("pick",) * 4 + ("pick_as_another", "over_pick", "wrong_bin", "wrong_item", "short", "again",
                         "again_elsewhere")
# One picker working through their task unit by unit, as most of a shift goes: always run, so the
# one statement is always compared (the drawn sequences take it 15 to 55 times over 25 examples).
COMMON_SCANS = [("next", 0, 0)] * 13  # the 13 units of picker0's three lines
STEPS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 1000), st.integers(0, 6)), min_size=1,
                 max_size=30)


def seed():
    """Three SKUs in two bins each, six orders waved into tasks, one task taken by each picker; what
    the scans are drawn from: the lines (id, qty, picker, bin barcode, item barcode), bins, pickers."""
    from wms.picking import services, waves

    warehouse = make_warehouse(n_aisles=2, n_blocks=1, aisle_length_m=10.0)
    for i in range(3):
        sku = make_sku(code=f"SKU-{i}", barcodes=(f"690000000{i:04d}",), name=f"商品 {i}")
        for j in range(2):  # a short at one bin can move other orders' lines to the other
            put_stock(make_bin(warehouse, code=f"A-{j:02d}-{i:02d}-1", aisle=j, position_m=2.0 + 2 * i), sku, 12)
    allocated_orders(ORDERS, channel=make_channel())
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=2), time_budget=0.05)
    pickers = [make_user("picker", f"picker{n}") for n in range(PICKERS)]
    for n, picker in enumerate(pickers):
        assert services.assign_next_task(picker, f"dev-{n}") is not None
    db.session.commit()
    lines = db.session.execute(
        select(PickLine.id, PickLine.qty, PickTask.picker_id, PickLine.bin_id)
        .join(PickTask, PickTask.id == PickLine.task_id).order_by(PickLine.id)).all()
    bins = dict(db.session.execute(text("SELECT id, barcode FROM bins")).all())
    barcodes = dict(db.session.execute(text(
        "SELECT l.id, b.barcode FROM pick_lines l JOIN sku_barcodes b ON b.sku_id = l.sku_id")).all())
    principals = [Principal(p.id, p.username, p.role, f"dev-{n}") for n, p in enumerate(pickers)]
    return {"lines": [(row.id, row.qty, row.picker_id, bins[row.bin_id], barcodes[row.id]) for row in lines],
            "bins": sorted(bins.values()), "pickers": principals}


def scans(world, steps):
    """The concrete sequence: [(principal, event)], from the drawn steps and the seeded lines. What is
    left on each line is guessed from the picks drawn so far (as if each were accepted), so that
    `next` goes on scanning units where a picker would: the line scanned last, else the picker's
    next line with units left."""
    lines, pickers, sent = world["lines"], world["pickers"], []
    by_id = {p.id: p for p in pickers}
    left = {line[0]: line[1] for line in lines}
    for n, (kind, index, size) in enumerate(steps):
        line = lines[index % len(lines)]
        if kind == "next" and sent:
            line = _next_line(lines, left, sent[-1][1]["line_id"]) or line
            size = 0
        line_id, qty, picker_id, bin_code, barcode = line
        owner = by_id[picker_id]
        if kind in ("again", "again_elsewhere") and sent:
            principal, event = sent[index % len(sent)]
            if kind == "again_elsewhere":  # the same uuid from another picker's handheld: a conflict
                principal = pickers[(pickers.index(principal) + 1) % len(pickers)]
            sent.append((principal, event))
            continue
        event = {"uuid": str(uuid.UUID(int=n + 1)), "kind": "pick", "seq": n + 1, "line_id": line_id,
                 "qty": 1 + size % 3, "bin": bin_code, "barcode": barcode}
        if kind == "pick_as_another":
            owner = pickers[(pickers.index(owner) + 1) % len(pickers)]
        elif kind == "over_pick":
            event["qty"] = qty + size % 2
        elif kind == "wrong_bin":
            event["bin"] = next(code for code in world["bins"] if code != bin_code)
        elif kind == "wrong_item":
            event["barcode"] = "6900000009999"
        elif kind == "short":
            event = {"uuid": event["uuid"], "kind": "short", "seq": n + 1, "line_id": line_id, "found": size % qty,
                     "reason": "empty bin"}
            left[line_id] = 0
        if kind in ("next", "pick") and event["qty"] <= left[line_id]:
            left[line_id] -= event["qty"]
        sent.append((owner, event))
    return sent


def _next_line(lines, left, last_id):
    last = next(line for line in lines if line[0] == last_id)
    mine = [line for line in lines if line[2] == last[2] and left[line[0]] > 0]
    return last if left[last_id] > 0 else (mine[0] if mine else None)


class Seeded:
    """The database as seeded, restored between runs in one transaction (rows with their ids, and the
    id sequences where they were): 0.06 s, where TRUNCATE and seeding again take about 4 s."""

    def __init__(self):
        db.session.remove()
        with db.engine.connect() as conn:
            self.rows = {table: [dict(row._mapping) for row in conn.execute(select(table))]
                         for table in db.metadata.sorted_tables}
            self.sequences = conn.execute(text(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")).all()

    def restore(self):
        db.session.remove()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no FK order to follow
            conn.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in db.metadata.sorted_tables))
            for table, rows in self.rows.items():
                if rows:
                    conn.execute(table.insert(), rows)
            for name, last in self.sequences:
                conn.execute(text("SELECT setval(:name, :value, :called)"),
                             {"name": name, "value": last or 1, "called": last is not None})


def run(sequence, published):
    """Apply the sequence as the socket handler does (a principal, no transaction open); the answers."""
    published.clear()
    answers = []
    for principal, event in sequence:
        answers.append(floor.apply_event(principal, principal.device, dict(event)))
    db.session.remove()
    return answers


def plain(value):
    if isinstance(value, (datetime, date)):
        return "set"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def rows():
    """Every table's rows, ids and timestamps left out (a timestamp: set or not), sorted; the wall's
    counters summed over shards, its pick buckets over minutes."""
    snapshot = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            keep = [c for c in table.columns if c.name != "id"]
            got = conn.execute(select(*keep)).all()
            timestamps = {c.name for c in keep if isinstance(c.type, (DateTime, Date))}
            snapshot[table.name] = sorted(
                (tuple((c.name, "set" if c.name in timestamps and v is not None else plain(v))
                       for c, v in zip(keep, row)) for row in got), key=repr)
        snapshot["metric_counters"] = sorted(conn.execute(text(
            "SELECT name, key, sum(value) FROM metric_counters GROUP BY name, key HAVING sum(value) <> 0")).all())
        snapshot["wall_pick_buckets"] = sorted(conn.execute(text(
            "SELECT picker_id, sum(units), sum(lines) FROM wall_pick_buckets GROUP BY picker_id")).all())
    return snapshot


def pushes(published):
    return [(e["event"], json.dumps(e["payload"], sort_keys=True, default=str), repr(e.get("room")))
            for e in published]


def test_random_scan_sequences_leave_the_same_rows_with_and_without_the_one_statement(app, published, monkeypatch):
    written_in_one_statement = []
    real_write = quick.write_pick

    def counted_write(*args, **kwargs):
        written = real_write(*args, **kwargs)
        written_in_one_statement.append(written)
        return written

    monkeypatch.setattr(quick, "write_pick", counted_write)
    real_available = quick.available

    world = seed()
    seeded = Seeded()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(steps=STEPS)
    @example(steps=COMMON_SCANS)
    def same_rows(steps):
        sequence = scans(world, steps)
        seeded.restore()
        monkeypatch.setattr(quick, "available", real_available)
        fast_answers, fast_pushes, fast_rows = run(sequence, published), pushes(published), rows()
        seeded.restore()
        monkeypatch.setattr(quick, "available", lambda _connection: False)
        general_answers, general_pushes, general_rows = run(sequence, published), pushes(published), rows()
        monkeypatch.setattr(quick, "available", real_available)
        assert fast_answers == general_answers
        for table in general_rows:
            assert fast_rows[table] == general_rows[table], table
        assert fast_pushes == general_pushes

    same_rows()
    # the comparison had something to compare: COMMON_SCANS alone takes the one statement 8 times
    assert written_in_one_statement.count(True) >= 8, written_in_one_statement


def test_the_comparison_sees_an_effect_the_one_statement_skips(app, published, monkeypatch):
    """The guard itself: a pick effect the general path has and the one statement skips (here the
    picker's wall bucket, dropped from the statement's effects) makes the rows differ."""
    from wms.counters import services as counting

    world = seed()
    line_id, qty, picker_id, bin_code, barcode = world["lines"][0]
    picker = next(p for p in world["pickers"] if p.id == picker_id)
    sequence = [(picker, {"uuid": str(uuid.UUID(int=n + 1)), "kind": "pick", "seq": n + 1, "line_id": line_id,
                          "qty": 1, "bin": bin_code, "barcode": barcode}) for n in range(2)]
    seeded = Seeded()
    monkeypatch.setattr(quick, "bucket_params", lambda *args: {**counting.bucket_params(*args), "u": 0})
    run(sequence, published)
    skipped = rows()
    seeded.restore()
    monkeypatch.setattr(quick, "available", lambda _connection: False)
    run(sequence, published)
    assert skipped["wall_pick_buckets"] != rows()["wall_pick_buckets"]
