"""Releasing a wave to a put wall as one pick-all cart: at most one order per free slot, the most
urgent order in the lowest free slot, all in one transaction.

Transitions: allocated -> waved (release_to_wall, through wms.picking.services.stage_wave).
"""
from dataclasses import replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.orders.models import Order
from wms.picking import services as picking
from wms.picking import waves
from wms.picking.models import PickLine, PickTask
from wms.putwall.models import PutWallItem, PutWallWave
from wms.putwall.screens_and_lights import tell
from wms.putwall.slot_state import holds_goods, slot_views
from wms.putwall.wall_setup import get_wall
from wms.shipping.cutoffs import next_cutoff
from wms.shipping.models import Carrier
from wms.timeutil import utcnow


def release_to_wall(wall_id, wave_filter=None, limits=None, actor=None, time_budget=None):
    """Release a wave as one pick-all cart for this wall: at most one order per free slot, each
    order bound to a slot (most urgent first: lowest free slot number), all in one transaction.

    Transitions: allocated -> waved.
    """
    wall = get_wall(wall_id)
    if not wall.active:
        raise ValidationFailed.worded("Put wall {wall} is not in use", wall=wall.code)
    free = [row for row, view in slot_views(wall) if not holds_goods((row, view))]
    if not free:
        raise ValidationFailed.worded("Every slot of wall {wall} is taken: pack or clear slots first", wall=wall.code)
    limits = limits or waves.WaveLimits()
    limits = replace(limits, pick_all=True, max_orders=min(limits.max_orders, len(free)))
    wave = picking.stage_wave(wall.warehouse_id, wave_filter, limits, actor=actor, time_budget=time_budget)
    needs = db.session.execute(
        select(PickLine.order_id, PickLine.sku_id, func.sum(PickLine.qty))
        .join(PickTask, PickTask.id == PickLine.task_id).where(PickTask.wave_id == wave.id)
        .group_by(PickLine.order_id, PickLine.sku_id)).all()
    slot_of = dict(zip(_most_urgent_first(wall.warehouse_id, {order_id for order_id, _sku, _qty in needs}), free))
    db.session.execute(delete(PutWallItem).where(PutWallItem.slot_id.in_([s.id for s in slot_of.values()])))
    now = utcnow()
    for order_id, slot in slot_of.items():
        slot.order_id, slot.wave_id, slot.assigned_at = order_id, wave.id, now
    db.session.add_all([PutWallItem(slot_id=slot_of[order_id].id, order_id=order_id, sku_id=sku_id, qty=int(qty))
                        for order_id, sku_id, qty in needs])
    db.session.add(PutWallWave(wave_id=wave.id, wall_id=wall.id))
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentUpdate("Another wave took this wall's slots at the same moment; preview again") from None
    tell(wall, None)
    aftercommit.commit()
    return wave


def _most_urgent_first(warehouse_id, order_ids):
    """The wave's orders in the wave's own order of urgency (wms.picking.waves.urgency: earliest carrier
    cut-off, highest priority, oldest): the most urgent gets the lowest slot number, filled first."""
    warehouse = db.session.get(Warehouse, warehouse_id)
    now = utcnow()
    cutoffs = {c.code: next_cutoff(c.cutoffs, now, warehouse.timezone)
               for c in db.session.scalars(select(Carrier).where(Carrier.active.is_(True)))}
    rows = db.session.execute(select(Order.id, Order.priority, Order.carrier_code, Order.created_at)
                              .where(Order.id.in_(order_ids))).all()
    keys = {oid: waves.urgency(waves.Candidate(order_id=oid, units=0, lines=0, priority=priority or 0, carrier=carrier,
                                               cutoff=cutoffs.get(carrier), created_at=created))
            for oid, priority, carrier, created in rows}
    return sorted(keys, key=keys.get)
