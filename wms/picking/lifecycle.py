"""How tasks and waves close, and how an order is taken off the floor. Part of the caller's
transaction (no commit): the handheld's last scan, a short pick, or an after-sales intercept."""
from sqlalchemy import func, select, update

from wms import realtime
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory.models import Bin
from wms.picking.models import (
    LINE_CANCELLED, LINE_OPEN, LINE_PICKED, LINE_SHORT, TASK_CANCELLED, TASK_DONE, WAVE_DONE, PickLine, PickTask,
    Wave)
from wms.timeutil import utcnow


def finish_task_if_done(task_id):
    """No open line left: the task is done (cancelled if nothing was ever picked), and the wave too
    when it was its last active task."""
    open_left = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.task_id == task_id, PickLine.status == LINE_OPEN))
    if open_left:
        return False
    worked = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.task_id == task_id, (PickLine.picked_qty > 0) | (PickLine.status == LINE_SHORT)))
    wave_id = db.session.scalar(select(PickTask.wave_id).where(PickTask.id == task_id))
    db.session.execute(update(PickTask).where(PickTask.id == task_id).values(
        status=TASK_DONE if worked else TASK_CANCELLED, done_at=utcnow(), version=PickTask.version + 1)
        .execution_options(synchronize_session=False))
    active = db.session.scalar(select(func.count(PickTask.id)).where(
        PickTask.wave_id == wave_id, PickTask.status.notin_((TASK_DONE, TASK_CANCELLED))))
    if not active:
        db.session.execute(update(Wave).where(Wave.id == wave_id).values(status=WAVE_DONE, done_at=utcnow()))
    realtime.publish("task.finished", {"task_id": task_id, "wave_id": wave_id}, realtime.room_for_role("supervisor"))
    return True


def withdraw_order(order_id):
    """Cancel the order's pick lines; ([{"sku", "qty", "bin"}] to put back, {picker ids to tell}).

    Lines already picked keep their picked_qty, so the answer names what to put back and where.
    """
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
    pickers = set(db.session.scalars(select(PickTask.picker_id).where(
        PickTask.id.in_(task_ids), PickTask.picker_id.is_not(None))))
    for task_id in sorted(task_ids):
        finish_task_if_done(task_id)
    return put_back, pickers
