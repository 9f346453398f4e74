"""Seed for the gift rules test: a supervisor, a store, a SKU bought and a gift SKU, and three imported
orders of that SKU waiting on the review desk. Codes unique to this suite (GIFTE2E-...), so the rule the
test makes gives nothing to other suites' orders. Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.e2e.seeding import seeded_app


def seed():
    make_sku("GIFTE2E-SKU-1", barcodes=("6907780000011",), name="赠品测试茶")
    make_sku("GIFTE2E-CUP", barcodes=("6907780000028",), name="赠品测试杯")
    channel = make_channel("gifte2e", name="赠品测试店")
    supervisor = make_user("supervisor", "sup-gifts")
    orders = [make_order(channel, external_id=f"GIFTE2E-{n}", buyer_phone=f"1390013910{n}",
                         lines=(("GIFTE2E-SKU-1", 2),)) for n in (1, 2)]
    return {"supervisor": supervisor.username, "channel": channel.id, "orders": [o.id for o in orders]}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
