"""Seed for the after-sales cases end-to-end test: a supervisor, a store, two SKUs, a bin to restock into and a
delivered order of both SKUs (codes of its own so other suites are unaffected). Prints what it made as JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse
from tests.e2e.seeding import seeded_app


def seed():
    make_user("supervisor", "cases-super")
    make_sku("CASE-SKU-1", barcodes=("6909990000211",), name="Case item one")
    make_sku("CASE-SKU-2", barcodes=("6909990000228",), name="Case item two")
    warehouse = make_warehouse("CASE-WH")
    make_bin(warehouse, code="CASE-B-01")
    store = make_channel("cases-e2e", name="Cases store")
    order = make_order(channel=store, external_id="CASE-E2E-1", lines=(("CASE-SKU-1", 2), ("CASE-SKU-2", 1)),
                       status="delivered", total_cents=9900)
    return {"order_id": order.id, "store_id": store.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
