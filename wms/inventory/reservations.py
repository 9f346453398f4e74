"""Reservations of allocated orders: release them (cancel, a short pick), keep them through a hold
(settle_kept_reservations), consume them (ship), read them.

Each changer locks the order row, then its stock rows in ascending id (see locks.py).
"""
from collections import defaultdict

from sqlalchemy import select

from wms import aftercommit, realtime
from wms.catalog import kit_services, kits
from wms.extensions import db
from wms.inventory.locks import lock_for_write, lock_order, lock_stock_items
from wms.inventory.models import SHIP, Bin, OrderAllocation, Reservation, StockItem, Warehouse
from wms.inventory.stock import record_movement
from wms.orders import states
from wms.orders.models import Order
from wms.timeutil import utcnow
from wms.wording import is_wording, wording

WAITING = (states.APPROVED, states.BACKORDER)


def release_reservation(order_id, reason="", actor=None, commit=True):
    """Give back every unit reserved for the order (on cancel or hold). Idempotent; returns the qty.
    `reason` (a text or a wording) goes on the order's timeline.

    Call it after `order.transition_to(...)` in the same transaction; it commits unless commit=False.
    """
    db.session.flush()
    lock_for_write()
    order = db.session.scalars(select(Order).where(Order.id == order_id).with_for_update()).first()
    reservations = db.session.scalars(select(Reservation).where(Reservation.order_id == order_id)
                                      .order_by(Reservation.id).execution_options(populate_existing=True)).all()
    items = lock_stock_items({r.stock_item_id for r in reservations})
    released = 0
    for reservation in reservations:
        items[reservation.stock_item_id].reserved -= reservation.qty
        released += reservation.qty
        db.session.delete(reservation)
    allocated = db.session.scalar(select(OrderAllocation).where(OrderAllocation.order_id == order_id))
    if allocated is not None:
        db.session.delete(allocated)
    if order is not None and released:
        order.note(_released(released, reason), actor=actor, kind="stock")
    if commit:
        aftercommit.commit()
    return released


def settle_kept_reservations(order_ids):
    """Approved orders that still hold stock (put on hold while allocated or on the floor, then approved
    again): a reservation that still covers exactly the order's lines is kept and the order allocated
    again at once; one that no longer does (lines edited, merged or split meanwhile) is released, and
    the order is allocated afresh like any other. One transaction per such order. Returns the ids
    allocated here.

    Transitions: approved | backorder -> allocated (stock still reserved).
    """
    ids = sorted({int(i) for i in order_ids})
    kept = db.session.scalars(select(Reservation.order_id).where(Reservation.order_id.in_(ids))
                              .distinct()).all() if ids else []
    resumed = []
    for order_id in sorted(kept):
        lock_for_write()
        order = lock_order(order_id)
        if order is None or order.status not in WAITING:
            db.session.rollback()
            continue
        warehouse_id = _covering_warehouse(order)
        if warehouse_id is None:
            release_reservation(order_id, reason=wording("the order changed while on hold"), commit=False)
        else:
            before = order.status
            order.transition_to(states.ALLOCATED, reason=wording("stock still reserved"))
            if db.session.scalar(select(OrderAllocation.id).where(OrderAllocation.order_id == order_id)) is None:
                db.session.add(OrderAllocation(order_id=order_id, warehouse_id=warehouse_id, allocated_at=utcnow()))
            realtime.publish("order.state_changed", {"order_id": order_id, "from": before, "to": states.ALLOCATED},
                             realtime.room_for_role("supervisor"))
            resumed.append(order_id)
        aftercommit.commit()
    return resumed


def _covering_warehouse(order):
    """The warehouse of an order's reservations when they cover exactly its lines (each line with a
    known SKU, reserved in full, all in one active warehouse); None otherwise."""
    rows = db.session.execute(select(Reservation.order_line_id, Reservation.qty, Bin.warehouse_id, Bin.active,
                                     StockItem.sku_id)
                              .join(StockItem, StockItem.id == Reservation.stock_item_id)
                              .join(Bin, Bin.id == StockItem.bin_id)
                              .where(Reservation.order_id == order.id)).all()
    if any(line.sku_id is None for line in order.lines):
        return None
    lines = [kits.Part(line.id, line.sku_id, line.qty) for line in order.lines]
    wanted = defaultdict(int)   # (line id, SKU) -> units; a kit line's are its components'
    for part in kits.expand(lines, kit_services.kit_table({line.sku_id for line in lines})):
        wanted[(part.line_id, part.sku_id)] += part.qty
    reserved, warehouses = defaultdict(int), set()
    for row in rows:
        if (row.order_line_id, row.sku_id) not in wanted or not row.active:
            return None
        reserved[(row.order_line_id, row.sku_id)] += row.qty
        warehouses.add(row.warehouse_id)
    if len(warehouses) != 1 or reserved != {key: qty for key, qty in wanted.items() if qty}:
        return None
    (warehouse_id,) = warehouses
    active = db.session.scalar(select(Warehouse.active).where(Warehouse.id == warehouse_id))
    return warehouse_id if active else None


def _released(qty, reason):
    reason = reason if is_wording(reason) else (reason or "").strip()
    if reason:
        return wording("stock released ({qty} pcs): {reason}", qty=qty, reason=reason)
    return wording("stock released ({qty} pcs)", qty=qty)


def consume_reservation(order_id, actor=None, reference=None, commit=True):
    """Deduct the order's reserved stock when it ships (ledger 'ship' rows). Idempotent; returns the qty."""
    db.session.flush()
    lock_for_write()
    lock_order(order_id)
    reservations = db.session.scalars(select(Reservation).where(Reservation.order_id == order_id)
                                      .order_by(Reservation.id)).all()
    items = lock_stock_items({r.stock_item_id for r in reservations})
    shipped = 0
    for reservation in reservations:
        item = items[reservation.stock_item_id]
        item.reserved -= reservation.qty
        item.on_hand -= reservation.qty
        record_movement(SHIP, item, -reservation.qty, reference or f"order:{order_id}", actor)
        shipped += reservation.qty
        db.session.delete(reservation)
    if commit:
        aftercommit.commit()
    return shipped


def reservations_for(order_id):
    """[(order_line_id, bin, sku_id, qty)] reserved for an order: the bins picking visits."""
    rows = db.session.execute(
        select(Reservation.order_line_id, Bin, StockItem.sku_id, Reservation.qty)
        .join(StockItem, StockItem.id == Reservation.stock_item_id).join(Bin, Bin.id == StockItem.bin_id)
        .where(Reservation.order_id == order_id).order_by(Reservation.id)).all()
    return [tuple(row) for row in rows]


def warehouse_of(order_id):
    """The id of the warehouse an order is allocated to, or None."""
    return db.session.scalar(select(OrderAllocation.warehouse_id).where(OrderAllocation.order_id == order_id))

