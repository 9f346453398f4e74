"""Move counters in the caller's transaction (never by rescanning orders); the wall reads them.

These functions do not commit: they join the transaction of the change they count, so a counter moves
if and only if its change commits. The orders' side (which order moved from where to where) is
wms.orders.counting; the pick path calls `count_pick`; the bulk import calls `count_new_orders`.
Each write is one upsert per key (`value = value + d`), so concurrent transactions add up instead of
overwriting; a counter is spread over SHARDS rows so that two transactions moving the same key
rarely wait on the same row. After the commit, wms.counters.changes tells its subscribers (the wall).
"""
import random
from functools import lru_cache

from flask import current_app, has_app_context
from sqlalchemy import bindparam

from wms.counters import changes, rules
from wms.counters.models import ORDERS, SHARDS, SHIPPED, MetricCounter, PickBucket
from wms.rawsql import Prepared, at_commit, defer
from wms.timeutil import utcnow

_PENDING = "wms.counters.pending"


def add(session, name, deltas):
    """Add {key: delta} to counter family `name` in the session's transaction."""
    add_families(session, {name: deltas})


def add_families(session, families):
    """Add {name: {key: delta}} to this transaction's counters.

    The deltas are only collected here and written at commit (`_write_pending`), in one statement,
    keys in a fixed order: counter rows are then the last rows any transaction locks, so a
    transaction holding an order row never waits for a counter held by one waiting for that order
    (the deadlock PostgreSQL showed between allocation and a cancellation). They travel with the
    transaction's other deferred writes (wms.rawsql.defer), after them.
    """
    pending = session.info.setdefault(_PENDING, {})
    for name, deltas in families.items():
        for key, delta in deltas.items():
            if delta:
                slot = (name, str(key)[:80])
                pending[slot] = pending.get(slot, 0) + delta
    changes.moved(session)


@at_commit
def _write_pending(session):
    session.flush()  # the commit's own flush comes after this hook: counted changes must be in first
    pending = session.info.pop(_PENDING, {})
    rows = sorted((name, key, delta) for (name, key), delta in pending.items() if delta)
    if rows:
        _write_rows(session, rows)


def drop_pending(session, _previous):
    """After a rollback (listener, wms.listeners): the transaction's deltas are forgotten with it."""
    session.info.pop(_PENDING, None)


def _write_rows(session, rows):
    params = {"s": random.randrange(SHARDS)}
    for i, (name, key, delta) in enumerate(rows):
        params[f"n{i}"], params[f"k{i}"], params[f"d{i}"] = name, key, delta
    # Deferred: it goes last, with the transaction's other deferred writes, in their round trip.
    defer(_counter_upsert(session.get_bind().dialect.name, len(rows)), params, session)
    changes.moved(session)


def count_transition(session, carrier_code, current, new, count=1):
    """`count` orders of `carrier_code` moved from current to new, neither of them on_hold (the caller
    knows the carrier: no look-up)."""
    if rules.ON_HOLD in (current, new):
        raise ValueError("count_transition does not count hold reasons; wms.orders.counting does")
    add_families(session, {ORDERS: rules.moved_deltas(carrier_code, current, new, count),
                           SHIPPED: shipped_deltas(current, new, count)})


def shipped_deltas(current, new, count, at=None):
    """{local day: count} when the move ships the orders (today, or the day of `at`), else {}."""
    if rules.goes_out(current, new) and count:
        return {shipped_day(at or utcnow()): count}
    return {}


def shipped_day(at):
    """The warehouse-local day a shipment at `at` (naive UTC) counts under."""
    return rules.local_day(at, _tz())


def count_new_orders(session, carrier_codes, state="imported"):
    """Orders inserted in bulk (the import's COPY path), all in `state`."""
    deltas = {}
    for carrier in carrier_codes:
        key = rules.order_key(state, carrier)
        deltas[key] = deltas.get(key, 0) + 1
    add(session, ORDERS, deltas)


def count_pick(session, picker_id, units, line_done, at=None):
    """A pick confirmed on the floor: add to this picker's bucket of the current minute. The write
    is deferred (wms.rawsql.defer): it travels with the floor event's own insert, same transaction."""
    defer(_bucket_upsert(session.get_bind().dialect.name), bucket_params(picker_id, units, line_done, at), session)
    changes.moved(session)


def bucket_params(picker_id, units, line_done, at=None):
    """The bucket upsert's parameters (m, p, u, l) for a pick."""
    return {"m": rules.minute_of(at or utcnow()), "p": picker_id, "u": units, "l": 1 if line_done else 0}


def bucket_upsert_from(source):
    """PostgreSQL: the bucket upsert fed by `source`, a SELECT of (minute, picker_id, units, lines)
    (the scan's one-statement form, wms.picking.quick)."""
    insert = _insert_for("postgresql")
    return _add_to_bucket(insert(PickBucket.__table__).from_select(["minute", "picker_id", "units", "lines"], source))


def pick_counted_elsewhere(session):
    """A pick whose bucket was written by the caller's own statement (`bucket_upsert_from`): only
    say, after the commit, that counters moved."""
    changes.moved(session)


def _tz():
    return current_app.config.get("WAREHOUSE_TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"


@lru_cache(maxsize=64)
def _counter_upsert(dialect, n_rows):
    """Prepared: compiled once per dialect and row count."""
    insert = _insert_for(dialect)
    table = MetricCounter.__table__
    stmt = insert(table).values([{"name": bindparam(f"n{i}"), "key": bindparam(f"k{i}"), "shard": bindparam("s"),
                                  "value": bindparam(f"d{i}")} for i in range(n_rows)])
    return Prepared(stmt.on_conflict_do_update(index_elements=[table.c.name, table.c.key, table.c.shard],
                                               set_={"value": table.c.value + stmt.excluded.value}),
                    only_for=dialect)


def _make_bucket_upsert(dialect):
    insert = _insert_for(dialect)
    return Prepared(_add_to_bucket(insert(PickBucket.__table__).values(
        minute=bindparam("m"), picker_id=bindparam("p"), units=bindparam("u"), lines=bindparam("l"))),
        only_for=dialect)


def _add_to_bucket(stmt):
    """An insert into the buckets that adds to the picker's minute when it exists."""
    table = PickBucket.__table__
    return stmt.on_conflict_do_update(index_elements=[table.c.minute, table.c.picker_id],
                                      set_={"units": table.c.units + stmt.excluded.units,
                                            "lines": table.c.lines + stmt.excluded.lines})


def _bucket_upsert(dialect):
    """Prepared: the scan path runs it on every pick (made at import, so a pool warm-up prepares it)."""
    return _BUCKET_UPSERTS[dialect]


def _insert_for(dialect):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


_BUCKET_UPSERTS = {dialect: _make_bucket_upsert(dialect) for dialect in ("postgresql", "sqlite")}
