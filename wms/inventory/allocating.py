"""The allocation run: reserve stock for approved orders in groups, retry backorders.

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

This module decides and announces; its neighbours hold the rest: allocation_group.py (what a
group reads, holds in memory and writes), allocation_splits.py (the automatic split of an order
no warehouse can ship whole), allocation_settings.py (the rule and whether to split).
"""
from sqlalchemy import distinct, exists, func, select
from sqlalchemy.exc import SQLAlchemyError

from wms import aftercommit, job_names, realtime, worker
from wms.catalog import kit_services
from wms.errors import DomainError, ValidationFailed
from wms.extensions import db
from wms.inventory import allocation_rules, allocation_splits
from wms.inventory.allocation_group import FloorLines, Ranker, StockPool, Writes, lines_of, lock_candidate_stock
from wms.inventory.allocation_settings import get_allocation_settings
from wms.inventory.locks import lock_for_write, lock_order_rows
from wms.inventory.presales import hold_presales
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.stock_marks import mark_skus
from wms.wording import wording

GROUP_SIZE = 100  # orders per transaction: short enough that other SQLite writers barely wait
SINGLE_EVENTS_UP_TO = 10  # above this, one orders.allocated summary per group instead of one event per order
WAITING = (states.APPROVED, states.BACKORDER)
SUPERVISORS = realtime.room_for_role("supervisor")


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
    its split plan (wms.inventory.allocation_splits), and every part is allocated again, once
    (the parts are not split further).

    Transitions: backorder -> allocated (each part, when its warehouse still has the stock).
    """
    parts = allocation_splits.split_off_parts(plans, summary)
    again = _allocate(list(plans) + parts, may_split=False)
    for order_id in again["allocated"]:
        if order_id in summary["backorder"]:
            summary["backorder"].remove(order_id)
        summary["allocated"].append(order_id)


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
    lines = lines_of([order.id for order in waiting])
    floor = FloorLines(lines)
    pool = StockPool(lock_candidate_stock(floor.sku_ids))
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
