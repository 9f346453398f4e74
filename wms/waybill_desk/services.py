"""The waybill desk of the 店小秘 flow: when each warehouse (or store) requests its waybills, the orders
waiting for one, the bulk request (运单号申请) and its failures, 待打单 split into 有货 / 缺货, and
虚拟发货 on selected orders.

The desk sits above shipping (the early waybills, wms.shipping.early_waybills), inventory (the
warehouse an order is allocated to, whose setting applies) and picking (a wave's route, for printing:
batch_print.py). An order's flow is its channel's setting when the channel has one, else its
warehouse's; a 缺货 order has no warehouse yet, so the warehouse allocation tries first speaks for it
(as it does for the label's sender, wms.packing.ship_from).
"""
from sqlalchemy import exists, func, literal, select
from sqlalchemy.orm import joinedload

from wms import aftercommit, job_names, worker
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.inventory.models import OrderAllocation, Warehouse
from wms.orders.models import Channel, Order
from wms.shipping import early_waybills, waybill_timing
from wms.shipping.models import EARLY_ISSUED, EarlyWaybill
from wms.wording import wording

WAITING_LIMIT = 500
TABS = ("in_stock", "out_of_stock", "printed")


# --- the setting -----------------------------------------------------------------------------------

def timing_settings():
    """(warehouses, channels) with their waybill_timing, by code."""
    return (db.session.scalars(select(Warehouse).order_by(Warehouse.code)).all(),
            db.session.scalars(select(Channel).order_by(Channel.code)).all())


def save_timings(warehouse_timings, channel_timings, actor=None):
    """Set when waybills are requested: {warehouse id: timing}, {channel id: timing or "" (its warehouse's)}.
    Every value is checked before anything is written."""
    rows = []
    for model, timings, inherit in ((Warehouse, warehouse_timings, False), (Channel, channel_timings, True)):
        for row_id, value in timings.items():
            row = db.session.get(model, int(row_id))
            if row is None:
                raise NotFound.worded("No such warehouse or store ({id})", id=row_id)
            rows.append((row, waybill_timing.checked(value, allow_inherit=inherit, field=f"timing-{row_id}")))
    for row, value in rows:
        row.waybill_timing = value
    aftercommit.commit()
    return len(rows)


def _default_timing():
    """The setting of the warehouse allocation tries first: what a 缺货 order without a warehouse follows."""
    return db.session.scalar(select(Warehouse.waybill_timing).where(Warehouse.active)
                             .order_by(Warehouse.priority, Warehouse.id).limit(1)) or waybill_timing.AT_SEAL


def _early_orders():
    """Orders whose flow is 'after allocation', with their channel and warehouse joined."""
    timing = func.coalesce(func.nullif(Channel.waybill_timing, ""), Warehouse.waybill_timing,
                           literal(_default_timing()))
    return (select(Order).join(Channel, Channel.id == Order.channel_id)
            .outerjoin(OrderAllocation, OrderAllocation.order_id == Order.id)
            .outerjoin(Warehouse, Warehouse.id == OrderAllocation.warehouse_id)
            .where(timing == waybill_timing.AFTER_ALLOCATION))


def _no_live_waybill():
    return ~exists().where(EarlyWaybill.live_order_id == Order.id)


# --- 运单号申请 ---------------------------------------------------------------------------------------

def waiting_for_waybill(limit=WAITING_LIMIT):
    """(orders waiting for their early waybill, how many there are): reviewed, not packed, none asked yet."""
    query = _early_orders().where(Order.status.in_(waybill_timing.REQUESTABLE_STATES), _no_live_waybill())
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    orders = db.session.scalars(query.order_by(Order.priority.desc(), Order.id).limit(limit)).all()
    return orders, count


def request_waybills(order_ids=None, actor=None):
    """Open a bulk request for the chosen orders, or for every one waiting (order_ids None). Orders whose
    flow requests at seal are refused by name; nothing is written then."""
    if order_ids is None:
        ids = db.session.scalars(_early_orders().with_only_columns(Order.id)
                                 .where(Order.status.in_(waybill_timing.REQUESTABLE_STATES), _no_live_waybill())
                                 .order_by(Order.priority.desc(), Order.id)
                                 .limit(early_waybills.BATCH_LIMIT)).all()
        if not ids:
            raise ValidationFailed.worded("No order is waiting for a waybill")
    else:
        ids = _ids(order_ids)
        early = set(db.session.scalars(_early_orders().with_only_columns(Order.id).where(Order.id.in_(ids))))
        at_seal = [order_id for order_id in ids if order_id not in early]
        if at_seal:
            refs = db.session.scalars(select(Order.external_id).where(Order.id.in_(at_seal[:20]))).all()
            raise ValidationFailed.worded("These orders get their waybill at seal: {orders}", orders=", ".join(refs),
                                          details={"field": "order_ids"})
    return early_waybills.open_batch(ids, actor=actor)


def _ids(order_ids):
    try:
        ids = [int(order_id) for order_id in order_ids]
    except (TypeError, ValueError):
        raise ValidationFailed.worded("Select the orders by their ids", details={"field": "order_ids"}) from None
    if not ids:
        raise ValidationFailed.worded("Select at least one order", details={"field": "order_ids"})
    return ids


# --- 待打单 ------------------------------------------------------------------------------------------

def to_print(tab, limit=WAITING_LIMIT):
    """The issued early waybills of one tab: in_stock (有货: stock reserved), out_of_stock (缺货: waiting
    for a receipt, which moves them to 有货 by itself when allocation succeeds), printed (已打单)."""
    if tab not in TABS:
        raise ValidationFailed.worded("Unknown list '{tab}'", tab=tab, details={"field": "tab"})
    return db.session.scalars(_tab_query(tab).options(joinedload(EarlyWaybill.order))
                              .order_by(Order.priority.desc(), EarlyWaybill.id).limit(limit)).all()


def tab_counts():
    """{tab: how many} for the tabs' labels."""
    return {tab: db.session.scalar(select(func.count()).select_from(_tab_query(tab).subquery())) for tab in TABS}


def _tab_query(tab):
    query = (select(EarlyWaybill).join(Order, Order.id == EarlyWaybill.order_id)
             .where(EarlyWaybill.status == EARLY_ISSUED, EarlyWaybill.void_wanted.is_(False)))
    if tab == "printed":
        return query.where(EarlyWaybill.printed_at.is_not(None))
    query = query.where(EarlyWaybill.printed_at.is_(None))
    wanted = waybill_timing.IN_STOCK_STATES if tab == "in_stock" else waybill_timing.OUT_OF_STOCK_STATES
    return query.where(Order.status.in_(wanted))


# --- 虚拟发货 -----------------------------------------------------------------------------------------

def virtual_ship(order_ids, actor=None):
    """Write the early waybills' numbers back to the platforms now (a job each, after commit).
    Returns (queued, skipped): an order whose store has no platform (manual) has nobody to tell.
    Every order must have an issued early waybill; otherwise nothing is queued."""
    ids = _ids(order_ids)
    rows = db.session.scalars(select(EarlyWaybill).where(EarlyWaybill.live_order_id.in_(ids),
                                                         EarlyWaybill.status == EARLY_ISSUED,
                                                         EarlyWaybill.void_wanted.is_(False))
                              .options(joinedload(EarlyWaybill.order).joinedload(Order.channel))).all()
    missing = set(ids) - {row.order_id for row in rows}
    if missing:
        refs = db.session.scalars(select(Order.external_id).where(Order.id.in_(sorted(missing)[:20]))).all()
        raise ValidationFailed.worded("These orders have no waybill yet: {orders}", orders=", ".join(refs) or "-",
                                      details={"field": "order_ids"})
    queued = skipped = 0
    for row in rows:
        if row.order.channel is None or row.order.channel.platform == "manual":
            skipped += 1
            continue
        row.order.note(wording("virtual shipping: tracking number {number} sent to the platform", number=row.tracking_number),
                       actor=actor)
        worker.enqueue(job_names.VIRTUAL_SHIP, row.order_id, row.tracking_number, row.carrier_code)
        queued += 1
    aftercommit.commit()
    return queued, skipped
