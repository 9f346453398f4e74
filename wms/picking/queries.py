"""Read-side of picking: wave lists, task detail, pick list PDF data. No writes."""
from sqlalchemy import case, func, select

from wms.auth.models import User
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory.models import Bin, Warehouse
from wms.orders.models import Order, OrderLine
from wms.picking.models import LINE_OPEN, PickLine, PickTask, Wave
from wms.picking.picklist import PickListLine, render_pick_list
from wms.rows import get_or_not_found
from wms.timeutil import to_local, utcnow


def recent_waves(warehouse_id=None, limit=50):
    """Waves, newest first, with line progress (done lines / all lines)."""
    done = func.sum(case((PickLine.status != LINE_OPEN, 1), else_=0))
    query = (select(Wave, func.count(PickLine.id), done)
             .outerjoin(PickTask, PickTask.wave_id == Wave.id).outerjoin(PickLine, PickLine.task_id == PickTask.id)
             .group_by(Wave.id).order_by(Wave.id.desc()).limit(limit))
    if warehouse_id:
        query = query.where(Wave.warehouse_id == warehouse_id)
    return [{"wave": wave, "lines": lines or 0, "done": int(done_ or 0)}
            for wave, lines, done_ in db.session.execute(query).all()]


def wave_with_tasks(wave_id):
    wave = get_or_not_found(Wave, wave_id, "No such wave")
    done = func.sum(case((PickLine.status != LINE_OPEN, 1), else_=0))
    rows = db.session.execute(
        select(PickTask, func.count(PickLine.id), done).outerjoin(PickLine, PickLine.task_id == PickTask.id)
        .where(PickTask.wave_id == wave_id).group_by(PickTask.id).order_by(PickTask.id)).all()
    return wave, [{"task": task, "lines": n or 0, "done": int(d or 0)} for task, n, d in rows]


def pickers():
    return db.session.scalars(select(User).where(User.role == "picker", User.active.is_(True))
                              .order_by(User.display_name)).all()


GIFT_MARK = "赠品 Gift · "   # before a gift line's item name on the paper list (bilingual, as its headings)


def pick_list_pdf(task_id, tz_name):
    """(filename, PDF bytes) of a task's paper pick list."""
    task = get_or_not_found(PickTask, task_id, "No such task")
    rows = db.session.execute(
        select(PickLine, Bin.code, Sku.code, Sku.name, Order.external_id, OrderLine.is_gift)
        .join(Bin, Bin.id == PickLine.bin_id).join(Sku, Sku.id == PickLine.sku_id)
        .join(Order, Order.id == PickLine.order_id).outerjoin(OrderLine, OrderLine.id == PickLine.order_line_id)
        .where(PickLine.task_id == task_id).order_by(PickLine.seq)).all()
    lines = [PickListLine(line.seq, bin_code, sku_code, f"{GIFT_MARK}{name}" if gift else name, line.qty,
                          str(line.tote_slot) if line.tote_slot else "-", ext)
             for line, bin_code, sku_code, name, ext, gift in rows]
    warehouse = db.session.get(Warehouse, task.warehouse_id)
    printed = to_local(utcnow(), tz_name).strftime("%Y-%m-%d %H:%M")
    pdf = render_pick_list(task.code, task.wave.code, warehouse.code, task.distance_m, lines, printed)
    return f"picklist-{task.code}.pdf", pdf


def task_payload(task):
    """Everything a handheld needs to pick a task offline: lines with bins, SKUs and all barcodes."""
    rows = db.session.execute(
        select(PickLine, Bin.code, Bin.barcode, Bin.aisle, Sku.code, Sku.name, Sku.image_url, Order.external_id,
               OrderLine.is_gift)
        .join(Bin, Bin.id == PickLine.bin_id).join(Sku, Sku.id == PickLine.sku_id)
        .join(Order, Order.id == PickLine.order_id).outerjoin(OrderLine, OrderLine.id == PickLine.order_line_id)
        .where(PickLine.task_id == task.id).order_by(PickLine.seq)).all()
    sku_ids = {line.sku_id for line, *_ in rows}
    barcodes = {}
    if sku_ids:
        from wms.catalog.models import SkuBarcode

        for sku_id, code in db.session.execute(select(SkuBarcode.sku_id, SkuBarcode.barcode)
                                               .where(SkuBarcode.sku_id.in_(sku_ids))):
            barcodes.setdefault(sku_id, []).append(code)
    return {
        "id": task.id, "code": task.code, "kind": task.kind, "status": task.status, "version": task.version,
        "wave": task.wave.code, "distance_m": task.distance_m, "orders": task.orders_count,
        "lines": [{"id": line.id, "seq": line.seq, "qty": line.qty, "picked_qty": line.picked_qty,
                   "status": line.status, "tote_slot": line.tote_slot, "order": ext, "gift": bool(gift),
                   "bin": {"code": bin_code, "barcode": bin_barcode, "aisle": aisle},
                   "sku": {"id": line.sku_id, "code": sku_code, "name": name, "image": image,
                           "barcodes": barcodes.get(line.sku_id, [])}}
                  for line, bin_code, bin_barcode, aisle, sku_code, name, image, ext, gift in rows],
    }


def my_tasks(user_id):
    """A picker's assigned and running tasks, oldest first."""
    tasks = db.session.scalars(select(PickTask).where(
        PickTask.picker_id == user_id, PickTask.status.in_(("assigned", "in_progress")))
        .order_by(PickTask.id)).all()
    return [task_payload(t) for t in tasks]
