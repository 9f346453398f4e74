"""A small stocked warehouse with allocated orders, for wave and picking tests."""
from tests.builders import make_channel, make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.extensions import db
from wms.inventory.services import allocate_orders


def stocked_warehouse(n_skus=6, n_aisles=4, **warehouse_fields):
    """A 1-block warehouse with one bin per SKU spread over the aisles, 50 units each."""
    warehouse = make_warehouse(n_aisles=n_aisles, n_blocks=1, aisle_length_m=20.0, **warehouse_fields)
    skus = []
    for i in range(n_skus):
        sku = make_sku(code=f"SKU-{i}", barcodes=(f"690000000{i:04d}",), name=f"商品 {i}")
        bin_ = make_bin(warehouse, code=f"A-{i % n_aisles:02d}-{i:02d}-1", aisle=i % n_aisles,
                        position_m=2.0 + 3 * (i // n_aisles))
        put_stock(bin_, sku, 50)
        skus.append(sku)
    return warehouse, skus


def allocated_orders(specs, channel=None):
    """Orders built from [(external_id, [(sku_code, qty)...])], approved and allocated."""
    channel = channel or make_channel()
    orders = [make_order(channel=channel, external_id=ext, lines=lines, status="approved") for ext, lines in specs]
    summary = allocate_orders([o.id for o in orders])
    assert len(summary["allocated"]) == len(orders), summary
    db.session.expire_all()
    return orders
