"""On SQLite (no row locks) two allocations racing for the last unit still never both win."""
import os
import threading

import pytest
from sqlalchemy import event

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.extensions import db
from wms.inventory import services
from wms.inventory.models import StockItem

pytestmark = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the SQLite write lock path")


def test_two_allocations_on_sqlite_racing_for_the_last_unit_never_both_win(app):
    item_id = put_stock(make_bin(make_warehouse()), make_sku(), 1).id
    ids = [make_order(status="approved", external_id=str(n)).id for n in (1, 2)]
    barrier, results, waiting = threading.Barrier(2, timeout=20), {}, {"0", "1"}

    def before(conn, cursor, statement, *args):
        name = threading.current_thread().name
        if name in waiting and "allocation_settings SET" in statement:  # the write-lock statement
            waiting.discard(name)
            barrier.wait()

    def run(index):
        with app.app_context():
            try:
                results[index] = services.allocate_orders([ids[index]])
            finally:
                db.session.remove()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        threads = [threading.Thread(target=run, args=(i,), name=str(i)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    outcomes = sorted(kind for r in results.values() for kind in ("allocated", "backorder", "failed") if r[kind])
    assert outcomes == ["allocated", "backorder"], results
    db.session.expire_all()
    item = db.session.get(StockItem, item_id)
    assert (item.on_hand, item.reserved) == (1, 1)
