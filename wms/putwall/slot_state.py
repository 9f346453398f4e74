"""What each slot of a put wall holds now: its order (while the order is on the floor or waits to be
packed), why it stopped (the order cancelled or held, a line short), and its contents by SKU, read
from the rows into wms.putwall.sorting's Slot for the wall's rules.

A slot holds its order from the wave's release until the order is packed (then it is free again,
nothing to do), or until the sorter clears it after the order was cancelled or held.
"""
from sqlalchemy import select

from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.picking.models import LINE_CANCELLED, LINE_SHORT, PickLine, PickTask
from wms.putwall import sorting
from wms.putwall.models import PutWallItem, PutWallSlot

ON_FLOOR = frozenset({states.WAVED, states.PICKING, states.PICKED})
PAST_PACKING = frozenset({states.PACKED, states.LABELLED, states.SHIPPED, states.DELIVERED, states.COMPLETED,
                          states.RETURNED})


def slot_views(wall):
    """[(PutWallSlot row, sorting.Slot)] of a wall, its orders' state read in four statements."""
    rows = db.session.scalars(select(PutWallSlot).where(PutWallSlot.wall_id == wall.id)
                              .order_by(PutWallSlot.number)).all()
    bound = [s for s in rows if s.order_id is not None]
    order_ids = [s.order_id for s in bound]
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))} if bound else {}
    items = db.session.execute(select(PutWallItem.slot_id, PutWallItem.sku_id, PutWallItem.qty, PutWallItem.put_qty)
                               .where(PutWallItem.slot_id.in_([s.id for s in bound]))).all() if bound else []
    stopped_lines = _stopped_lines(bound)
    views = []
    for row in rows:
        view = sorting.Slot(row.number, row.code)
        order = orders.get(row.order_id)
        if order is not None and order.status not in PAST_PACKING:
            view.order_id, view.order_ref = order.id, order.external_id
            view.stopped = _why_stopped(order, stopped_lines.get((order.id, row.wave_id), set()))
        views.append((row, view))
    by_slot = {row.id: view for row, view in views}
    for slot_id, sku_id, qty, put in items:
        view = by_slot[slot_id]
        if view.order_id is not None:
            view.needs[sku_id] = qty
            view.put[sku_id] = put
    return views


def _stopped_lines(bound):
    if not bound:
        return {}
    found = {}
    for order_id, wave_id, status in db.session.execute(
            select(PickLine.order_id, PickTask.wave_id, PickLine.status).distinct()
            .join(PickTask, PickTask.id == PickLine.task_id)
            .where(PickLine.order_id.in_([s.order_id for s in bound]),
                   PickTask.wave_id.in_({s.wave_id for s in bound}),
                   PickLine.status.in_((LINE_SHORT, LINE_CANCELLED)))):
        found.setdefault((order_id, wave_id), set()).add(status)
    return found


def _why_stopped(order, line_statuses):
    if order.status == states.ON_HOLD or LINE_SHORT in line_statuses:
        return sorting.HELD
    if order.status not in ON_FLOOR or LINE_CANCELLED in line_statuses:
        return sorting.CANCELLED
    return None


def holds_goods(pair):
    """A slot the next wave may not take: its order is on the floor, or stopped with goods still in it."""
    _row, view = pair
    return view.order_id is not None and (view.stopped is None or view.units_in() > 0)
