"""Seed for the whole-flow test: a carrier on the Kuaidi100 sandbox of FLOW_SANDBOX_URL (signing its
pushes with a salt), a station whose ZPL printer listens on FLOW_PRINTER_PORT, a SKU in stock, the
people of every step and an integration token. Prints JSON."""
import json
import os

from sqlalchemy import select

from tests.builders import make_channel, make_sku, make_user
from tests.builders_packing import make_carrier, make_station
from tests.e2e.seeding import seeded_app
from wms.auth.services import create_api_token
from wms.extensions import db
from wms.inventory.models import Bin, Warehouse
from wms.inventory.services import receive_stock
from wms.packing.models import CartonType
from wms.shipping.carriers import sandbox

SALT = "flow-salt"


def seed():
    url = os.environ["FLOW_SANDBOX_URL"]
    make_carrier("ZTO", name="中通快递", settings={
        "adapter": "kuaidi100", "api_url": url, "poll_url": url, "key": sandbox.KEY, "secret": sandbox.SECRET,
        "customer": sandbox.CUSTOMER, "kuaidicom": "zhongtong", "timeout_s": 10, "salt": SALT})
    if not db.session.scalar(select(CartonType.id).where(CartonType.code == "F1")):
        db.session.add(CartonType(code="F1", name="流程箱", length_mm=300, width_mm=200, height_mm=150, tare_g=100))
        db.session.commit()
    make_station("PS-FLOW", name="Flow bench", printer_host="127.0.0.1", printer_port=int(os.environ["FLOW_PRINTER_PORT"]))
    sku = make_sku("FLOW-1", barcodes=("6907777000015",), name="流程测试 保温杯", weight_g=300, length_mm=80,
                   width_mm=80, height_mm=200)
    warehouse = db.session.scalar(select(Warehouse).order_by(Warehouse.id))
    bin_ = db.session.scalar(select(Bin).where(Bin.warehouse_id == warehouse.id).order_by(Bin.id.desc()))
    receive_stock(warehouse.id, [(sku.id, bin_.id, 10)], reference="flow")
    make_channel(code="flow", name="流程店")
    people = {role: make_user(role, f"flow-{role}").username for role in ("reviewer", "supervisor", "packer")}
    picker = make_user("picker", "flow-picker", pin="271828")
    _token, plain = create_api_token("flow-import")
    return {"token": plain, "warehouse_id": warehouse.id, "bin": bin_.barcode, "barcode": "6907777000015",
            "picker": {"username": picker.username, "pin": "271828", "id": picker.id}, **people, "salt": SALT}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
