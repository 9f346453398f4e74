"""Count tasks: a short pick closes its loop (OCA shopfloor's "stock issue", in this warehouse's terms).

1. The picker finds less than asked at a bin (`take_out_missing`, in the short pick's transaction):
   what was not found leaves that bin's on_hand at once through a 'short' ledger row (reference
   `count:<task id>`, pending the count), and a count task for the bin and SKU is raised (or the open
   one grows). While it is open, allocation does not reserve that SKU in that bin.
2. The other orders allocated from that bin are moved to other bins of their warehouse; an order no
   other bin can serve goes to backorder and allocation tries it at once in every warehouse. Orders
   already on the floor ask `relocate_reservation` one line at a time (the picking side knows its lines).
3. Someone counts the bin on the handheld (`settle_count`): on_hand becomes what is in the bin plus
   what was already picked out of it and not shipped, through a 'count' ledger row; the task is done
   and the backorders wanting the SKU are retried (a job, after the commit).

The three changers run inside their caller's transaction (the floor event's); none commits.

Transitions: allocated -> backorder (an order reserved in the bin found short, when no other bin of
its warehouse holds the SKU).
"""
from sqlalchemy import select

from wms import job_names
from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db
from wms.inventory.locks import lock_for_write, lock_order_rows
from wms.inventory.models import (
    COUNT, COUNT_DONE, COUNT_OPEN, SHORT, Bin, CountTask, Reservation, StockItem, awaiting_count)
from wms.inventory.reservations import release_reservation
from wms.inventory.stock import MAX_QTY, record_movement, stock_rows_for
from wms.orders import states
from wms.orders.models import Order
from wms.timeutil import utcnow
from wms.wording import wording


def take_out_missing(bin_id, sku_id, missing, actor=None, reason=""):
    """A short pick at (bin, sku): `missing` units leave the bin's stock pending a count, the count
    task is raised, the bin's other allocated orders are moved. Returns the CountTask.
    Call it after the short-picked order's own reservation was released (same transaction)."""
    lock_for_write()
    item = stock_rows_for([(bin_id, sku_id)])[(bin_id, sku_id)]
    task = open_task(bin_id, sku_id) or CountTask(bin_id=bin_id, sku_id=sku_id, status=COUNT_OPEN,
                                                  raised_by_id=getattr(actor, "id", None))
    task.reason = (reason or "")[:200]
    db.session.add(task)
    db.session.flush()
    taken = max(0, min(int(missing), item.on_hand - item.reserved))
    if taken:
        item.on_hand -= taken
        task.missing_qty += taken
        record_movement(SHORT, item, -taken, reference=f"count:{task.id}", actor=actor,
                        reason=f"not found at a short pick, pending count: {reason}"[:500])
    _move_allocated_orders_off(item, actor)
    return task


def open_task(bin_id, sku_id):
    """The open count task of a bin and SKU, or None."""
    return db.session.scalar(select(CountTask).where(CountTask.bin_id == bin_id, CountTask.sku_id == sku_id,
                                                     CountTask.status == COUNT_OPEN).order_by(CountTask.id))


# --- moving reservations off a bin in doubt ---------------------------------------------------

# Orders not on the floor that may still hold a reservation (an allocated one; one held or approved
# again that kept its stock): their reservation in a bin found short moves, or goes.
_OFF_THE_FLOOR = (states.ALLOCATED, states.ON_HOLD, states.APPROVED, states.BACKORDER)


def _move_allocated_orders_off(item, actor):
    """Every order not yet on the floor reserved in `item`: to other bins of its warehouse; else an
    allocated one is released and backordered (allocation then tries it at once, in any warehouse),
    any other just released (it is allocated afresh when it is approved or retried)."""
    order_ids = sorted(set(db.session.scalars(
        select(Reservation.order_id).join(Order, Order.id == Reservation.order_id)
        .where(Reservation.stock_item_id == item.id, Order.status.in_(_OFF_THE_FLOOR)))))
    backordered = []
    for order_id, row in lock_order_rows(order_ids).items():
        if row.status not in _OFF_THE_FLOOR:
            continue
        reservations = db.session.scalars(select(Reservation).where(
            Reservation.order_id == order_id, Reservation.stock_item_id == item.id).order_by(Reservation.id)).all()
        moves = _plan_moves(item, reservations)
        if moves is None and row.status == states.ALLOCATED:
            _backorder(order_id, item, actor)
            backordered.append(order_id)
            continue
        if moves is None:
            release_reservation(order_id, reason=wording("bin {bin} found short", bin=item.bin.code), actor=actor,
                                commit=False)
            continue
        for reservation, target, qty in moves:
            _shift(reservation, item, target, qty)
        db.session.get(Order, order_id).note(
            wording("reservation moved off bin {bin} (found short, count pending)", bin=item.bin.code),
            actor=actor, kind="stock")
    if backordered:
        from wms.worker import enqueue

        enqueue(job_names.ALLOCATE_ORDERS, backordered)
    return backordered


def _plan_moves(item, reservations):
    """[(reservation, target StockItem, qty)] covering every reservation from other bins, or None."""
    targets = {target.id: target for target in _other_bins(item)}
    pool = {target_id: target.on_hand - target.reserved for target_id, target in targets.items()}
    moves = []
    for reservation in reservations:
        need = reservation.qty
        for target_id in sorted(pool, key=lambda i: (-pool[i], i)):
            qty = min(need, pool[target_id])
            if qty <= 0:
                continue
            moves.append((reservation, targets[target_id], qty))
            pool[target_id] -= qty
            need -= qty
            if need == 0:
                break
        if need:
            return None
    return moves


def _other_bins(item):
    """Stock rows of the same SKU in other active bins of the same warehouse with something free,
    not waiting for a count themselves, locked in ascending id."""
    return db.session.scalars(
        select(StockItem).join(Bin, Bin.id == StockItem.bin_id)
        .where(StockItem.sku_id == item.sku_id, StockItem.id != item.id, Bin.warehouse_id == item.bin.warehouse_id,
               Bin.active, StockItem.on_hand > StockItem.reserved, ~awaiting_count())
        .order_by(StockItem.id).with_for_update(of=StockItem)).all()


def _shift(reservation, source, target, qty):
    """Move `qty` of a reservation from the source stock row to the target one."""
    same = db.session.scalar(select(Reservation).where(Reservation.order_line_id == reservation.order_line_id,
                                                       Reservation.stock_item_id == target.id))
    if same is not None:
        same.qty += qty
    else:
        db.session.add(Reservation(order_id=reservation.order_id, order_line_id=reservation.order_line_id,
                                   stock_item_id=target.id, qty=qty))
    source.reserved -= qty
    target.reserved += qty
    reservation.qty -= qty
    if reservation.qty == 0:
        db.session.delete(reservation)
    db.session.flush()


def _backorder(order_id, item, actor):
    order = db.session.get(Order, order_id)
    release_reservation(order_id, reason=wording("bin {bin} found short", bin=item.bin.code), actor=actor,
                        commit=False)
    order.transition_to(states.BACKORDER, actor=actor, reason=wording(
        "bin {bin} found short; no other bin of its warehouse has {sku}", bin=item.bin.code, sku=item.sku.code))


def relocate_reservation(reservation_id, actor=None):
    """One reservation of an order already on the floor (its pick line not started) moves whole to
    another bin of its warehouse that can serve it alone. Returns the new Bin, or None (it stays)."""
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        return None
    source = reservation.stock_item
    for target in sorted(_other_bins(source), key=lambda t: (-(t.on_hand - t.reserved), t.id)):
        clash = db.session.scalar(select(Reservation.id).where(
            Reservation.order_line_id == reservation.order_line_id, Reservation.stock_item_id == target.id))
        if target.on_hand - target.reserved >= reservation.qty and clash is None:
            source.reserved -= reservation.qty
            target.reserved += reservation.qty
            reservation.stock_item_id = target.id
            db.session.flush()
            db.session.get(Order, reservation.order_id).note(
                wording("reservation moved off bin {bin} (found short, count pending)", bin=source.bin.code),
                actor=actor, kind="stock")
            return target.bin
    return None


# --- the count -------------------------------------------------------------------------------

def settle_count(task_id, counted, away=0, actor=None):
    """The bin was counted: on_hand = `counted` (what is in the bin) + `away` (picked out of it, not
    shipped yet), never below what stays reserved there; one 'count' ledger row for the difference;
    the task done; the backorders wanting the SKU retried after the commit. Returns a summary, or
    None when the task is not open any more (counted by someone else)."""
    if not isinstance(counted, int) or isinstance(counted, bool) or not 0 <= counted <= MAX_QTY:
        raise ValueError("counted must be a whole number 0..MAX_QTY")
    lock_for_write()
    where = db.session.execute(select(CountTask.bin_id, CountTask.sku_id).where(CountTask.id == task_id)).first()
    if where is None:
        return None
    # the stock row first, then the task: the order a short pick at the same bin takes them in
    item = stock_rows_for([tuple(where)])[tuple(where)]
    task = db.session.scalars(select(CountTask).where(CountTask.id == task_id).with_for_update()
                              .execution_options(populate_existing=True)).first()
    if task.status != COUNT_OPEN:
        return None
    new = max(counted + max(0, away), item.reserved)
    diff = new - item.on_hand
    if diff:
        item.on_hand = new
        record_movement(COUNT, item, diff, reference=f"count:{task.id}", actor=actor,
                        reason=f"count task {task.id}: {counted} in the bin, {away} picked and not shipped")
    task.status, task.counted_qty, task.done_at = COUNT_DONE, counted, utcnow()
    task.counted_by_id = getattr(actor, "id", None)
    from wms.worker import enqueue

    enqueue(job_names.RETRY_BACKORDERS, [task.sku_id])
    return {"task_id": task.id, "bin_id": task.bin_id, "sku_id": task.sku_id, "counted": counted,
            "on_hand": new, "difference": diff}


# --- reads for the counting screen ------------------------------------------------------------

def open_count_tasks(limit=200):
    """The open count tasks, oldest first, as the handheld's counting screen shows them (plain JSON)."""
    rows = db.session.execute(
        select(CountTask, Bin.code, Bin.barcode, Sku.code, Sku.name, Sku.image_url)
        .join(Bin, Bin.id == CountTask.bin_id).join(Sku, Sku.id == CountTask.sku_id)
        .where(CountTask.status == COUNT_OPEN).order_by(CountTask.id).limit(limit)).all()
    barcodes = {}
    for sku_id, code in db.session.execute(select(SkuBarcode.sku_id, SkuBarcode.barcode).where(
            SkuBarcode.sku_id.in_({task.sku_id for task, *_ in rows}))):
        barcodes.setdefault(sku_id, []).append(code)
    return [{"id": task.id, "status": task.status, "missing": task.missing_qty,
             "created_at": task.created_at.isoformat() + "Z",
             "bin": {"id": task.bin_id, "code": bin_code, "barcode": bin_barcode},
             "sku": {"id": task.sku_id, "code": sku_code, "name": name, "image": image,
                     "barcodes": barcodes.get(task.sku_id, [])}}
            for task, bin_code, bin_barcode, sku_code, name, image in rows]


def count_task_for_scan(task_id):
    """What the count event is checked against: the task's status, bin codes, SKU code, name and
    barcodes (a dict), or None for an unknown id."""
    row = db.session.execute(select(CountTask.id, CountTask.status, CountTask.bin_id, CountTask.sku_id, Bin.code,
                                    Bin.barcode, Sku.code, Sku.name)
                             .join(Bin, Bin.id == CountTask.bin_id).join(Sku, Sku.id == CountTask.sku_id)
                             .where(CountTask.id == task_id)).first()
    if row is None:
        return None
    barcodes = set(db.session.scalars(select(SkuBarcode.barcode).where(SkuBarcode.sku_id == row.sku_id)))
    return {"id": row[0], "status": row[1], "bin_id": row[2], "sku_id": row[3], "bin_code": row[4],
            "bin_barcode": row[5], "sku_code": row[6], "sku_name": row[7], "barcodes": barcodes}
