"""Seed for the 店小秘 flow's browser test: carrier EFSF on the Kuaidi100 sandbox of EARLY_SANDBOX_URL,
EF4PX on the 4PX sandbox of FOURPX_SANDBOX_URL (parcels to Germany), a station whose PC runs the print
component at PRINT_COMPONENT_URL, SKUs in two bins of the shared warehouse (EF-2 out of stock, EF-X
with customs data lacking its English name), and reviewed orders sent through allocation: E-1 and E-3
in stock (E-3 without any address: the carrier refuses it), E-2 a backorder, X-1 abroad. The
warehouse still requests its waybills at seal: the test switches it. Prints JSON."""
import json
import os

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_packing import make_cartons, make_carrier, make_station
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory.models import Bin, Warehouse
from wms.inventory.services import allocate_orders, receive_stock
from wms.shipping.carriers import sandbox
from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox
from wms.shipping.print_sandbox import TEMPLATE_URL


def seed():
    url = os.environ["EARLY_SANDBOX_URL"]
    make_carrier("EFSF", name="顺丰速运", settings={
        "adapter": "kuaidi100", "api_url": url, "poll_url": url, "key": sandbox.KEY, "secret": sandbox.SECRET,
        "customer": sandbox.CUSTOMER, "kuaidicom": "shunfeng", "timeout_s": 10})
    make_carrier("EF4PX", name="递四方 4PX", settings={**FourPxSandbox.settings_for(os.environ["FOURPX_SANDBOX_URL"]),
                                                      "international": True, "countries": ["DE"], "timeout_s": 10})
    make_cartons()
    make_station("PS-EARLY", name="Early bench", print_component_url=os.environ["PRINT_COMPONENT_URL"],
                 print_component_template=TEMPLATE_URL)
    warehouse = db.session.scalar(select(Warehouse).order_by(Warehouse.id))
    bins = db.session.scalars(select(Bin).where(Bin.warehouse_id == warehouse.id).order_by(Bin.id.desc())).all()
    near, far = bins[3], bins[-4]   # two places on the walk, apart
    skus = {code: make_sku(code, barcodes=(barcode,), name=name, weight_g=300)
            for code, barcode, name in (("EF-1", "6908888000011", "早单 保温杯"), ("EF-2", "6908888000028", "早单 数据线"),
                                        ("EF-X", "6908888000035", "早单 帆布包"))}
    skus["EF-X"].customs_name_cn, skus["EF-X"].hs_code = "帆布包", "420222"
    skus["EF-X"].declared_value_cents, skus["EF-X"].material = 800, "cotton canvas"
    skus["EF-X"].origin_country = "CN"
    db.session.commit()
    receive_stock(warehouse.id, [(skus["EF-1"].id, far.id, 10), (skus["EF-X"].id, far.id, 5)], reference="early-e2e")
    channel = make_channel(code="early-e2e", name="早单店")
    orders = [make_order(channel=channel, external_id="E-1", lines=(("EF-1", 1),), status="approved", carrier_code="EFSF"),
              make_order(channel=channel, external_id="E-2", lines=(("EF-2", 1),), status="approved", carrier_code="EFSF"),
              make_order(channel=channel, external_id="E-3", lines=(("EF-1", 1),), status="approved", carrier_code="EFSF",
                         province="", city="", district="", address=""),
              make_order(channel=channel, external_id="X-1", lines=(("EF-X", 1),), status="approved",
                         carrier_code="EF4PX", country="DE", province="Berlin", city="Berlin", district="",
                         address="Hauptstraße 5", postcode="10115", buyer_name="Anna Schmidt",
                         buyer_phone="+49 30 1234567")]
    allocate_orders([order.id for order in orders])
    picker = make_user("picker", "early-picker", pin="314159")
    return {"warehouse_id": warehouse.id, "orders": {order.external_id: order.id for order in orders},
            "bins": {"EF-1": far.barcode, "EF-2": near.barcode, "EF-X": far.barcode},
            "bin_codes": {"EF-2": near.code},
            "picker": {"username": picker.username, "pin": "314159", "id": picker.id},
            **{role: make_user(role, f"early-{role}").username for role in ("admin", "supervisor", "packer")}}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
