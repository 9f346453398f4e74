"""The demo `make run` seeds gives the carrier rules something to decide (issue 18 item 5): its domestic
carriers have regions and prices, so the choice depends on where the parcel goes and when; one
international route (4PX) takes parcels abroad; the warehouses have a real sender address."""
from datetime import datetime

from sqlalchemy import select

from wms import demo
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.shipping import carrier_services, rules
from wms.shipping.models import Carrier

TZ = "Asia/Shanghai"
MORNING = datetime(2026, 12, 7, 2, 0)    # 10:00 in Shanghai: every truck still leaves today
LATE = datetime(2026, 12, 7, 9, 45)     # 17:45 local: ZTO (16:00) and YTO (17:30) have left, SF (18:00) not


def choose(province, when=MORNING, weight_g=800, country="CN"):
    return rules.choose(rules.Shipment(province, weight_g, country=country), carrier_services.carrier_options(), when, TZ)


def test_the_demo_carriers_have_regions_and_prices_so_the_choice_depends_on_the_destination_and_the_hour(app):
    demo.seed(n_skus=30, n_orders=20)
    carriers = {c.code: c.settings for c in db.session.scalars(select(Carrier))}
    assert all(carriers[code].get("base_cents") for code in ("SF", "YTO", "ZTO", "4PX"))
    assert carriers["ZTO"]["regions"] and "西藏自治区" in carriers["YTO"]["excluded"]
    east, south, tibet = choose("浙江省"), choose("广东省"), choose("西藏自治区")
    assert (east.code, south.code, tibet.code) == ("ZTO", "YTO", "SF")
    assert east.cost_cents == 500 and south.cost_cents == 800 and tibet.cost_cents == 1800
    assert [code for code, _cost, _today in east.ranked] == ["ZTO", "YTO", "SF"]
    late = choose("浙江省", when=LATE)
    assert late.code == "SF" and late.reason == "cheapest that still ships today"
    assert choose("浙江省", weight_g=25000).code == "YTO"   # over ZTO's heaviest parcel
    abroad = choose("Berlin", country="DE")
    assert abroad.code == "4PX" and abroad.cost_cents == 4500
    assert choose("Brasília", country="BR").code is None
    for warehouse in db.session.scalars(select(Warehouse)):
        assert warehouse.address.startswith(warehouse.region) and "号" in warehouse.address and warehouse.phone
