"""Seed for the wall end-to-end tests (after the handheld seed, whose warehouse and SKUs it reuses):
a supervisor, a picker holding a task of its own wave, and a wall TV link. Prints what it made as JSON."""
import json

from tests.builders import make_user
from tests.builders_picking import allocated_orders
from tests.e2e.seeding import seeded_app
from wms.dashboard import services as wall
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.orders.models import Channel
from wms.picking import services, waves
from wms.picking.models import PickLine


def seed():
    supervisor = make_user("supervisor", "wallsuper")
    picker = make_user("picker", "wallpicker")
    warehouse = db.session.query(Warehouse).order_by(Warehouse.id).first()
    [order] = allocated_orders([("WALL-1", [("SKU-0", 4)])],
                               channel=db.session.query(Channel).order_by(Channel.id).first())
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    # the wave may also take orders other browser tests left allocated on the shared server: use WALL-1's line
    line = db.session.query(PickLine).filter_by(order_id=order.id).one()
    task = line.task
    services.assign_task(task.id, picker.id, actor=supervisor)
    wall.rebuild_metrics()  # the server's database was seeded before the counters existed in it
    _screen, key = wall.create_screen("E2E TV", actor=supervisor)
    return {"picker": {"username": picker.username, "pin": "482915"}, "supervisor": supervisor.username,
            "key": key, "line": {"id": line.id, "bin": line.bin.barcode, "barcode": line.sku.barcodes[0].barcode,
                                 "qty": line.qty}}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
