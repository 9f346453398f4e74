"""A released wave with a task assigned to a picker, ready for handheld events."""
import uuid

from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.picking import services
from wms.picking.models import PickTask


def assigned_task(specs=(("H1", [("SKU-0", 3), ("SKU-1", 1)]),), picker=None, tote_slots=8):
    from wms.picking import waves

    warehouse, skus = stocked_warehouse()
    allocated_orders(list(specs))
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=tote_slots), time_budget=0.05)
    picker = picker or make_user("picker", "picker1")
    task = services.assign_next_task(picker, "dev-1")
    db.session.expire_all()
    return db.session.get(PickTask, task.id), picker


def pick_event(line, qty=1, barcode=None, bin_code=None, **extra):
    return {"uuid": str(uuid.uuid4()), "kind": "pick", "line_id": line.id, "qty": qty, "seq": 1,
            "bin": bin_code or line.bin.barcode, "barcode": barcode or line.sku.barcodes[0].barcode, **extra}


def short_event(line, found, reason="empty bin"):
    return {"uuid": str(uuid.uuid4()), "kind": "short", "line_id": line.id, "found": found, "reason": reason, "seq": 1}
