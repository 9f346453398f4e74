"""The 店小秘 flow's starting point: a warehouse requesting waybills after allocation, its bins and stock,
a carrier on the Kuaidi100 sandbox, and reviewed orders allocated (有货) or backordered (缺货)."""
from tests.builders import make_channel, make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_packing import make_carrier
from wms.extensions import db
from wms.inventory import services as inventory
from wms.orders.models import Channel, Order


def early_warehouse(code="HZ1", timing="after_allocation", **fields):
    """A warehouse in the 店小秘 flow with a sender address."""
    return make_warehouse(code, waybill_timing=timing, address="浙江省杭州市余杭区仓前街道 8 号", phone="0571-8888",
                          sender_name="杭州仓", **fields)


def stocked(warehouse, stock=(("SKU-A", 10),), start_aisle=0):
    """SKUs with a bin each (aisle by aisle, metres along it growing) holding `qty`; {code: (sku, bin)}."""
    found = {}
    for n, (code, qty) in enumerate(stock):
        sku = make_sku(code, barcodes=(f"69010000{n:05d}",), name=f"商品 {code}", weight_g=300)
        bin_ = make_bin(warehouse, code=f"A-{n:02d}-01-1", aisle=start_aisle + n, position_m=1.0 + n)
        if qty:
            put_stock(bin_, sku, qty)
        found[code] = (sku, bin_)
    return found


def allocated_orders(refs, lines=(("SKU-A", 1),), channel=None, **fields):
    """Reviewed orders sent through allocation: 'allocated' when the stock covers them, else 'backorder'."""
    channel = channel or db.session.query(Channel).first() or make_channel()
    orders = [make_order(channel=channel, external_id=ref, lines=lines, status="approved", carrier_code="SF", **fields)
              for ref in refs]
    inventory.allocate_orders([order.id for order in orders])
    db.session.expire_all()
    return [db.session.get(Order, order.id) for order in orders]


def sandbox_carrier(sandbox, code="SF", **settings):
    return make_carrier(code, settings=sandbox.settings(timeout_s=0.5, **settings))
