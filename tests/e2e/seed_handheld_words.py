"""Seed for the handheld's words test: a warehouse of its own (HWD) whose one bin holds a SKU with a
Chinese name, and per language a picker (their locale) holding a task of their own wave for an order of
their own. Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory.services import allocate_orders
from wms.picking import services, waves
from wms.picking.models import PickTask

SKU, BARCODE, NAME, BIN = "HWD-SKU", "6912345000093", "词语保温杯", "W-01-01-1"


def seed():
    warehouse = make_warehouse(code="HWD", region="江苏省", n_aisles=2, n_blocks=1, aisle_length_m=10.0)
    sku = make_sku(code=SKU, barcodes=(BARCODE,), name=NAME)
    bin_ = make_bin(warehouse, code=BIN, aisle=0, position_m=2.0)
    put_stock(bin_, sku, 10)
    channel = make_channel(code="handheld-words")
    pickers = {}
    for locale, suffix in (("en", "EN"), ("zh_CN", "ZH")):
        picker = make_user("picker", f"words-picker-{suffix.lower()}", locale=locale)
        order = make_order(channel=channel, external_id=f"HWD-{suffix}", lines=[(SKU, 2)], status="approved")
        assert allocate_orders([order.id])["allocated"] == [order.id]
        wave = services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=4), time_budget=0.05)
        task = db.session.query(PickTask).filter_by(wave_id=wave.id).one()
        services.assign_task(task.id, picker.id)
        pickers[locale] = {"badge": f"WMSBADGE:{picker.badge_secret}", "username": picker.username,
                           "name": picker.display_name, "task_id": task.id, "task_code": task.code,
                           "order": order.external_id}
    return {"pickers": pickers, "sku": SKU, "barcode": BARCODE, "name": NAME, "bin": BIN,
            "bin_barcode": bin_.barcode, "warehouse": "HWD"}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
