"""Taking an intercepted order's lines off the floor: pick lines withdrawn, tasks closed when empty.

Part of intercept_order's transaction (no commit). Lines already picked are kept with their
picked_qty, so the answer names what to put back and where.
"""
from sqlalchemy import func, select

from wms import realtime
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory.models import Bin
from wms.picking.models import (
    LINE_CANCELLED, LINE_OPEN, LINE_PICKED, LINE_SHORT, TASK_CANCELLED, TASK_DONE, WAVE_DONE, PickLine, PickTask,
    Wave)
from wms.timeutil import utcnow


def withdraw_pick_lines(order_id, actor=None):
    """Cancel the order's pick lines; ([{"sku", "qty", "bin"}] to put back, {picker ids to tell})."""
    rows = db.session.execute(
        select(PickLine, Sku.code, Bin.code).join(Sku, Sku.id == PickLine.sku_id).join(Bin, Bin.id == PickLine.bin_id)
        .where(PickLine.order_id == order_id, PickLine.status.in_((LINE_OPEN, LINE_PICKED, LINE_SHORT)))
        .order_by(PickLine.seq)).all()
    put_back, task_ids = [], set()
    for line, sku_code, bin_code in rows:
        if line.picked_qty:
            put_back.append({"sku": sku_code, "qty": line.picked_qty, "bin": bin_code})
        if line.status == LINE_OPEN:
            task_ids.add(line.task_id)
        line.status = LINE_CANCELLED
    db.session.flush()
    pickers = set()
    for task in db.session.scalars(select(PickTask).where(PickTask.id.in_(task_ids))):
        if task.picker_id:
            pickers.add(task.picker_id)
        _close_if_empty(task)
    return put_back, pickers


def _close_if_empty(task):
    open_left = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.task_id == task.id, PickLine.status == LINE_OPEN))
    if open_left:
        return
    worked = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.task_id == task.id, PickLine.picked_qty > 0))
    task.status, task.done_at = (TASK_DONE if worked else TASK_CANCELLED), utcnow()
    active = db.session.scalar(select(func.count(PickTask.id)).where(
        PickTask.wave_id == task.wave_id, PickTask.id != task.id,
        PickTask.status.notin_((TASK_DONE, TASK_CANCELLED))))
    if not active:
        wave = db.session.get(Wave, task.wave_id)
        wave.status, wave.done_at = WAVE_DONE, utcnow()
    realtime.publish("task.finished", {"task_id": task.id, "wave_id": task.wave_id},
                     realtime.room_for_role("supervisor"))
