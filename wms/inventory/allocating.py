"""Allocation use cases: reserve stock for approved orders, retry backorders, the allocation settings.

How a run works (`allocate_orders`): the orders are taken in priority order, in groups of
GROUP_SIZE. Each group is one transaction that locks the group's order rows (ascending id), then
every candidate StockItem row of all the group's SKUs (ascending id, see locks.py), decides the
orders one after the other against the stock still free in memory (the pure rules of
allocation_rules.py), and writes the reservations, stock and warehouse rows with a few bulk statements
and the new statuses with `bulk_transition` (the orders' bulk writer: table check, version bump and
one audit row per order), one call per (from, to, reason).

A kit line (组合装) is reserved as its components (wms.catalog.kits.expand: one place for that
rule), each reservation naming the kit's line; an order holding a kit is not split.

Reserving stock for an order stays all-or-nothing: an order's picks are applied (in memory, then
in the database) only when its plan is complete, and an order the rules reject is reported as
failed without touching the stock the next orders see. If a statement of the group fails, the
whole group is rolled back and replayed one order per transaction, so a failing order leaves the
others allocated as they would have been and only itself in "failed". Cost: about fifteen
statements per group, plus a few per order moved to backorder (each has its own reason), instead
of about fifteen statements and a commit per order.
"""
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import bindparam, delete, distinct, exists, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, job_names, realtime, worker
from wms.catalog import kit_services, kits
from wms.catalog.models import Sku
from wms.errors import ConcurrentUpdate, DomainError, ValidationFailed
from wms.extensions import db
from wms.inventory import allocation_rules
from wms.inventory.locks import lock_for_write, lock_order_rows
from wms.inventory.models import (
    AllocationSettings, Bin, OrderAllocation, Reservation, StockItem, Warehouse, WarehouseDistance, awaiting_count)
from wms.inventory.presales import hold_presales
from wms.orders import splitting, states
from wms.orders.models import Order, OrderLine, bulk_transition
from wms.rows import get_or_not_found
from wms.stock_marks import mark_skus
from wms.timeutil import utcnow
from wms.wording import english, wording

GROUP_SIZE = 100  # orders per transaction: short enough that other SQLite writers barely wait
SINGLE_EVENTS_UP_TO = 10  # above this, one orders.allocated summary per group instead of one event per order
WAITING = (states.APPROVED, states.BACKORDER)
SUPERVISORS = realtime.room_for_role("supervisor")
AUTO_SPLIT = "auto-split"  # the actor on the timelines of an automatic split


def allocate_orders(order_ids):
    """Reserve stock for approved/backorder orders, each all-or-nothing, in priority order (a job).
    With splitting allowed, an order no warehouse can ship whole is split and its parts allocated.

    Transitions: approved -> allocated | backorder; backorder -> allocated.
    Returns {"allocated": [...], "backorder": [...], "skipped": [...], "failed": [...], "splittable": [...],
    "split": [...], "presale": [...] (held as presales: they stay approved)}.
    """
    return _allocate(order_ids, may_split=True)


def _allocate(order_ids, *, may_split):
    summary = {"allocated": [], "backorder": [], "skipped": [], "failed": [], "splittable": [], "split": []}
    settings = get_allocation_settings()
    rule, allow_split = settings.rule, settings.allow_split
    db.session.commit()
    held = hold_presales(order_ids)  # presales before their ship-from time wait, approved (wms.inventory.presales)
    order_ids, summary["presale"] = [i for i in order_ids if int(i) not in held], sorted(held)
    from wms.inventory.reservations import settle_kept_reservations  # reservations -> stock imports this module

    summary["allocated"] += settle_kept_reservations(order_ids)  # held, then approved: stock still there?
    ordered = [i for i in _in_priority_order(order_ids) if i not in summary["allocated"]]
    bulk = len(ordered) > SINGLE_EVENTS_UP_TO
    plans = {}
    for start in range(0, len(ordered), GROUP_SIZE):
        for order_id, outcome, detail in _run_group(ordered[start:start + GROUP_SIZE], rule, allow_split, bulk):
            if outcome == "failed":
                summary["failed"].append({"order_id": order_id, "error": detail[:500]})
                continue
            summary[outcome].append(order_id)
            if detail:
                summary["splittable"].append(order_id)
                plans[order_id] = detail
    if allow_split and plans and may_split:
        _split_and_allocate(plans, summary)
    return summary


def _split_and_allocate(plans, summary):
    """Splitting allowed: an order no warehouse can ship complete becomes one order per warehouse of
    its split plan (wms.orders.splitting: `<ref>-S1`...), and every part is allocated again, once
    (the parts are not split further).

    Transitions: backorder -> allocated (each part, when its warehouse still has the stock).
    """
    parts = []
    for order_id, split in plans.items():
        try:
            for plan in split[1:]:
                line_qtys = {}
                for pick in plan.picks:
                    line_qtys[pick.line_id] = line_qtys.get(pick.line_id, 0) + pick.qty
                parts.append(_split_off(order_id, line_qtys))
        except DomainError as error:  # a reviewer changed it meanwhile: it stays a backorder
            db.session.rollback()
            summary["failed"].append({"order_id": order_id, "error": f"split: {error.message}"[:500]})
            continue
        summary["split"].append(order_id)
    again = _allocate(list(plans) + parts, may_split=False)
    for order_id in again["allocated"]:
        if order_id in summary["backorder"]:
            summary["backorder"].remove(order_id)
        summary["allocated"].append(order_id)


def _split_off(order_id, line_qtys):
    """One part of a backorder's split plan as its own order, committed; returns the part's id. The
    order must still be before the floor; a concurrent change of it is a ConcurrentUpdate."""
    with db.session.no_autoflush:
        order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
        states.require_editable(order)
        moves = splitting.chosen_moves(order, line_qtys)
        if db.session.scalar(select(Reservation.id).where(Reservation.order_id == order.id).limit(1)) is not None:
            from wms.inventory.reservations import release_reservation  # reservations -> stock imports this module

            release_reservation(order.id, reason=wording("split"), actor=AUTO_SPLIT, commit=False)
        part = splitting.split_off(order, moves, actor=AUTO_SPLIT)
        # a waybill requested before picking shows the old contents: shipping voids it (by name: no import sideways)
        worker.enqueue(job_names.VOID_EARLY_WAYBILL_AFTER_SPLIT, order.id, AUTO_SPLIT, queue="labels")
    try:
        aftercommit.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentUpdate.worded("Order {order} was changed meanwhile", order=order_id,
                                      details={"order_id": int(order_id)}) from None
    return part.id


def _in_priority_order(order_ids):
    ids = [int(i) for i in order_ids]
    rows = db.session.execute(select(Order.id).where(Order.id.in_(ids))
                              .order_by(Order.priority.desc(), Order.created_at, Order.id)).scalars().all()
    found = set(rows)
    return list(rows) + [i for i in dict.fromkeys(ids) if i not in found]


def _run_group(order_ids, rule, allow_split, bulk):
    """[(order_id, outcome, split or error)]: the group in one transaction, else one order at a time."""
    try:
        outcomes = _allocate_group(order_ids, rule, allow_split, bulk)
        aftercommit.commit()
        return outcomes
    except (DomainError, SQLAlchemyError) as error:
        db.session.rollback()
        if len(order_ids) == 1:
            return [(order_ids[0], "failed", str(error))]
    return [outcome for order_id in order_ids for outcome in _run_group([order_id], rule, allow_split, bulk)]


def _allocate_group(order_ids, rule, allow_split, bulk):
    lock_for_write()
    orders = lock_order_rows(order_ids)
    waiting = [orders[i] for i in order_ids if i in orders and orders[i].status in WAITING]
    if not waiting:
        db.session.rollback()
        return [(order_id, "skipped", False) for order_id in order_ids]
    lines = _lines_of([order.id for order in waiting])
    floor = FloorLines(lines)
    pool = StockPool(_lock_candidate_stock(floor.sku_ids))
    ranker = Ranker(rule, {order.province for order in waiting})
    writes, decided, changes = Writes(), {}, []
    for order in waiting:
        try:
            outcome, split, change = _decide(order, floor, pool, ranker, allow_split, writes)
        except (DomainError, ValueError) as error:  # this order only: nothing of it was applied
            decided[order.id] = ("failed", str(error) or type(error).__name__)
            continue
        decided[order.id] = (outcome, split)
        if change:
            changes.append(change)
    writes.flush()
    mark_skus({pool.rows[stock_id].sku_id for stock_id in writes.picked})  # reserved moved: stock sync's mark
    _announce(changes, bulk)
    return [(order_id, *decided.get(order_id, ("skipped", False))) for order_id in order_ids]


def _decide(order, floor, pool, ranker, allow_split, writes):
    """Outcome of one order; its picks reach the pool and the writes only when the plan is complete.
    A kit line is reserved as its components (the reservations name the kit's line); an order with a
    kit is never split (a kit ships whole, from one warehouse)."""
    wanted = floor.parts(order.id)
    decision = allocation_rules.allocate(wanted, pool.candidates({line.sku_id for line in wanted}),
                                   ranker.ranking(order.province), allow_split and not floor.has_kit(order.id))
    before = order.status
    if decision.complete:
        states.check_transition(before, states.ALLOCATED)
        pool.take(decision.plan.picks)
        writes.reserve(order.id, decision.plan)
        writes.move(order.id, before, states.ALLOCATED,
                    wording("stock reserved in {warehouse}", warehouse=ranker.codes[decision.plan.warehouse_id]))
        return "allocated", False, _change(order.id, before, states.ALLOCATED)
    if before != states.APPROVED:
        return "backorder", decision.split, None
    states.check_transition(before, states.BACKORDER)
    writes.move(order.id, before, states.BACKORDER,
                shortage_text(decision, floor.codes, ranker.codes))
    return "backorder", decision.split, _change(order.id, before, states.BACKORDER)


def _change(order_id, before, after):
    return {"order_id": order_id, "from": before, "to": after}


def _announce(changes, bulk):
    """One order.state_changed per order, or for a bulk run one orders.allocated summary per group."""
    if not bulk:
        for change in changes:
            realtime.publish("order.state_changed", change, SUPERVISORS)
    elif changes:
        realtime.publish("orders.allocated", {
            "allocated": sum(c["to"] == states.ALLOCATED for c in changes),
            "backorder": sum(c["to"] == states.BACKORDER for c in changes),
            "order_ids": [c["order_id"] for c in changes]}, SUPERVISORS)
    short = [c["order_id"] for c in changes if c["to"] == states.BACKORDER and c["from"] != states.BACKORDER]
    if short:  # 缺货通知: buyers whose stores chose it are told (tracking's job, asked for by its name)
        worker.enqueue(job_names.NOTIFY_BUYERS, short, "shortage")


def _lines_of(order_ids):
    """{order_id: [line rows in id order]} as plain rows (no ORM objects, no lazy loads)."""
    rows = db.session.execute(select(OrderLine.id, OrderLine.order_id, OrderLine.sku_id, OrderLine.sku_code,
                                     OrderLine.qty)
                              .where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.id)).all()
    lines = defaultdict(list)
    for row in rows:
        lines[row.order_id].append(row)
    return lines


class FloorLines:
    """The group's lines as the floor handles them: kit lines expanded into their components
    (wms.catalog.kits), read with one statement for the group's kits and one for their codes."""

    def __init__(self, lines):
        self.lines = lines
        sku_ids = {line.sku_id for rows in lines.values() for line in rows if line.sku_id}
        self.table = kit_services.kit_table(sku_ids) if sku_ids else {}
        self.codes = {line.sku_id: line.sku_code for rows in lines.values() for line in rows}
        components = {c for parts in self.table.values() for c, _q in parts}
        if components:
            self.codes.update(db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(sorted(components)))).all())
        self.sku_ids = (sku_ids - set(self.table)) | components

    def parts(self, order_id):
        rows = [allocation_rules.Line(line.id, line.sku_id, line.qty) for line in self.lines.get(order_id, [])]
        if not self.table:
            return rows
        return [allocation_rules.Line(part.line_id, part.sku_id, part.qty) for part in kits.expand(rows, self.table)]

    def has_kit(self, order_id):
        return any(line.sku_id in self.table for line in self.lines.get(order_id, []))


def _lock_candidate_stock(sku_ids):
    """Every stock row with something available for these SKUs, locked in ascending id order (not a
    bin found short that waits for its count: wms.inventory.counts)."""
    if not sku_ids:
        return []
    rows = db.session.execute(
        select(StockItem.id, Bin.warehouse_id, StockItem.sku_id, StockItem.on_hand, StockItem.reserved,
               Bin.level, StockItem.first_received_at)
        .join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
        .where(StockItem.sku_id.in_(sorted(sku_ids)), StockItem.on_hand > StockItem.reserved,
               Bin.active, Warehouse.active, ~awaiting_count())
        .order_by(StockItem.id).with_for_update(of=StockItem)).all()
    return [allocation_rules.BinStock(row.id, row.warehouse_id, row.sku_id, row.on_hand - row.reserved, row.level,
                                row.first_received_at.timestamp()) for row in rows]


class StockPool:
    """The locked candidate stock of a group, with what earlier orders of the group already took."""

    def __init__(self, stock):
        self.rows = {row.stock_item_id: row for row in stock}
        self.by_sku = defaultdict(list)
        for row in stock:
            self.by_sku[row.sku_id].append(row.stock_item_id)

    def candidates(self, sku_ids):
        known = sorted(sku_id for sku_id in sku_ids if sku_id is not None)
        return [self.rows[i] for sku_id in known for i in self.by_sku.get(sku_id, ())]

    def take(self, picks):
        for pick in picks:
            row = self.rows[pick.stock_item_id]
            self.rows[pick.stock_item_id] = replace(row, available=row.available - pick.qty)


class Ranker:
    """Active warehouses and their ranking per destination region, read once per group."""

    def __init__(self, rule, regions):
        warehouses = db.session.execute(select(Warehouse.id, Warehouse.code, Warehouse.region, Warehouse.priority)
                                        .where(Warehouse.active)).all()
        self.rule, self.codes, self._cache = rule, {w.id: w.code for w in warehouses}, {}
        self.infos = [allocation_rules.WarehouseInfo(w.id, w.region, w.priority) for w in warehouses]
        rows = db.session.execute(select(WarehouseDistance.warehouse_id, WarehouseDistance.region,
                                         WarehouseDistance.km)
                                  .where(WarehouseDistance.region.in_(sorted(regions)))).all()
        self.distances = {(row.warehouse_id, row.region): row.km for row in rows}

    def ranking(self, region):
        if region not in self._cache:
            self._cache[region] = allocation_rules.rank_warehouses(self.infos, region, self.rule, self.distances)
        return self._cache[region]


class Writes:
    """The group's reservations, stock, warehouse and order rows, written with one statement per table
    (order statuses: one bulk_transition per (from, to, reason))."""

    def __init__(self):
        self.reservations, self.picked, self.warehouses = [], defaultdict(int), {}  # picked: {stock id: qty}
        self.moves = {}  # (from, to, reason's English) -> (reason, order ids)

    def move(self, order_id, before, after, reason):
        self.moves.setdefault((before, after, english(reason)), (reason, []))[1].append(order_id)

    def reserve(self, order_id, plan):
        now = utcnow()
        for pick in plan.picks:
            self.reservations.append({"order_id": order_id, "order_line_id": pick.line_id,
                                      "stock_item_id": pick.stock_item_id, "qty": pick.qty, "created_at": now})
            self.picked[pick.stock_item_id] += pick.qty
        self.warehouses[order_id] = plan.warehouse_id

    def flush(self):
        """Write everything the group decided (its rows are already locked)."""
        for (before, after, _english), (reason, order_ids) in self.moves.items():
            bulk_transition(db.session, order_ids, before, after, reason=reason)
        if not self.warehouses:
            return
        now = utcnow()
        _add_to_reserved(sorted(self.picked.items()), now)
        db.session.execute(insert(Reservation.__table__), self.reservations)
        allocations = OrderAllocation.__table__
        db.session.execute(delete(allocations).where(allocations.c.order_id.in_(sorted(self.warehouses))))
        db.session.execute(insert(allocations), [{"order_id": o, "warehouse_id": w, "allocated_at": now}
                                                 for o, w in self.warehouses.items()])


def _add_to_reserved(picked, now):
    """reserved += qty for [(stock_item_id, qty)]: on PostgreSQL one statement over two arrays, on
    SQLite an executemany (in process, no round trips). Both compile once, whatever the row count."""
    ids, qtys = [i for i, _ in picked], [q for _, q in picked]
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_ADD_TO_RESERVED_PG, {"ids": ids, "qtys": qtys, "now": now})
        return
    stock = StockItem.__table__
    db.session.execute(update(stock).where(stock.c.id == bindparam("item_id"))
                       .values(reserved=stock.c.reserved + bindparam("qty"), updated_at=now),
                       [{"item_id": i, "qty": q} for i, q in picked])


_ADD_TO_RESERVED_PG = text(
    "UPDATE stock_items SET reserved = stock_items.reserved + picked.qty, updated_at = :now"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:qtys AS integer[])) AS picked(id, qty)"
    " WHERE stock_items.id = picked.id")


def shortage_text(decision, sku_codes, warehouse_codes):
    """The audit trail's wording naming every shortage (and the split plan if there is one)."""
    where = warehouse_codes.get(decision.short_warehouse_id) or wording("any warehouse")
    short = wording("short in {warehouse}: {shortages}", warehouse=where, shortages=[
        wording("{sku} need {needed}, available {available}", sku=sku_codes.get(s.sku_id) or wording("unmatched SKU"),
                needed=s.needed, available=s.available) for s in decision.shortages])
    if not decision.split:
        return short
    return wording("{shortage} | can ship split: {parts}", shortage=short, parts=[
        wording("{warehouse} ({qty} pcs)", warehouse=warehouse_codes.get(p.warehouse_id),
                qty=sum(x.qty for x in p.picks)) for p in decision.split])


@kit_services.before_kit_change
def refuse_kit_change_on_the_floor(kit):
    """A kit sold on orders that hold stock (allocated up to labelled) keeps its components: their
    reservations, pick lines and the station's check follow the components they were allocated."""
    held = db.session.scalar(select(func.count(distinct(OrderLine.order_id))).join(Order)
                             .where(OrderLine.sku_id == kit.id, Order.status.in_(sorted(states.RESERVING))))
    if held:
        raise ValidationFailed.worded(
            "Kit {kit} is on {count} order(s) already allocated or on the floor: change it once they have shipped",
            kit=kit.code, count=held, details={"field": "components"})


def retry_backorders(sku_ids=None):
    """Try again every backorder (highest priority, then oldest first) that wants one of these SKUs."""
    query = select(Order.id).where(Order.status == states.BACKORDER)
    if sku_ids is not None:
        sku_ids = sorted(set(sku_ids) | kit_services.kits_containing(sku_ids))  # a kit waits for its components
        query = query.where(exists().where(OrderLine.order_id == Order.id, OrderLine.sku_id.in_(sku_ids)))
    ids = db.session.scalars(query.order_by(Order.priority.desc(), Order.created_at, Order.id)).all()
    return allocate_orders(ids)


def get_allocation_settings():
    """The one settings row (created with defaults on first use)."""
    settings = db.session.scalar(select(AllocationSettings).order_by(AllocationSettings.id))
    if settings is None:
        settings = AllocationSettings(rule=allocation_rules.RULE_DISTANCE, allow_split=False)
        db.session.add(settings)
        db.session.commit()
    return settings


def set_allocation_settings(rule, allow_split):
    """Choose the warehouse rule (distance | priority) and whether orders may be split."""
    if rule not in allocation_rules.RULES:
        raise ValidationFailed("Unknown rule", field="rule")
    settings = get_allocation_settings()
    settings.rule, settings.allow_split = rule, bool(allow_split)
    aftercommit.commit()
    return settings
