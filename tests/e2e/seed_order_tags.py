"""Seed for the order tags test: a supervisor, a warehouse stocking two SKUs of its own, and two
imported orders (one to 广东, one to 浙江) waiting on the review desk. Codes unique to this suite
(TAGE2E-...). Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.e2e.seeding import seeded_app


def seed():
    warehouse = make_warehouse("TAGWH", name="标签仓", n_aisles=2, n_blocks=1, aisle_length_m=10.0)
    for i, code in enumerate(("TAGE2E-SKU-1", "TAGE2E-SKU-2")):
        sku = make_sku(code, barcodes=(f"69077700000{i}",), name=f"标签商品 {i}")
        put_stock(make_bin(warehouse, code=f"T-0{i}-01-1", aisle=i, position_m=2.0), sku, 20)
    channel = make_channel("tage2e", name="标签测试店")
    supervisor = make_user("supervisor", "sup-tags")
    south = make_order(channel, external_id="TAGE2E-1", province="广东省", city="深圳市", district="南山区",
                       lines=(("TAGE2E-SKU-1", 1),))
    north = make_order(channel, external_id="TAGE2E-2", buyer_phone="13900139002",
                       lines=(("TAGE2E-SKU-2", 1),))
    return {"supervisor": supervisor.username, "warehouse": warehouse.id, "south": south.id, "north": north.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
