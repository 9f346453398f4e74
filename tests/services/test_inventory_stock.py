"""Receiving, adjustments, cycle counts, the ledger, and the database's own stock constraints."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.builders import make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.errors import InsufficientStock, NotFound, ValidationFailed
from wms.inventory import services
from wms.inventory.models import Bin, StockItem, StockMovement
from wms.orders.models import Order


def stock_of(db, item):
    db.session.expire_all()
    row = db.session.get(StockItem, item.id)
    return row.on_hand, row.reserved


def test_a_receipt_books_stock_into_bins_with_a_ledger_row_each(db):
    sku = make_sku()
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    clerk = make_user("admin")
    result = services.receive_stock(warehouse.id, [(sku.id, bin_.id, 4), (sku.id, bin_.id, 2)], "PO-7", clerk)
    assert (result["lines"], result["qty"]) == (1, 6)
    item = db.session.scalar(select(StockItem))
    assert (item.on_hand, item.reserved) == (6, 0)
    movement = db.session.scalar(select(StockMovement))
    assert (movement.kind, movement.qty, movement.reference, movement.actor_name) == ("receive", 6, "PO-7", "admin1")


def test_a_bad_receipt_lists_every_bad_line_and_books_nothing(db):
    sku = make_sku()
    warehouse = make_warehouse()
    other = make_bin(make_warehouse("SH1"), code="B-01-01-1")
    bin_ = make_bin(warehouse)
    with pytest.raises(ValidationFailed) as caught:
        services.receive_stock(warehouse.id, [(sku.id, bin_.id, 1), (999, bin_.id, 1),
                                              (sku.id, other.id, 1), (sku.id, bin_.id, 0)], "PO-8")
    assert [(e["line"], e["field"]) for e in caught.value.details["errors"]] == [(2, "sku"), (3, "bin"), (4, "qty")]
    assert db.session.scalars(select(StockItem)).all() == []
    assert db.session.scalars(select(StockMovement)).all() == []


def test_a_receipt_releases_backorders_highest_priority_then_oldest_first(db):
    sku = make_sku()
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    older = make_order(status="approved", external_id="1", lines=(("SKU-1", 2),))
    urgent = make_order(status="approved", external_id="2", priority=9, lines=(("SKU-1", 2),))
    newer = make_order(status="approved", external_id="3", lines=(("SKU-1", 2),))
    services.allocate_orders([older.id, urgent.id, newer.id])
    result = services.receive_stock(warehouse.id, [(sku.id, bin_.id, 4)], "PO-9")
    assert result["released"] == [urgent.id, older.id]
    statuses = {o.id: o.status for o in db.session.scalars(select(Order))}
    assert statuses == {older.id: "allocated", urgent.id: "allocated", newer.id: "backorder"}
    assert services.available(sku.id)["available"] == 0


def test_an_adjustment_needs_a_reason_and_never_takes_reserved_stock(db):
    sku = make_sku()
    bin_ = make_bin(make_warehouse())
    item = put_stock(bin_, sku, 5)
    make_order(status="approved")
    services.allocate_orders([1])
    with pytest.raises(ValidationFailed):
        services.adjust_stock(bin_.id, sku.id, -1, "  ")
    with pytest.raises(InsufficientStock) as caught:
        services.adjust_stock(bin_.id, sku.id, -5, "damaged")
    assert caught.value.details == {"on_hand": 5, "reserved": 1}
    assert stock_of(db, item) == (5, 1)
    services.adjust_stock(bin_.id, sku.id, -4, "damaged")
    assert stock_of(db, item) == (1, 1)
    assert db.session.scalars(select(StockMovement.kind).order_by(StockMovement.id)).all() == ["receive", "adjust"]


def test_a_cycle_count_becomes_on_hand_through_a_count_movement(db):
    one, two = make_sku("SKU-1", barcodes=("1",)), make_sku("SKU-2", barcodes=("2",))
    bin_ = make_bin(make_warehouse())
    item = put_stock(bin_, one, 5)
    assert services.count_bin(bin_.id, {one.id: 3, two.id: 2}) == {one.id: 3, two.id: 2}
    assert stock_of(db, item) == (3, 0)
    counts = db.session.execute(select(StockMovement.sku_id, StockMovement.qty)
                                .where(StockMovement.kind == "count").order_by(StockMovement.sku_id)).all()
    assert [tuple(c) for c in counts] == [(one.id, -2), (two.id, 2)]
    assert services.recompute_on_hand() == []


def test_a_count_below_reserved_is_refused_naming_the_orders_and_changes_nothing(db):
    one, two = make_sku("SKU-1", barcodes=("1",)), make_sku("SKU-2", barcodes=("2",))
    bin_ = make_bin(make_warehouse())
    first, second = put_stock(bin_, one, 5), put_stock(bin_, two, 5)
    order = make_order(status="approved", lines=(("SKU-1", 3),))
    services.allocate_orders([order.id])
    with pytest.raises(InsufficientStock) as caught:
        services.count_bin(bin_.id, {one.id: 2, two.id: 4})
    assert caught.value.details["shortages"] == [{"sku_id": one.id, "counted": 2, "reserved": 3,
                                                  "orders": [order.id]}]
    assert stock_of(db, first) == (5, 3) and stock_of(db, second) == (5, 0)
    assert db.session.scalars(select(StockMovement).where(StockMovement.kind == "count")).all() == []


def test_bad_counts_and_unknown_bins_are_clear_errors(db):
    sku = make_sku()
    bin_ = make_bin(make_warehouse())
    with pytest.raises(ValidationFailed):
        services.count_bin(bin_.id, {sku.id: -1})
    with pytest.raises(ValidationFailed):
        services.count_bin(bin_.id, {})
    with pytest.raises(NotFound):
        services.count_bin(999, {sku.id: 1})


def test_the_ledger_recomputes_to_on_hand_and_spots_a_tampered_row(db):
    sku = make_sku()
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    services.receive_stock(warehouse.id, [(sku.id, bin_.id, 10)], "PO-1")
    order = make_order(status="approved", lines=(("SKU-1", 4),))
    services.allocate_orders([order.id])
    services.consume_reservation(order.id)
    services.adjust_stock(bin_.id, sku.id, -1, "broken")
    services.count_bin(bin_.id, {sku.id: 4})
    assert services.recompute_on_hand() == []
    db.session.execute(text("UPDATE stock_items SET on_hand = 9"))
    db.session.commit()
    assert services.recompute_on_hand() == [{"bin_id": bin_.id, "sku_id": sku.id, "on_hand": 9, "ledger": 4}]


@pytest.mark.parametrize("statement", [
    "UPDATE stock_items SET reserved = on_hand + 1",
    "UPDATE stock_items SET on_hand = -1, reserved = 0",
    "UPDATE stock_items SET reserved = -1",
])
def test_the_database_refuses_stock_that_would_make_available_negative(db, statement):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 2, reserved=1)
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert stock_of(db, item) == (2, 1)


def test_available_sums_per_warehouse(db):
    sku = make_sku()
    put_stock(make_bin(make_warehouse("HZ1")), sku, 3, reserved=1)
    put_stock(make_bin(make_warehouse("SH1")), sku, 2)
    summary = services.available(sku.id)
    assert (summary["on_hand"], summary["reserved"], summary["available"]) == (5, 1, 4)
    assert [(w["warehouse"], w["available"]) for w in summary["warehouses"]] == [("HZ1", 2), ("SH1", 2)]


def test_taking_stock_out_of_a_bin_that_never_held_the_sku_is_refused_cleanly(db):
    """The adjustment makes the bin's row for the SKU, finds nothing to take, and rolls back: the refusal still
    says what was there (nothing), and no row or ledger entry is left behind."""
    sku = make_sku()
    bin_ = make_bin(make_warehouse())
    with pytest.raises(InsufficientStock) as caught:
        services.adjust_stock(bin_.id, sku.id, -2, "found short")
    assert caught.value.details == {"on_hand": 0, "reserved": 0}
    assert db.session.scalars(select(StockItem)).all() == []
    assert db.session.scalars(select(StockMovement)).all() == []
