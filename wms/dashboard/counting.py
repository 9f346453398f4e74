"""Counters moved in the same transaction as the change they count (never by rescanning orders).

Three ways an order's status changes, three hooks: the ORM path (`Order.transition_to`, new and
deleted orders, carrier or hold-reason edits) through a `before_flush` listener; `bulk_transition`
and the bulk import, which call `count_bulk_transition` / `count_new_orders`; and the floor's pick
path, which calls `count_pick`. Each write is one upsert per key (`value = value + d`), so concurrent
transactions add up instead of overwriting; a counter is spread over SHARDS rows so that two
transactions moving the same key rarely wait on the same row. After the commit the wall is told that
something changed (push.wall_changed coalesces that into at most one push per second).
"""
import random
from functools import lru_cache

from flask import current_app, has_app_context
from sqlalchemy import bindparam, event, func, inspect, select
from sqlalchemy.orm import Session

from wms.aftercommit import after_commit
from wms.dashboard import metrics
from wms.dashboard.models import HOLDS, ORDERS, SHARDS, SHIPPED, MetricCounter, PickBucket
from wms.orders.models import Order, OrderEvent
from wms.rawsql import Prepared, at_commit, defer
from wms.timeutil import utcnow

_NOTIFIED = "wms.dashboard.notified"
_PENDING = "wms.dashboard.pending"
CHUNK = 1000


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
    _notify_after_commit(session)


@at_commit
def _write_pending(session):
    session.flush()  # the commit's own flush comes after this hook: counted changes must be in first
    pending = session.info.pop(_PENDING, {})
    rows = sorted((name, key, delta) for (name, key), delta in pending.items() if delta)
    if rows:
        _write_rows(session, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session, _previous):
    session.info.pop(_PENDING, None)


def _write_rows(session, rows):
    params = {"s": random.randrange(SHARDS)}
    for i, (name, key, delta) in enumerate(rows):
        params[f"n{i}"], params[f"k{i}"], params[f"d{i}"] = name, key, delta
    # Deferred: it goes last, with the transaction's other deferred writes, in their round trip.
    defer(_counter_upsert(session.get_bind().dialect.name, len(rows)), params, session)
    _notify_after_commit(session)


def count_pick(session, picker_id, units, line_done, at=None):
    """A pick confirmed on the floor: add to this picker's bucket of the current minute. The write
    is deferred (wms.rawsql.defer): it travels with the floor event's own insert, same transaction."""
    defer(_bucket_upsert(session.get_bind().dialect.name), bucket_params(picker_id, units, line_done, at), session)
    _notify_after_commit(session)


def bucket_params(picker_id, units, line_done, at=None):
    """The bucket upsert's parameters (m, p, u, l) for a pick."""
    return {"m": metrics.minute_of(at or utcnow()), "p": picker_id, "u": units, "l": 1 if line_done else 0}


def bucket_upsert_from(source):
    """PostgreSQL: the bucket upsert fed by `source`, a SELECT of (minute, picker_id, units, lines)
    (the scan's one-statement form, wms.picking.quick)."""
    insert = _insert_for("postgresql")
    return _add_to_bucket(insert(PickBucket.__table__).from_select(["minute", "picker_id", "units", "lines"], source))


def pick_counted_elsewhere(session):
    """A pick whose bucket was written by the caller's own statement: only tell the wall."""
    _notify_after_commit(session)


def count_new_orders(session, carrier_codes, state="imported"):
    """Orders inserted in bulk (the import's COPY path), all in `state`."""
    deltas = {}
    for carrier in carrier_codes:
        key = metrics.order_key(state, carrier)
        deltas[key] = deltas.get(key, 0) + 1
    add(session, ORDERS, deltas)


def count_bulk_transition(session, order_ids, current, new):
    """`bulk_transition` is about to move these orders from current to new: move their counters too."""
    ids = list(order_ids)
    orders, holds = {}, {}
    with_holds = metrics.ON_HOLD in (current, new)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        if with_holds:
            for carrier, reasons in session.execute(select(Order.carrier_code, Order.hold_reasons)
                                                    .where(Order.id.in_(part))):
                _merge(orders, metrics.order_deltas((current, carrier), (new, carrier)))
                after = reasons if new == metrics.ON_HOLD else []
                _merge(holds, metrics.hold_deltas(metrics.hold_codes(current, reasons), metrics.hold_codes(new, after)))
            continue
        for carrier, count in session.execute(select(Order.carrier_code, func.count())
                                              .where(Order.id.in_(part)).group_by(Order.carrier_code)):
            _merge(orders, _moved(carrier, current, new, count))
    add_families(session, {ORDERS: orders, HOLDS: holds, SHIPPED: _shipped(current, new, len(ids))})


def count_transition(session, carrier_code, current, new):
    """One order of `carrier_code` moved from current to new, neither of them on_hold (the caller
    knows the carrier: no look-up)."""
    if metrics.ON_HOLD in (current, new):
        raise ValueError("count_transition does not count hold reasons; use count_bulk_transition")
    add_families(session, {ORDERS: _moved(carrier_code, current, new, 1), SHIPPED: _shipped(current, new, 1)})


def _moved(carrier, current, new, count):
    return {k: d * count for k, d in metrics.order_deltas((current, carrier), (new, carrier)).items()}


def _shipped(current, new, count):
    if new == metrics.SHIPPED and current != metrics.SHIPPED and count:
        return {metrics.local_day(utcnow(), _tz()): count}
    return {}


@event.listens_for(Session, "before_flush")
def _count_flushed_orders(session, _flush_context, _instances):
    orders, holds, shipped = {}, {}, {}
    for obj in session.new:
        if isinstance(obj, Order):
            status = obj.status or "imported"
            _merge(orders, metrics.order_deltas(None, (status, obj.carrier_code)))
            _merge(holds, metrics.hold_deltas((), metrics.hold_codes(status, obj.hold_reasons)))
        elif isinstance(obj, OrderEvent) and _is_shipping(obj):
            day = metrics.local_day(obj.at or utcnow(), _tz())
            shipped[day] = shipped.get(day, 0) + 1
    for obj in session.dirty:
        if isinstance(obj, Order):
            _count_changed(session, obj, orders, holds)
    for obj in session.deleted:
        if isinstance(obj, Order):
            before = _before(session, obj)
            _merge(orders, metrics.order_deltas(before[:2], None))
            _merge(holds, metrics.hold_deltas(metrics.hold_codes(before[0], before[2]), ()))
    add_families(session, {ORDERS: orders, HOLDS: holds, SHIPPED: shipped})


def _count_changed(session, order, orders, holds):
    state = inspect(order)
    if not any(state.attrs[name].history.has_changes() for name in ("status", "carrier_code", "hold_reasons")):
        return
    before = _before(session, order)
    after = (order.status, order.carrier_code, order.hold_reasons)
    _merge(orders, metrics.order_deltas(before[:2], after[:2]))
    _merge(holds, metrics.hold_deltas(metrics.hold_codes(before[0], before[2]), metrics.hold_codes(after[0], after[2])))


def _before(session, order):
    """(status, carrier_code, hold_reasons) as the database has them, from attribute history when loaded."""
    state = inspect(order)
    values = []
    for name in ("status", "carrier_code", "hold_reasons"):
        history = state.attrs[name].history
        if not history.has_changes():
            values.append(getattr(order, name))
        elif history.deleted:
            values.append(history.deleted[0])
        else:  # set without having been loaded: ask the database (not flushed yet, so it has the old value)
            return tuple(session.execute(select(Order.status, Order.carrier_code, Order.hold_reasons)
                                         .where(Order.id == order.id)).one())
    return tuple(values)


def _is_shipping(event_row):
    return ((event_row.kind or "state") == "state" and event_row.to_state == metrics.SHIPPED
            and event_row.from_state != metrics.SHIPPED)


def _merge(total, deltas):
    for key, delta in deltas.items():
        total[key] = total.get(key, 0) + delta


def _tz():
    return current_app.config.get("WAREHOUSE_TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"


def _notify_after_commit(session):
    if session.info.get(_NOTIFIED) or not has_app_context():
        return
    from wms.dashboard import push

    session.info[_NOTIFIED] = True
    after_commit(session, push.wall_changed, current_app._get_current_object())


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _reset_notified(session, *_args):
    session.info.pop(_NOTIFIED, None)


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
