"""Seed the live server for the presale browser test: a warehouse of its own with PSE2E-TEA in stock,
a store, a supervisor, an approved presale PSE2E-1 (ships from in two days) and an approved order of
PSE2E-CUP (no stock anywhere: a backorder), both through allocation. Codes unique to this suite.
tests.e2e.seed_presale_release runs the release once its ship-from time has come. Prints JSON."""
import json
from datetime import timedelta

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.e2e.seeding import seeded_app
from wms.inventory import services
from wms.timeutil import utcnow


def seed():
    warehouse = make_warehouse(code="PSE2E", name="Presale warehouse", region="江苏省", priority=900)
    tea = make_sku("PSE2E-TEA", barcodes=("6907790000017",), name="预售测试茶")
    make_sku("PSE2E-CUP", barcodes=("6907790000024",), name="预售测试杯")
    put_stock(make_bin(warehouse, code="P-01-01-1"), tea, 5)
    channel = make_channel("pse2e", name="预售测试店")
    supervisor = make_user("supervisor", "sup-presale")
    presale = make_order(channel, external_id="PSE2E-1", status="approved", buyer_phone="13900139201",
                         lines=(("PSE2E-TEA", 1),), presale_ship_from=utcnow() + timedelta(days=2))
    backorder = make_order(channel, external_id="PSE2E-2", status="approved", buyer_phone="13900139202",
                           lines=(("PSE2E-CUP", 1),))
    summary = services.allocate_orders([presale.id, backorder.id])
    assert summary["presale"] == [presale.id] and summary["backorder"] == [backorder.id], summary
    return {"supervisor": supervisor.username, "channel": channel.id, "presale": presale.id,
            "backorder": backorder.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
