"""Seed the live server's database for the handheld end-to-end tests; prints what it made as JSON.

Run by tests/e2e/conftest.py as `python -m tests.e2e.seed_handheld` with the live server's
environment, through the real services: a stocked warehouse, users with PINs and badges, orders
approved and allocated, and two released waves (open pick tasks nobody holds yet).
"""
import json

from tests.builders import make_channel, make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.picking import services, waves
from wms.picking.models import PickTask

# Released first, so "get work" claims its task (the oldest open one).
WAVE_WORK = [("E2E-3", [("SKU-4", 1), ("SKU-5", 2)]), ("E2E-4", [("SKU-4", 1), ("SKU-5", 1)])]
# Assigned by a supervisor during a test, so the handheld gets it by a push.
WAVE_PUSH = [("E2E-1", [("SKU-0", 3), ("SKU-1", 6)]), ("E2E-2", [("SKU-2", 2), ("SKU-3", 1)])]
# Taken away from a picker while their handheld is offline.
WAVE_WITHDRAW = [("E2E-5", [("SKU-2", 1), ("SKU-3", 1)])]


def _release(warehouse, specs, channel):
    allocated_orders(specs, channel=channel)
    wave = services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    return [_task_json(task) for task in db.session.query(PickTask).filter_by(wave_id=wave.id).order_by(PickTask.id)]


def _task_json(task):
    return {"id": task.id, "code": task.code, "version": task.version,
            "lines": [{"id": line.id, "qty": line.qty, "order": line.order.external_id,
                       "bin": line.bin.code, "bin_barcode": line.bin.barcode, "sku": line.sku.code,
                       "barcodes": [b.barcode for b in line.sku.barcodes]} for line in task.lines]}


def seed():
    warehouse, skus = stocked_warehouse()
    skus[0].image_url = "/static/handheld/icons/icon-192.png"
    db.session.commit()
    users = {name: make_user(role, name, locale=locale) for name, role, locale in (
        ("picker1", "picker", "en"), ("picker2", "picker", "zh_CN"), ("picker3", "picker", "en"),
        ("picker4", "picker", "en"),
        ("super1", "supervisor", "en"), ("review1", "reviewer", "en"))}
    channel = make_channel()
    return {"users": {name: {"id": user.id, "badge": f"WMSBADGE:{user.badge_secret}", "pin": "482915",
                             "password": "secret-pass"} for name, user in users.items()},
            "wave_work": _release(warehouse, WAVE_WORK, channel),
            "wave_push": _release(warehouse, WAVE_PUSH, channel),
            "wave_withdraw": _release(warehouse, WAVE_WITHDRAW, channel)}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
