"""Inventory JSON for the floor: the open count tasks the handheld's counting screen lists.

Handhelds call it with their bearer token (like /api/handheld/*); counting itself is the floor
event `count` (wms/picking/count_events.py), applied exactly once and replayed from the outbox.
"""
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.inventory import services
from wms.inventory.schemas import CountTasks

bp = Blueprint("inventory_api", __name__, url_prefix="/api/inventory",
               description="Inventory for the floor: open count tasks")


@bp.get("/count-tasks")
@allow(roles.FLOOR)
@bp.alt_response(200, schema=CountTasks, success=True)
@openapi.errors(bp, 401, 403)
def count_tasks():
    """The open count tasks, oldest first: bin, SKU (with its barcodes) and what went missing."""
    return {"count_tasks": services.open_count_tasks()}
