"""Presales (预售) held out of allocation and released into it (the rule: wms.orders.presale).

- `hold_presales(order_ids)`: allocation's first step. An approved order whose ship-from time (its
  own, or the latest `presale_until` day of its lines' SKUs) has not come stays approved, its
  timeline saying it waits as a presale (once); in its store's `stock` mode only while its stock
  is not all there. Its ship-by is counted again from the ship-from time.
- `release_presales()`: the periodic job (wms.schedule) and stock receipts. Every held presale whose
  date came (or, in `stock` mode, whose stock is all there) is marked released, its timeline says
  why, and it goes to allocation like any approved order; a released presale is never held again.

A cancelled or held presale is not approved, so neither step touches it and allocation never
reserves stock for it.
"""
from collections import defaultdict
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, or_, select

from wms import aftercommit, realtime
from wms.catalog import kit_services
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, Warehouse, awaiting_count
from wms.orders import presale, ship_by, states
from wms.orders.models import Channel, Order, OrderLine
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

SUPERVISORS = realtime.room_for_role("supervisor")


def hold_presales(order_ids, now=None):
    """The ids among these approved orders that must wait as presales (committed: their ship-from
    time and ship-by, the timeline's 'waits as a presale' once). Transitions: none (they stay approved)."""
    now = now or utcnow()
    candidates = _candidates(Order.id.in_([int(i) for i in order_ids]), Order.presale_released_at.is_(None))
    if not candidates:
        return set()
    zone = _zone()
    days, wanted = _sku_days(candidates), _wanted(candidates)
    available = kit_services.with_kits({sku for want in wanted.values() for sku in want if sku is not None},
                                       _available)
    held = set()
    for order in candidates:
        ship_from_at = presale.ship_from(order.presale_ship_from, days.get(order.id, ()), zone)
        mode = order.channel.presale_release
        if not presale.should_hold(ship_from_at, None, now, mode,
                                   presale.stock_complete(wanted.get(order.id, {}), available)):
            continue
        held.add(order.id)
        if ship_from_at != order.presale_ship_from or order.presale_held_at is None:
            order.presale_ship_from = ship_from_at
            order.ship_by = _ship_by(order, ship_from_at, zone)
        if order.presale_held_at is None:
            order.presale_held_at = now
            order.note(wording("waits as a presale until {day}", day=_local_day(ship_from_at, zone)), kind="presale")
    if held:
        realtime.publish("orders.presale_held", {"order_ids": sorted(held)}, SUPERVISORS)
    aftercommit.commit()
    return held


def release_presales(sku_ids=None, now=None):
    """Release every held presale whose time came (in `stock` mode also whose stock is all there;
    with `sku_ids`, those wanting one of them), then allocate them. Returns {"released": [ids],
    "allocation": allocate_orders' summary}. Transitions: approved -> allocated | backorder (allocation's)."""
    now = now or utcnow()
    where = [Order.presale_held_at.is_not(None), Order.presale_released_at.is_(None)]
    if sku_ids is not None:  # a kit sold waits for its components: a receipt of one names the kit too
        sku_ids = set(sku_ids) | set(kit_services.kits_containing(sku_ids))
        where.append(exists().where(OrderLine.order_id == Order.id, OrderLine.sku_id.in_(sorted(sku_ids))))
    candidates = _candidates(*where)
    wanted = _wanted(candidates)
    available = kit_services.with_kits({sku for want in wanted.values() for sku in want if sku is not None},
                                       _available)
    released = []
    for order in candidates:
        why = presale.release_reason(order.presale_ship_from, None, now, order.channel.presale_release,
                                     presale.stock_complete(wanted.get(order.id, {}), available))
        if why is None:
            continue
        order.presale_released_at = now
        order.note(wording("presale released: its ship-from date came") if why == presale.BY_DATE
                   else wording("presale released: its stock arrived"), kind="presale")
        released.append(order.id)
    if released:
        realtime.publish("orders.presale_released", {"order_ids": released}, SUPERVISORS)
    aftercommit.commit()
    from wms.inventory.allocating import allocate_orders  # allocating asks this module first

    return {"released": released, "allocation": allocate_orders(released) if released else None}


def presale_waiting():
    """The condition of an order waiting as a presale (the desk's filter, the wall's count)."""
    return (Order.status == states.APPROVED) & Order.presale_held_at.is_not(None) \
        & Order.presale_released_at.is_(None)


def count_waiting():
    """How many orders wait as presales."""
    return db.session.scalar(select(func.count()).select_from(Order).where(presale_waiting()))


def stores_overview():
    """[{"id", "code", "name", "presale_release", "waiting"}] of every store, by name (the presales page)."""
    waiting = dict(db.session.execute(select(Order.channel_id, func.count()).where(presale_waiting())
                                      .group_by(Order.channel_id)).all())
    return [{"id": c.id, "code": c.code, "name": c.name, "presale_release": c.presale_release,
             "waiting": waiting.get(c.id, 0)}
            for c in db.session.scalars(select(Channel).order_by(Channel.name, Channel.id))]


def set_presale_release(channel_id, mode_text):
    """Choose how a store's presales go to allocation (`date` or `stock`); a released presale stays released."""
    channel = get_or_not_found(Channel, channel_id, "Channel not found")
    try:
        channel.presale_release = presale.parse_mode(mode_text)
    except ValueError:
        raise ValidationFailed.worded("Presales go out on their date or when their stock arrives, not '{value}'",
                                      value=str(mode_text)[:40], details={"field": "presale_release"}) from None
    aftercommit.commit()
    return channel


def _candidates(*where):
    """Approved orders that are or may be presales (their own ship-from time, or a line of a presale
    SKU), locked and freshly read, in id order."""
    of_presale_sku = exists().where(OrderLine.order_id == Order.id, OrderLine.sku_id == Sku.id,
                                    Sku.presale_until.is_not(None))
    query = (select(Order).where(Order.status == states.APPROVED, *where)
             .where(or_(Order.presale_ship_from.is_not(None), of_presale_sku))
             .order_by(Order.id).with_for_update().execution_options(populate_existing=True))
    return list(db.session.scalars(query))


def _sku_days(orders):
    """{order id: [presale_until days of its lines' SKUs]}."""
    rows = db.session.execute(select(OrderLine.order_id, Sku.presale_until).join(Sku, Sku.id == OrderLine.sku_id)
                              .where(OrderLine.order_id.in_([o.id for o in orders]),
                                     Sku.presale_until.is_not(None))).all()
    days = defaultdict(list)
    for order_id, day in rows:
        days[order_id].append(day)
    return days


def _wanted(orders):
    """{order id: {sku id (None: unmatched): units}}."""
    rows = db.session.execute(select(OrderLine.order_id, OrderLine.sku_id, OrderLine.qty)
                              .where(OrderLine.order_id.in_([o.id for o in orders]))).all()
    wanted = defaultdict(lambda: defaultdict(int))
    for order_id, sku_id, qty in rows:
        wanted[order_id][sku_id] += qty
    return wanted


def _available(sku_ids):
    """{sku id: units on hand and not reserved} in active bins of active warehouses (not a bin
    waiting for its count): what allocation could take."""
    if not sku_ids:
        return {}
    rows = db.session.execute(
        select(StockItem.sku_id, func.sum(StockItem.on_hand - StockItem.reserved))
        .join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
        .where(StockItem.sku_id.in_(sorted(sku_ids)), StockItem.on_hand > StockItem.reserved, Bin.active,
               Warehouse.active, ~awaiting_count())
        .group_by(StockItem.sku_id)).all()
    return {sku_id: int(qty or 0) for sku_id, qty in rows}


def _ship_by(order, ship_from_at, zone):
    """The ship-by counted from the ship-from time by the store's rule (a later one it had stays)."""
    promised = ship_by.promised(order.channel.ship_by_rule, presale.ship_by_start(order.ordered_at, ship_from_at),
                                zone)
    return presale.later_ship_by(order.ship_by, promised)


def _local_day(at, zone):
    return at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date().isoformat()


def _zone():
    return current_app.config["WAREHOUSE_TIMEZONE"]
