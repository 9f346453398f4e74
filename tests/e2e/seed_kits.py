"""Seed the live server for the kits' browser test: a warehouse of its own (no other suite's orders join
its wave) with two SKUs in stock, a kit (组合装) KT-SET of 2 x KT-CUP + 1 x KT-LID, an order selling one
kit and one more lid, allocated and released as a wave whose task goes to the kits' picker; a carrier
on the Kuaidi100 sandbox at KITS_CARRIER_URL, a pack station and its packer. Prints JSON."""
import json
import os

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_kits import make_kit
from tests.builders_packing import make_carrier, make_cartons, make_station
from tests.e2e.seeding import seeded_app
from wms.inventory.services import allocate_orders
from wms.picking import services as picking
from wms.picking import waves
from wms.shipping.carriers import sandbox

CARRIER = "KTX"
SKUS = [("KT-CUP", "6908900000001", "组合测试 杯子"), ("KT-LID", "6908900000002", "组合测试 杯盖")]


def seed():
    make_carrier(CARRIER, name="组合装快递", settings={
        "adapter": "kuaidi100", "api_url": os.environ["KITS_CARRIER_URL"], "poll_url": os.environ["KITS_CARRIER_URL"],
        "key": sandbox.KEY, "secret": sandbox.SECRET, "customer": sandbox.CUSTOMER, "kuaidicom": "shunfeng",
        "timeout_s": 10})
    make_cartons()
    make_station("PS-KT", name="Kit bench")
    warehouse = make_warehouse(code="KTE", name="Kit warehouse", n_aisles=2, n_blocks=1, aisle_length_m=20.0)
    for i, (code, barcode, name) in enumerate(SKUS):
        sku = make_sku(code, barcodes=(barcode,), name=name, weight_g=200, length_mm=100, width_mm=100, height_mm=50)
        put_stock(make_bin(warehouse, code=f"K-{i:02d}-{i:02d}-1", aisle=i, position_m=2.0 + 3 * i), sku, 20)
    make_kit("KT-SET", [("KT-CUP", 2), ("KT-LID", 1)], name="杯子礼盒")
    order = make_order(channel=make_channel(code="kits-e2e", name="组合装店"), external_id="KT-1",
                       lines=(("KT-SET", 1), ("KT-LID", 1)), status="approved", carrier_code=CARRIER)
    summary = allocate_orders([order.id])
    assert summary["allocated"] == [order.id], summary
    wave = picking.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    picker, packer = make_user("picker", "kt-picker"), make_user("packer", "kt-packer")
    (task,) = wave.tasks
    picking.assign_task(task.id, picker.id)
    return {"order_id": order.id, "task_id": task.id, "pin": "482915", "picker": picker.username,
            "packer": packer.username}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
