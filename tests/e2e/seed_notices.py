"""Seed for the buyer-notices end-to-end test: a store whose buyers hear of a shortage by text, an approved order
of a SKU with no stock, allocated (a backorder: the shortage text goes to the Aliyun SMS sandbox named in the
environment), and with `again` allocated once more (still short: no second text). Prints what it made as JSON."""
import json
import sys

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory.allocating import allocate_orders
from wms.orders.models import Channel, Order


def seed():
    make_user("supervisor", "notices-super")
    make_sku("NOTICE-SKU-1", barcodes=("6909990000011",), name="Notice item")
    store = make_channel("notices-e2e", name="Notices store",
                         settings={"buyer_notices": {"shortage": ["sms"], "shipped": ["email"]}})
    order = make_order(channel=store, external_id="SHORT-E2E-1", lines=(("NOTICE-SKU-1", 2),), status="approved",
                       buyer_phone="13912345678")
    allocate_orders([order.id])
    return {"order_id": order.id, "store_id": store.id}


def again():
    order = db.session.scalar(select(Order).where(Order.external_id == "SHORT-E2E-1"))
    allocate_orders([order.id])
    store = db.session.scalar(select(Channel).where(Channel.code == "notices-e2e"))
    return {"order_id": order.id, "store_id": store.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(again() if sys.argv[1:] == ["again"] else seed()))
