"""Seed the live server for the put wall's browser test: a warehouse of its own (so no other suite's
allocated orders join its wave) with four SKUs in stock, four allocated orders, a 2 x 3 put wall
whose lights are the sandbox controller at PUTWALL_LIGHTS_URL, a carrier on the Kuaidi100 sandbox at
PUTWALL_CARRIER_URL, a pack station and the people of each step. Prints JSON.

`python -m tests.e2e.seed_putwall cancel <order>`: the platform cancels the order while it sits in
its slot (wms.aftersales.services.intercept_order, what a channel sync calls); prints JSON.
"""
import json
import os
import sys

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_packing import make_carrier, make_cartons, make_station
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory.services import allocate_orders
from wms.orders.models import Order
from wms.putwall import wall_setup
from wms.shipping.carriers import sandbox

CARRIER = "PWX"
SKUS = [("PW-0", "6908800000001"), ("PW-1", "6908800000002"), ("PW-2", "6908800000003"), ("PW-3", "6908800000004")]
# Released in this order: each gets the next slot (A01, A02, A03, B01).
ORDERS = [("PW-1", [("PW-0", 2), ("PW-1", 1)]),     # completed at the wall, packed at the station
          ("PW-2", [("PW-0", 1)]),                  # completed at the wall
          ("PW-3", [("PW-2", 1), ("PW-0", 1)]),     # cancelled while in its slot: red, emptied, cleared
          ("PW-4", [("PW-3", 1)])]                  # sorted while the wall screen is offline


def seed():
    make_carrier(CARRIER, name="播种墙快递", settings={
        "adapter": "kuaidi100", "api_url": os.environ["PUTWALL_CARRIER_URL"], "poll_url": os.environ["PUTWALL_CARRIER_URL"],
        "key": sandbox.KEY, "secret": sandbox.SECRET, "customer": sandbox.CUSTOMER, "kuaidicom": "shunfeng",
        "timeout_s": 10})
    make_cartons()
    make_station("PS-PW", name="Put wall bench")
    warehouse = make_warehouse(code="PWE", name="Put wall warehouse", n_aisles=2, n_blocks=1, aisle_length_m=20.0)
    for i, (code, barcode) in enumerate(SKUS):
        sku = make_sku(code, barcodes=(barcode,), name=f"播种测试 {i}", weight_g=200, length_mm=100, width_mm=100,
                       height_mm=50)
        put_stock(make_bin(warehouse, code=f"P-{i % 2:02d}-{i:02d}-1", aisle=i % 2, position_m=2.0 + 3 * i), sku, 20)
    channel = make_channel(code="putwall-e2e", name="播种店")
    orders = [make_order(channel=channel, external_id=ref, lines=lines, status="approved", carrier_code=CARRIER)
              for ref, lines in ORDERS]
    summary = allocate_orders([o.id for o in orders])
    assert len(summary["allocated"]) == len(orders), summary
    wall = wall_setup.save_wall({"code": "PWE", "name": "播种墙 E2E", "warehouse_id": str(warehouse.id), "rows": "2",
                                 "columns": "3", "light_url": os.environ["PUTWALL_LIGHTS_URL"]})
    people = {name: make_user(role, name, locale=locale) for name, role, locale in (
        ("pw-super", "supervisor", "en"), ("pw-picker", "picker", "en"), ("pw-packer", "packer", "en"),
        ("pw-packer-zh", "packer", "zh_CN"))}
    return {"wall_id": wall.id, "warehouse_id": warehouse.id, "pin": "482915",
            "users": {name: user.id for name, user in people.items()},
            "skus": {code: barcode for code, barcode in SKUS}}


def cancel(external_id):
    from wms.aftersales.services import intercept_order

    order_id = db.session.scalar(select(Order.id).where(Order.external_id == external_id))
    intercept = intercept_order(order_id, reason="买家在平台取消了订单", source="channel")
    return {"order_id": order_id, "action": intercept.action}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(cancel(sys.argv[2]) if sys.argv[1:2] == ["cancel"] else seed()))
