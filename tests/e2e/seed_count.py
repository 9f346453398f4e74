"""Seed the live server for the count-task test: a warehouse of its own whose one bin holds the only
stock of its SKU, an order allocated there and waved, its task assigned to a picker. Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory.services import allocate_orders
from wms.picking import services, waves
from wms.picking.models import PickTask


def seed():
    warehouse = make_warehouse(code="CNT", region="江苏省", n_aisles=2, n_blocks=1, aisle_length_m=10.0)
    sku = make_sku(code="CNT-SKU", barcodes=("6912345000017",), name="盘点商品")
    bin_ = make_bin(warehouse, code="C-01-01-1", aisle=0, position_m=2.0)
    put_stock(bin_, sku, 4)
    picker = make_user("picker", "count-picker")
    make_user("reviewer", "count-review")
    order = make_order(channel=make_channel(code="count-e2e"), external_id="CNT-1", lines=[("CNT-SKU", 3)],
                       status="approved")
    assert allocate_orders([order.id])["allocated"] == [order.id]
    wave = services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=4), time_budget=0.05)
    task = db.session.query(PickTask).filter_by(wave_id=wave.id).one()
    services.assign_task(task.id, picker.id)
    return {"badge": f"WMSBADGE:{picker.badge_secret}", "order_id": order.id, "task_id": task.id,
            "bin": bin_.code, "bin_barcode": bin_.barcode, "sku": sku.code, "barcode": "6912345000017"}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
