"""How order changes move the counters (wms.counters), including the one flush listener that does.

Three ways an order's status changes, three ways its counters move:
- `bulk_transition` (a wave of 1,000 orders, two statements) calls `count_bulk_transition` here;
- `transition_if_still` (the scan path's one conditional UPDATE) calls wms.counters' `count_transition`;
- everything that goes through the ORM is counted by `count_flushed_orders`, a `before_flush` listener (registered in wms.listeners).

Why a listener for the ORM path. The counters must equal a rebuild from the tables (the stateful test
and tests/services/test_wall_counters.py hold them to it), and an order's counter key moves not only
with `Order.transition_to` but with every change of its carrier (shipping's carrier choice), of its
hold reasons (review, the short pick, the import, a split) and with every order inserted or deleted
through the session (a split, tests' builders, the demo). Asking each of those callers to count would
leave the wall wrong the day one more is written without it; the flush sees every one of them, once,
with the value it had before (attribute history). It only collects deltas in the session (written by
wms.counters at commit, in the same transaction); it sends nothing and writes no row of its own.
This is the only ORM listener that moves counters.
"""
from sqlalchemy import func, inspect, select

from wms.counters import rules
from wms.counters import services as counters
from wms.counters.models import HOLDS, ORDERS, SHIPPED
from wms.orders.models import Order, OrderEvent
from wms.timeutil import utcnow

CHUNK = 1000


def count_bulk_transition(session, order_ids, current, new):
    """`bulk_transition` is about to move these orders from current to new: move their counters too
    (read before the update: it clears the hold reasons it counts)."""
    ids = list(order_ids)
    orders, holds = {}, {}
    with_holds = rules.ON_HOLD in (current, new)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        if with_holds:
            for carrier, reasons in session.execute(select(Order.carrier_code, Order.hold_reasons)
                                                    .where(Order.id.in_(part))):
                rules.merge(orders, rules.order_deltas((current, carrier), (new, carrier)))
                after = reasons if new == rules.ON_HOLD else []
                rules.merge(holds, rules.hold_deltas(rules.hold_codes(current, reasons), rules.hold_codes(new, after)))
            continue
        for carrier, count in session.execute(select(Order.carrier_code, func.count())
                                              .where(Order.id.in_(part)).group_by(Order.carrier_code)):
            rules.merge(orders, rules.moved_deltas(carrier, current, new, count))
    counters.add_families(session, {ORDERS: orders, HOLDS: holds,
                                    SHIPPED: counters.shipped_deltas(current, new, len(ids))})


def count_flushed_orders(session, _flush_context, _instances):
    """Every order inserted, changed (status, carrier, hold reasons) or deleted in this flush, and every
    audit row that ships one: their counter deltas, added to the transaction's counters."""
    orders, holds, shipped = {}, {}, {}
    for obj in session.new:
        if isinstance(obj, Order):
            status = obj.status or "imported"
            rules.merge(orders, rules.order_deltas(None, (status, obj.carrier_code)))
            rules.merge(holds, rules.hold_deltas((), rules.hold_codes(status, obj.hold_reasons)))
        elif isinstance(obj, OrderEvent) and _is_shipping(obj):
            day = counters.shipped_day(obj.at or utcnow())
            shipped[day] = shipped.get(day, 0) + 1
    for obj in session.dirty:
        if isinstance(obj, Order):
            _count_changed(session, obj, orders, holds)
    for obj in session.deleted:
        if isinstance(obj, Order):
            before = _before(session, obj)
            rules.merge(orders, rules.order_deltas(before[:2], None))
            rules.merge(holds, rules.hold_deltas(rules.hold_codes(before[0], before[2]), ()))
    counters.add_families(session, {ORDERS: orders, HOLDS: holds, SHIPPED: shipped})


def _count_changed(session, order, orders, holds):
    state = inspect(order)
    if not any(state.attrs[name].history.has_changes() for name in ("status", "carrier_code", "hold_reasons")):
        return
    before = _before(session, order)
    after = (order.status, order.carrier_code, order.hold_reasons)
    rules.merge(orders, rules.order_deltas(before[:2], after[:2]))
    rules.merge(holds, rules.hold_deltas(rules.hold_codes(before[0], before[2]), rules.hold_codes(after[0], after[2])))


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
    return (event_row.kind or "state") == "state" and rules.goes_out(event_row.from_state, event_row.to_state)
