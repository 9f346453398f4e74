"""Returns: received against a shipped order, inspected per line, restocked or written off."""
import pytest
from sqlalchemy import func, select

from tests.builders_handover import make_carrier, shipped_orders
from wms.aftersales import returns
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, StockMovement
from wms.orders import states
from wms.orders.models import Order


@pytest.fixture
def shipped(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    return db.session.get(Order, orders[0].id)


def on_hand(bin_id, sku_code):
    return db.session.scalar(select(func.coalesce(func.sum(StockItem.on_hand), 0)).join(Sku)
                             .where(StockItem.bin_id == bin_id, Sku.code == sku_code))


def test_a_return_restocks_one_line_writes_off_the_other_and_the_order_shows_returned(shipped):
    bin_ = db.session.scalar(select(Bin).order_by(Bin.id))
    sku0, sku1 = shipped.lines
    before = on_hand(bin_.id, "SKU-0")
    receipt = returns.receive_return(shipped.id, [
        {"order_line_id": sku0.id, "qty": 2, "result": "restock", "bin_id": bin_.id},
        {"order_line_id": sku1.id, "qty": 1, "result": "write_off", "reason": "box crushed"},
    ], actor="returns-clerk", reference="SF-RET-1")
    db.session.expire_all()
    assert db.session.get(Order, shipped.id).status == states.RETURNED
    assert on_hand(bin_.id, "SKU-0") == before + 2
    assert db.session.scalar(select(StockMovement.kind).order_by(StockMovement.id.desc())) == "return"
    assert [(line.result, line.qty) for line in receipt.lines] == [("restock", 2), ("write_off", 1)]


def test_bad_lines_are_all_listed_and_nothing_is_booked(shipped):
    sku0, sku1 = shipped.lines
    with pytest.raises(ValidationFailed) as refused:
        returns.receive_return(shipped.id, [
            {"order_line_id": sku0.id, "qty": 3, "result": "restock", "bin_id": None},
            {"order_line_id": sku1.id, "qty": 1, "result": "write_off"},
            {"order_line_id": 999, "qty": 1, "result": "restock"},
        ])
    fields = [(e["line"], e["field"]) for e in refused.value.details["errors"]]
    assert fields == [(1, "qty"), (1, "bin"), (2, "reason"), (3, "order_line_id")]
    db.session.expire_all()
    assert db.session.get(Order, shipped.id).status == states.SHIPPED


def test_more_than_was_shipped_cannot_come_back_across_receipts(shipped):
    sku0 = shipped.lines[0]
    returns.receive_return(shipped.id, [{"order_line_id": sku0.id, "qty": 1, "result": "write_off",
                                         "reason": "stained"}])
    assert [left for _line, left in returns.returnable_lines(shipped.id)] == [1, 1]
    with pytest.raises(ValidationFailed):
        returns.receive_return(shipped.id, [{"order_line_id": sku0.id, "qty": 2, "result": "write_off",
                                             "reason": "stained"}])


def test_an_order_not_shipped_cannot_take_a_return(app):
    from tests.builders import make_order

    order = make_order(status="approved")
    with pytest.raises(ValidationFailed, match="only shipped orders"):
        returns.receive_return(order.id, [])
