"""History for the statement-count tests: `n` of everything a list page shows (orders with parcels,
tracking, write-backs, intercepts, returns, stock rows, held orders), each batch numbered apart."""
from tests.builders import make_channel, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.aftersales.models import Intercept, ReturnLine, ReturnReceipt
from wms.extensions import db
from wms.orders.models import Channel, Order, OrderLine
from wms.review.models import OrderHoldCode
from wms.shipping.models import Parcel
from wms.tracking.models import TrackedParcel, WritebackTask


def history(n, start=0):
    """`n` rows of each kind, numbered from `start` (call again with start=n to add more)."""
    channel = db.session.query(Channel).first() or make_channel()
    warehouse = make_warehouse(code=f"W{start}")
    for i in range(start, start + n):
        sku = make_sku(code=f"SKU-{i}", barcodes=(f"69{i:011d}",))
        bin_ = make_bin(warehouse, code=f"A-{i:03d}")
        put_stock(bin_, sku, 20)
        _orders(channel, sku, bin_, warehouse, i)
    db.session.commit()


def _order(channel, sku, status, external_id, **fields):
    order = Order(channel_id=channel.id, external_id=external_id, status=status, buyer_name="张三",
                  buyer_phone="13800138000", carrier_code="SF", **fields)
    order.lines.append(OrderLine(sku_id=sku.id, sku_code=sku.code, name=sku.name, qty=1))
    db.session.add(order)
    db.session.flush()
    return order


def _orders(channel, sku, bin_, warehouse, i):
    held = _order(channel, sku, "on_hold", f"H{i}", hold_reasons=[{"code": "address", "detail": ""}])
    db.session.add(OrderHoldCode(order_id=held.id, code="address"))
    _order(channel, sku, "picked", f"P{i}")
    shipped = _order(channel, sku, "shipped", f"S{i}")
    parcel = Parcel(order_id=shipped.id, carrier_code="SF", status="shipped", tracking_number=f"SF{i:08d}")
    failed = _order(channel, sku, "packed", f"F{i}")
    db.session.add_all([parcel, Parcel(order_id=failed.id, carrier_code="SF", status="waybill_failed",
                                       waybill_error="refused")])
    db.session.flush()
    db.session.add_all([
        TrackedParcel(tracking_number=parcel.tracking_number, carrier_code="SF", parcel_id=parcel.id,
                      order_id=shipped.id, last_status="exception", last_description="拒收"),
        WritebackTask(order_id=shipped.id, channel_id=channel.id, carrier_code="SF",
                      tracking_number=parcel.tracking_number, status="failed", last_error="closed"),
        Intercept(order_id=failed.id, state_at_intercept="packed", action="void", status="open")])
    returned = _order(channel, sku, "returned", f"R{i}")
    receipt = ReturnReceipt(order_id=returned.id, warehouse_id=warehouse.id, reference=f"RT{i}")
    receipt.lines.append(ReturnLine(order_line_id=returned.lines[0].id, sku_id=sku.id, qty=1, result="restock",
                                    bin_id=bin_.id))
    db.session.add(receipt)
