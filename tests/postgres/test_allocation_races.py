"""Row-lock proofs on PostgreSQL: real concurrent transactions on separate connections.

Each race parks both threads on a barrier right before their contended statement, so both
transactions are open at the same moment; no sleeps. Run with
TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm.exc import StaleDataError

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.postgres import needs_postgres
from wms.extensions import db as _db
from wms.inventory import services
from wms.inventory.models import Reservation, StockItem
from wms.orders.models import Order

pytestmark = needs_postgres

ROUNDS = 5


class Rendezvous:
    """Hold each named thread before the first statement its predicate matches until all arrived."""

    def __init__(self, engine, predicates):
        self.predicates = dict(predicates)
        self.barrier = threading.Barrier(len(self.predicates), timeout=20)
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        name = threading.current_thread().name
        predicate = self.predicates.get(name)
        if predicate is not None and predicate(statement):
            del self.predicates[name]
            self.barrier.wait()

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._before)


def race(app, predicates, **jobs):
    """Run each job in its own thread, app context and connection, meeting at the rendezvous."""
    _db.session.commit()
    rendezvous = Rendezvous(_db.engine, predicates)
    results = {}

    def run(name, fn):
        with app.app_context():
            try:
                results[name] = fn()
            except Exception as error:  # reported by the assertions below
                results[name] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(name, fn), name=name) for name, fn in jobs.items()]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads), "a racing transaction hung"
    finally:
        rendezvous.close()
    _db.session.expire_all()
    return results


def locks_stock(statement):
    return "FOR UPDATE" in statement and "stock_items" in statement


def locks_order(statement):
    return "FOR UPDATE" in statement and "FROM orders" in statement


def updates_order(statement):
    return statement.lstrip().startswith("UPDATE orders")


def assert_stock_consistent(item_id, on_hand):
    item = _db.session.get(StockItem, item_id)
    reserved = _db.session.scalar(select(func.coalesce(func.sum(Reservation.qty), 0))
                                  .where(Reservation.stock_item_id == item_id))
    assert (item.on_hand, item.reserved) == (on_hand, reserved)
    assert 0 <= item.reserved <= item.on_hand


def cancel(order_id):
    """What a cancel service does: transition, release in the same transaction, commit."""
    order = _db.session.get(Order, order_id)
    try:
        order.transition_to("cancelled", reason="buyer cancelled")
        services.release_reservation(order_id, "buyer cancelled")
    except StaleDataError:
        _db.session.rollback()
        return "stale"
    return "cancelled"


@pytest.fixture
def item_id(app):
    """The id of a stock row holding the last unit of SKU-1."""
    return put_stock(make_bin(make_warehouse()), make_sku(), 1).id


def test_two_allocations_racing_for_the_last_unit_never_both_win(app, item_id):
    for round_ in range(ROUNDS):
        a = make_order(status="approved", external_id=f"a{round_}").id
        b = make_order(status="approved", external_id=f"b{round_}").id
        results = race(app, {"A": locks_stock, "B": locks_stock},
                       A=lambda: services.allocate_orders([a]), B=lambda: services.allocate_orders([b]))
        outcomes = sorted(kind for r in results.values() for kind in ("allocated", "backorder", "failed") if r[kind])
        assert outcomes == ["allocated", "backorder"], results
        assert_stock_consistent(item_id, on_hand=1)
        loser = a if results["A"]["backorder"] else b
        assert "SKU-1 need 1, available 0" in _db.session.get(Order, loser).events[-1].reason
        cancel(b if loser == a else a)  # free the unit for the next round
        assert_stock_consistent(item_id, on_hand=1)


def test_the_same_order_allocated_twice_at_once_reserves_once(app, item_id):
    order_id = make_order(status="approved").id
    results = race(app, {"A": locks_order, "B": locks_order},
                   A=lambda: services.allocate_orders([order_id]), B=lambda: services.allocate_orders([order_id]))
    assert sorted(len(r["allocated"]) for r in results.values()) == [0, 1]
    assert sorted(len(r["skipped"]) for r in results.values()) == [0, 1]
    assert_stock_consistent(item_id, on_hand=1)
    assert _db.session.get(StockItem, item_id).reserved == 1


def test_allocation_racing_a_cancellation_of_the_same_order_leaves_stock_consistent(app, item_id):
    for round_ in range(ROUNDS):
        order_id = make_order(status="approved", external_id=f"c{round_}").id
        results = race(app, {"alloc": locks_order, "cancel": updates_order},
                       alloc=lambda: services.allocate_orders([order_id]), cancel=lambda: cancel(order_id))
        status = _db.session.get(Order, order_id).status
        if status == "cancelled":
            assert results["cancel"] == "cancelled" and results["alloc"]["skipped"] == [order_id]
            assert_stock_consistent(item_id, on_hand=1)
            assert _db.session.get(StockItem, item_id).reserved == 0
        else:
            assert status == "allocated" and results["cancel"] == "stale", results
            assert_stock_consistent(item_id, on_hand=1)
            assert _db.session.get(StockItem, item_id).reserved == 1
            services.release_reservation(order_id, "test cleanup")
            assert_stock_consistent(item_id, on_hand=1)


def test_allocation_racing_the_cancellation_of_the_order_holding_the_unit_leaves_stock_consistent(app, item_id):
    for round_ in range(ROUNDS):
        holder = make_order(status="approved", external_id=f"h{round_}").id
        services.allocate_orders([holder])
        waiting = make_order(status="approved", external_id=f"w{round_}").id
        results = race(app, {"alloc": locks_stock, "cancel": updates_order},
                       alloc=lambda: services.allocate_orders([waiting]), cancel=lambda: cancel(holder))
        assert results["cancel"] == "cancelled", results
        assert _db.session.get(Order, holder).status == "cancelled"
        assert _db.session.scalars(select(Reservation).where(Reservation.order_id == holder)).all() == []
        assert_stock_consistent(item_id, on_hand=1)
        waiting_status = _db.session.get(Order, waiting).status
        assert waiting_status in ("allocated", "backorder")
        assert _db.session.get(StockItem, item_id).reserved == (1 if waiting_status == "allocated" else 0)
        if waiting_status == "allocated":
            cancel(waiting)


def test_two_bulk_runs_over_overlapping_orders_reserve_each_order_once_and_never_deadlock(app):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 10)
    ids = [make_order(status="approved", external_id=f"o{n}").id for n in range(6)]
    results = race(app, {"A": locks_order, "B": locks_order},
                   A=lambda: services.allocate_orders(ids[:4]), B=lambda: services.allocate_orders(ids[2:]))
    assert not any(isinstance(r, Exception) or r["failed"] for r in results.values()), results
    allocated = results["A"]["allocated"] + results["B"]["allocated"]
    assert sorted(allocated) == sorted(ids)
    assert sorted(results["A"]["skipped"] + results["B"]["skipped"]) == sorted(set(ids[:4]) & set(ids[2:]))
    assert_stock_consistent(item.id, on_hand=10)
    assert _db.session.get(StockItem, item.id).reserved == 6
