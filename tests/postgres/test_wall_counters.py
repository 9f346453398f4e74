"""Wall counters under real concurrency on PostgreSQL: two transactions moving the same counter row at
once both count (the upsert adds, it never overwrites). Run with
TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
import threading

from sqlalchemy import event

from tests.builders import make_channel, make_order
from tests.postgres import needs_postgres
from wms.counters import services as counting
from wms.counters.models import HOLDS, ORDERS
from wms.dashboard import queries, services
from wms.extensions import db as _db
from wms.orders.models import Order

pytestmark = needs_postgres


def test_two_status_changes_on_the_same_counter_row_at_once_are_both_counted(app, monkeypatch):
    monkeypatch.setattr(counting.random, "randrange", lambda _n: 0)  # both hit shard 0: one row, one lock
    channel = make_channel()
    ids = [make_order(channel, f"C{i}", status="approved", carrier_code="sf").id for i in range(2)]
    services.rebuild_metrics()
    barrier = threading.Barrier(2, timeout=20)
    parked = set()

    def park(conn, cursor, statement, *_args):
        name = threading.current_thread().name
        if name.startswith("mover") and name not in parked and statement.startswith("INSERT INTO metric_counters"):
            parked.add(name)
            barrier.wait()  # both transactions are open and about to upsert the same row

    event.listen(_db.engine, "before_cursor_execute", park)
    errors = []

    def move(order_id):
        with app.app_context():
            try:
                order = _db.session.get(Order, order_id)
                order.transition_to("on_hold", reason="race")
                order.hold_reasons = [{"code": "risk"}]
                _db.session.commit()
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=move, args=(i,), name=f"mover-{i}") for i in ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(_db.engine, "before_cursor_execute", park)
    assert errors == [] and parked == {"mover-%d" % i for i in ids}
    counters = queries.all_counters()
    assert counters[ORDERS] == {"on_hold|sf": 2} and counters[HOLDS] == {"risk": 2}
    assert services.rebuild_metrics() == counters
