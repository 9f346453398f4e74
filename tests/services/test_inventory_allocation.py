"""Allocation against the database: all or nothing, every shortage, warehouse choice, release."""
import pytest
from sqlalchemy import select

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.inventory import services
from wms.inventory.models import OrderAllocation, Reservation, StockItem
from wms.orders.models import Order


def stock_of(db, item):
    db.session.expire_all()
    row = db.session.get(StockItem, item.id)
    return row.on_hand, row.reserved


def test_an_approved_order_is_allocated_and_its_bins_are_reserved(db, published):
    sku = make_sku()
    warehouse = make_warehouse()
    item = put_stock(make_bin(warehouse), sku, 5)
    order = make_order(status="approved", lines=(("SKU-1", 2),))
    summary = services.allocate_orders([order.id])
    assert summary["allocated"] == [order.id]
    assert stock_of(db, item) == (5, 2)
    assert services.warehouse_of(order.id) == warehouse.id
    (line_id, bin_, sku_id, qty), = services.reservations_for(order.id)
    assert (line_id, bin_.code, sku_id, qty) == (order.lines[0].id, "A-01-01-1", sku.id, 2)
    assert db.session.get(Order, order.id).status == "allocated"
    assert {"event": "order.state_changed", "payload": {"order_id": order.id, "from": "approved", "to": "allocated"},
            "room": "role:supervisor"} in published


def test_a_short_order_reserves_nothing_and_its_backorder_reason_lists_every_shortage(db):
    one = make_sku("SKU-1", barcodes=("111",))
    two = make_sku("SKU-2", barcodes=("222",))
    make_sku("SKU-3", barcodes=("333",))
    warehouse = make_warehouse()
    first = put_stock(make_bin(warehouse), one, 5)
    second = put_stock(make_bin(warehouse, "A-01-02-1"), two, 1)
    order = make_order(status="approved", lines=(("SKU-1", 2), ("SKU-2", 3), ("SKU-3", 1)))
    assert services.allocate_orders([order.id])["backorder"] == [order.id]
    order = db.session.get(Order, order.id)
    assert order.status == "backorder"
    assert order.events[-1].reason == "short in HZ1: SKU-2 need 3, available 1; SKU-3 need 1, available 0"
    assert stock_of(db, first) == (5, 0) and stock_of(db, second) == (1, 0)
    assert db.session.scalars(select(Reservation)).all() == []


def test_a_warehouse_that_ships_complete_beats_a_nearer_one_that_cannot(db):
    sku = make_sku()
    near = make_warehouse("SH1", region="上海市")
    far = make_warehouse("GZ1", region="广东省")
    put_stock(make_bin(near), sku, 1)
    put_stock(make_bin(far), sku, 5)
    order = make_order(status="approved", province="上海市", lines=(("SKU-1", 2),))
    services.allocate_orders([order.id])
    assert services.warehouse_of(order.id) == far.id


def test_the_nearest_complete_warehouse_wins_by_the_distance_table_or_by_priority(db):
    sku = make_sku()
    hz = make_warehouse("HZ1", region="浙江省", priority=1)
    sh = make_warehouse("SH1", region="上海市", priority=2)
    put_stock(make_bin(hz), sku, 5)
    put_stock(make_bin(sh), sku, 5)
    services.set_distance(hz.id, "江苏省", 250)
    services.set_distance(sh.id, "江苏省", 100)
    near = make_order(status="approved", external_id="1", province="江苏省")
    services.allocate_orders([near.id])
    assert services.warehouse_of(near.id) == sh.id
    services.set_allocation_settings("priority", False)
    by_priority = make_order(status="approved", external_id="2", province="江苏省")
    services.allocate_orders([by_priority.id])
    assert services.warehouse_of(by_priority.id) == hz.id


def test_orders_not_awaiting_allocation_are_skipped(db):
    sku = make_sku()
    put_stock(make_bin(make_warehouse()), sku, 5)
    order = make_order(status="imported")
    assert services.allocate_orders([order.id, 9999])["skipped"] == [order.id, 9999]
    assert db.session.get(Order, order.id).status == "imported"


def test_allocating_twice_reserves_once(db):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 5)
    order = make_order(status="approved")
    services.allocate_orders([order.id])
    assert services.allocate_orders([order.id])["skipped"] == [order.id]
    assert stock_of(db, item) == (5, 1)


def test_higher_priority_orders_get_the_last_unit_first(db):
    sku = make_sku()
    put_stock(make_bin(make_warehouse()), sku, 1)
    low = make_order(status="approved", external_id="1", priority=0)
    high = make_order(status="approved", external_id="2", priority=5)
    summary = services.allocate_orders([low.id, high.id])
    assert (summary["allocated"], summary["backorder"]) == ([high.id], [low.id])


def test_with_splitting_allowed_an_order_no_warehouse_can_ship_whole_is_split_and_both_parts_allocated(db):
    from wms.inventory.models import OrderAllocation

    one = make_sku("SKU-1", barcodes=("111",))
    two = make_sku("SKU-2", barcodes=("222",))
    hz, sh = make_warehouse("HZ1"), make_warehouse("SH1", region="上海市")
    put_stock(make_bin(hz), one, 2)
    put_stock(make_bin(sh), two, 2)
    services.set_allocation_settings("distance", True)
    order = make_order(status="approved", lines=(("SKU-1", 1), ("SKU-2", 1)))
    summary = services.allocate_orders([order.id])
    assert summary["split"] == [order.id] and summary["backorder"] == []
    parts = db.session.query(Order).order_by(Order.id).all()
    assert [(o.external_id, o.status, [(line.sku_code, line.qty) for line in o.lines]) for o in parts] == [
        (order.external_id, "allocated", [("SKU-1", 1)]), (f"{order.external_id}-S1", "allocated", [("SKU-2", 1)])]
    homes = {a.order_id: a.warehouse_id for a in db.session.query(OrderAllocation)}
    assert homes == {parts[0].id: hz.id, parts[1].id: sh.id}
    assert "can ship split: HZ1 (1 pcs); SH1 (1 pcs)" in " ".join(e.reason for e in parts[0].events)


def test_without_splitting_the_order_waits_as_a_backorder_with_its_split_plan(db):
    one = make_sku("SKU-1", barcodes=("111",))
    two = make_sku("SKU-2", barcodes=("222",))
    hz, sh = make_warehouse("HZ1"), make_warehouse("SH1", region="上海市")
    put_stock(make_bin(hz), one, 2)
    put_stock(make_bin(sh), two, 2)
    order = make_order(status="approved", lines=(("SKU-1", 1), ("SKU-2", 1)))
    summary = services.allocate_orders([order.id])
    assert summary["backorder"] == [order.id] and summary["split"] == []
    assert db.session.query(Order).count() == 1


def test_release_gives_back_every_unit_and_is_idempotent(db):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 5)
    order = make_order(status="approved", lines=(("SKU-1", 3),))
    services.allocate_orders([order.id])
    order = db.session.get(Order, order.id)
    order.transition_to("cancelled", reason="buyer cancelled")
    assert services.release_reservation(order.id, "buyer cancelled") == 3
    assert services.release_reservation(order.id, "buyer cancelled") == 0
    assert stock_of(db, item) == (5, 0)
    assert db.session.scalars(select(Reservation)).all() == []
    assert db.session.scalars(select(OrderAllocation)).all() == []
    order = db.session.get(Order, order.id)
    assert order.status == "cancelled"
    assert [e.reason for e in order.events if e.kind == "stock"] == ["stock released (3 pcs): buyer cancelled"]


def test_a_held_order_can_be_allocated_again_after_release(db):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 1)
    order = make_order(status="approved")
    services.allocate_orders([order.id])
    order = db.session.get(Order, order.id)
    order.transition_to("on_hold", reason="address")
    services.release_reservation(order.id, "on hold")
    order.transition_to("approved", reason="fixed")
    db.session.commit()
    assert services.allocate_orders([order.id])["allocated"] == [order.id]
    assert stock_of(db, item) == (1, 1)


def test_shipping_consumes_the_reservation_and_writes_the_ledger(db):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 5)
    order = make_order(status="approved", lines=(("SKU-1", 2),))
    services.allocate_orders([order.id])
    assert services.consume_reservation(order.id) == 2
    assert services.consume_reservation(order.id) == 0
    assert stock_of(db, item) == (3, 0)
    assert services.recompute_on_hand() == []
