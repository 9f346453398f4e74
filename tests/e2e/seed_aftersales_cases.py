"""Seed for the after-sales cases end-to-end test (codes of its own so other suites are unaffected): a supervisor,
a store, four SKUs, bins to restock into, a delivered order of two SKUs (returns and an exchange), an order
allocated from the only stock of its SKU (intercepted before shipping and refunded) and another delivered order
whose missing item is in stock (re-shipped). Prints what it made as JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.e2e.seeding import seeded_app
from wms.inventory.services import allocate_orders


def seed():
    make_user("supervisor", "cases-super")
    make_sku("CASE-SKU-1", barcodes=("6909990000211",), name="Case item one")
    make_sku("CASE-SKU-2", barcodes=("6909990000228",), name="Case item two")
    kept = make_sku("CASE-SKU-3", barcodes=("6909990000235",), name="Case item three")
    missing = make_sku("CASE-SKU-4", barcodes=("6909990000242",), name="Case item four")
    warehouse = make_warehouse("CASE-WH")
    make_bin(warehouse, code="CASE-B-01")
    make_bin(warehouse, code="CASE-B-03")
    stock = put_stock(make_bin(warehouse, code="CASE-B-02"), kept, 3)
    put_stock(make_bin(warehouse, code="CASE-B-04"), missing, 2)
    store = make_channel("cases-e2e", name="Cases store")
    order = make_order(channel=store, external_id="CASE-E2E-1", lines=(("CASE-SKU-1", 2), ("CASE-SKU-2", 1)),
                       status="delivered", total_cents=9900)
    allocated = make_order(channel=store, external_id="CASE-E2E-2", lines=(("CASE-SKU-3", 2),), status="approved",
                           total_cents=6600)
    assert allocate_orders([allocated.id])["allocated"] == [allocated.id]
    reshipped = make_order(channel=store, external_id="CASE-E2E-3", lines=(("CASE-SKU-1", 1), ("CASE-SKU-4", 1)),
                           status="delivered", total_cents=6600)
    return {"order_id": order.id, "store_id": store.id, "allocated_id": allocated.id, "stock_item_id": stock.id,
            "reshipped_id": reshipped.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
