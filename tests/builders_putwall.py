"""A put wall with a wave released to it (one pick-all cart), and its floor events."""
import uuid

from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.picking import floor, services as picking
from wms.picking.models import PickLine, PickTask
from wms.putwall import releasing, wall_setup, wall_view

SPECS = (("W1", [("SKU-0", 2), ("SKU-1", 1)]), ("W2", [("SKU-0", 1)]), ("W3", [("SKU-2", 1)]))


def make_wall(warehouse, code="PW1", rows=2, columns=3, light_url=""):
    return wall_setup.save_wall({"code": code, "name": "Wall", "warehouse_id": str(warehouse.id),
                                 "rows": str(rows), "columns": str(columns), "light_url": light_url})


def wall_with_wave(specs=SPECS, rows=2, columns=3, light_url="", picker=None):
    """(wall, wave, task assigned to a picker, picker, orders)."""
    warehouse, _skus = stocked_warehouse()
    orders = allocated_orders(list(specs))
    wall = make_wall(warehouse, rows=rows, columns=columns, light_url=light_url)
    wave = releasing.release_to_wall(wall.id, time_budget=0.05)
    picker = picker or make_user("picker", "picker1")
    task = picking.assign_next_task(picker, "dev-1")
    db.session.expire_all()
    return wall, wave, db.session.get(PickTask, task.id), picker, orders


def pick_everything(task, picker, short=None):
    """Pick every line in full; `short`: {order external id: found} makes that order's first line short."""
    short = dict(short or {})
    lines = [(line.id, line.order.external_id) for line in task.lines]
    for line_id, ref in lines:
        db.session.expire_all()   # the events write with statements: read each line afresh
        line = db.session.get(PickLine, line_id)
        if line.status != "open":
            continue
        if ref in short:
            found = short.pop(ref)
            floor.apply_event(picker, "dev-1", {"uuid": str(uuid.uuid4()), "kind": "short", "line_id": line.id,
                                                "found": found, "reason": "empty", "seq": 1})
            continue
        answer = floor.apply_event(picker, "dev-1", {
            "uuid": str(uuid.uuid4()), "kind": "pick", "line_id": line.id, "qty": line.qty, "seq": 1,
            "bin": line.bin.barcode, "barcode": line.sku.barcodes[0].barcode})
        assert answer["status"] == "accepted", answer
    db.session.expire_all()


def put(user, wall, barcode, event_uuid=None, device="wall-1"):
    return floor.apply_event(user, device, {"uuid": event_uuid or str(uuid.uuid4()), "kind": "wall_put",
                                            "wall": wall.code, "barcode": barcode, "seq": 1})


def clear(user, wall, slot, device="wall-1"):
    return floor.apply_event(user, device, {"uuid": str(uuid.uuid4()), "kind": "wall_clear", "wall": wall.code,
                                            "slot": slot, "seq": 1})


def slots(wall):
    db.session.expire_all()
    return {s["code"]: s for s in wall_view.wall_state(wall.id)["slots"]}
