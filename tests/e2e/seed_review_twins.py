"""Seed for the review twins test: a reviewer and two orders of one buyer to one address, reviewed
(approved and flagged as twins). Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.e2e.seeding import seeded_app
from wms.review import services


def seed():
    make_sku("TWIN-SKU", barcodes=("6909990000017",))
    channel = make_channel("twins")
    reviewer = make_user("reviewer", "rev-twins")
    orders = [make_order(channel, external_id=ext, buyer_name="王五", buyer_phone="13700137000",
                         lines=(("TWIN-SKU", 1),)) for ext in ("TW-1", "TW-2")]
    services.review_orders([order.id for order in orders])
    return {"reviewer": reviewer.username, "orders": [order.id for order in orders]}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
