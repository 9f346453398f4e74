"""Reservations of allocated orders: release them (cancel, hold), consume them (ship), read them.

Each changer locks the order row, then its stock rows in ascending id (see locks.py).
"""
from sqlalchemy import select

from wms import aftercommit
from wms.extensions import db
from wms.inventory.locks import lock_for_write, lock_order, lock_stock_items
from wms.inventory.models import SHIP, Bin, OrderAllocation, Reservation, StockItem
from wms.inventory.stock import record_movement
from wms.orders.models import Order
from wms.wording import is_wording, wording


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

