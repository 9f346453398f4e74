"""The handheld's count confirmation: event kind `count` (bin scanned, SKU scanned, quantity counted),
applied exactly once through wms.picking.floor like a pick (registered in wms/picking/sockets.py).

The bin's stock becomes what the counter found plus what pickers already took out of it for orders
not shipped yet (the picking side knows those lines); the rest is wms.inventory.counts.settle_count.
"""
from sqlalchemy import func, select

from wms import realtime
from wms.extensions import db
from wms.inventory import services as inventory
from wms.inventory.models import COUNT_DONE, COUNT_OPEN, Reservation
from wms.picking import event_shape
from wms.picking.floor_answers import Rejected
from wms.picking.messages import message
from wms.picking.models import LINE_OPEN, LINE_PICKED, PickLine

MESSAGES = {
    "count_recorded": "Count recorded: {qty} x {sku} in bin {bin}",
    "unknown_count": "Unknown count task",
    "count_closed": "{sku} in bin {bin} was already counted",
    "bad_count": "A count must be a whole number from 0 to {max}",
}
FIELDS = {"count_id": event_shape.ID, "qty": event_shape.Int(), "bin": event_shape.Text(64),
          "barcode": event_shape.Text(128)}


def count(user, event):
    """A count task confirmed: the bin and SKU re-checked, the stock set through the ledger, the
    backorders it covers retried after the commit."""
    task_id = event.get("count_id")
    task = inventory.count_task_for_scan(task_id) if isinstance(task_id, int) and not isinstance(task_id, bool) else None
    if task is None:
        raise Rejected("unknown_count")
    where = {"sku": task["sku_code"], "bin": task["bin_code"]}
    if task["status"] != COUNT_OPEN:
        raise Rejected("count_closed", **where)
    scanned_bin, scanned = str(event.get("bin") or "").strip(), str(event.get("barcode") or "").strip()
    if scanned_bin not in (task["bin_code"], task["bin_barcode"]):
        raise Rejected("wrong_bin", scanned=scanned_bin or "-", expected=task["bin_code"])
    if scanned != task["sku_code"] and scanned not in task["barcodes"]:
        raise Rejected("wrong_sku", scanned=scanned or "-", sku=task["sku_code"], name=task["sku_name"])
    qty = event.get("qty")
    if not isinstance(qty, int) or isinstance(qty, bool) or not 0 <= qty <= inventory.MAX_QTY:
        raise Rejected("bad_count", max=inventory.MAX_QTY)
    done = inventory.settle_count(task["id"], qty, _picked_not_shipped(task["bin_id"], task["sku_id"]), actor=user)
    if done is None:  # counted by someone else a moment ago
        raise Rejected("count_closed", **where)
    payload = {"count_id": task["id"], **where, "counted": qty, "on_hand": done["on_hand"]}
    for role in ("supervisor", "picker"):
        realtime.publish("count.done", payload, realtime.room_for_role(role))
    return {"code": "count_recorded", "message": message("count_recorded", qty=qty, **where),
            "count": {"id": task["id"], "status": COUNT_DONE, "counted": qty, "on_hand": done["on_hand"]}}


def _picked_not_shipped(bin_id, sku_id):
    """Units of the SKU already picked out of the bin for orders that still hold their reservation."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(PickLine.picked_qty), 0))
        .join(Reservation, Reservation.id == PickLine.reservation_id)
        .where(PickLine.bin_id == bin_id, PickLine.sku_id == sku_id,
               PickLine.status.in_((LINE_OPEN, LINE_PICKED)))) or 0)
