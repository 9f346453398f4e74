"""Allocation rules: which warehouse ships an order and which bins it reserves. Pure: stdlib only.

What it optimises, in this order:
1. Ship complete from ONE warehouse. Among the warehouses that hold every line in full, the first in
   the ranking wins (`rank_warehouses`: nearest by a region distance table, or a fixed priority).
2. Within that warehouse, per SKU, reserve from the fewest bins: a single bin that covers the demand
   if one exists (oldest stock first - FIFO - then the lowest level, easiest to reach); otherwise the
   bins with the most available first, which is optimal for the bin count (the k largest bins hold
   the most any k bins can), ties FIFO then lowest level.
3. If no warehouse can ship complete, every shortage is collected (against the warehouse that misses
   the fewest units) so the order fails once with the whole list; when splitting is allowed a split
   plan is proposed: greedily, the warehouse that can cover the most remaining units takes them
   (a set-cover approximation that keeps the number of parcels small).

Complexity: with L lines, B candidate bins and W warehouses, a complete allocation is
O(W * (L + B log B)); the split plan repeats that for at most W rounds.
"""
from dataclasses import dataclass, field

RULE_DISTANCE = "distance"  # nearest warehouse by the region distance table, then priority
RULE_PRIORITY = "priority"  # warehouses in their fixed priority order
RULES = (RULE_DISTANCE, RULE_PRIORITY)
UNKNOWN_DISTANCE = float("inf")


@dataclass(frozen=True)
class Line:
    """One order line to serve: `sku_id` None means the line matched no SKU and can never allocate."""

    line_id: int
    sku_id: int | None
    qty: int


@dataclass(frozen=True)
class BinStock:
    """What one bin can give of one SKU right now (available = on_hand - reserved)."""

    stock_item_id: int
    warehouse_id: int
    sku_id: int
    available: int
    level: int = 0
    fifo: float = 0  # smaller = older stock (e.g. first-received timestamp)


@dataclass(frozen=True)
class WarehouseInfo:
    """A warehouse as the ranking rule sees it."""

    id: int
    region: str = ""
    priority: int = 100  # lower first


@dataclass(frozen=True)
class Pick:
    """Reserve `qty` of order line `line_id` from stock row `stock_item_id`."""

    line_id: int
    stock_item_id: int
    qty: int


@dataclass(frozen=True)
class Shortage:
    """A SKU the order needs more of than the warehouse has available."""

    sku_id: int | None
    needed: int
    available: int

    @property
    def missing(self):
        return self.needed - self.available


@dataclass(frozen=True)
class Plan:
    """Everything one warehouse reserves for (part of) an order."""

    warehouse_id: int
    picks: tuple


@dataclass(frozen=True)
class Decision:
    """The outcome: a complete `plan`, or `shortages` (and a `split` plan when splitting is allowed)."""

    plan: Plan | None
    shortages: tuple = ()
    short_warehouse_id: int | None = None
    split: tuple = field(default=())

    @property
    def complete(self):
        return self.plan is not None


def rank_warehouses(warehouses, region, rule=RULE_DISTANCE, distances=None):
    """Warehouse ids in order of preference for an order shipping to `region`.

    `distances` maps (warehouse_id, region) -> km; a warehouse in the order's own region with no
    entry counts as 0 km, any other missing entry as unknown (after every known distance).
    """
    if rule not in RULES:
        raise ValueError(f"unknown warehouse rule {rule!r}")
    distances = distances or {}

    def distance(w):
        if (w.id, region) in distances:
            return distances[(w.id, region)]
        return 0 if region and w.region == region else UNKNOWN_DISTANCE

    if rule == RULE_PRIORITY:
        key = lambda w: (w.priority, w.id)  # noqa: E731
    else:
        key = lambda w: (distance(w), w.priority, w.id)  # noqa: E731
    return [w.id for w in sorted(warehouses, key=key)]


def demand(lines):
    """Total quantity wanted per SKU (several lines may name the same SKU)."""
    totals = {}
    for line in lines:
        totals[line.sku_id] = totals.get(line.sku_id, 0) + line.qty
    return totals


def _available_by_sku(stock, warehouse_id):
    totals = {}
    for row in stock:
        if row.warehouse_id == warehouse_id and row.available > 0:
            totals[row.sku_id] = totals.get(row.sku_id, 0) + row.available
    return totals


def shortages_in(lines, stock, warehouse_id):
    """Every SKU the warehouse cannot cover in full, sorted by SKU id (None first)."""
    have = _available_by_sku(stock, warehouse_id)
    short = [Shortage(sku, need, have.get(sku, 0) if sku is not None else 0)
             for sku, need in demand(lines).items()
             if sku is None or have.get(sku, 0) < need]
    return tuple(sorted(short, key=lambda s: (s.sku_id is not None, s.sku_id or 0)))


def choose_bins(qty, bins):
    """[(stock_item_id, qty)] covering `qty` from the fewest bins (see the module docstring)."""
    usable = [b for b in bins if b.available > 0]
    covering = [b for b in usable if b.available >= qty]
    if covering:
        best = min(covering, key=lambda b: (b.fifo, b.level, b.available, b.stock_item_id))
        return [(best.stock_item_id, qty)]
    taken, remaining = [], qty
    for b in sorted(usable, key=lambda b: (-b.available, b.fifo, b.level, b.stock_item_id)):
        if remaining <= 0:
            break
        take = min(remaining, b.available)
        taken.append((b.stock_item_id, take))
        remaining -= take
    if remaining > 0:
        raise ValueError("not enough stock in these bins")
    return taken


def plan_for_warehouse(lines, stock, warehouse_id):
    """The picks that serve every line from one warehouse; assumes shortages_in(...) is empty."""
    left = {row.stock_item_id: row for row in stock if row.warehouse_id == warehouse_id}
    picks = []
    for line in lines:
        bins = [row for row in left.values() if row.sku_id == line.sku_id]
        for stock_item_id, qty in choose_bins(line.qty, bins):
            picks.append(Pick(line.line_id, stock_item_id, qty))
            row = left[stock_item_id]
            left[stock_item_id] = BinStock(row.stock_item_id, row.warehouse_id, row.sku_id,
                                           row.available - qty, row.level, row.fifo)
    return Plan(warehouse_id, tuple(picks))


def allocate(lines, stock, ranking, allow_split=False):
    """Decide where the order ships from: complete from the best-ranked able warehouse, or shortages."""
    lines = [line for line in lines if line.qty > 0]
    if not lines:
        raise ValueError("an order with no quantity cannot be allocated")
    if not ranking:
        return Decision(None, shortages_in(lines, stock, None), None)
    by_warehouse = {wid: shortages_in(lines, stock, wid) for wid in ranking}
    for wid in ranking:
        if not by_warehouse[wid]:
            return Decision(plan_for_warehouse(lines, stock, wid))
    closest = min(ranking, key=lambda wid: (sum(s.missing for s in by_warehouse[wid]), ranking.index(wid)))
    split = split_plan(lines, stock, ranking) if allow_split else ()
    return Decision(None, by_warehouse[closest], closest, split)


def split_plan(lines, stock, ranking):
    """Plans over several warehouses that together serve every line in full, or () if none can."""
    remaining = [line for line in lines if line.qty > 0]
    if any(line.sku_id is None for line in remaining):
        return ()
    stock = list(stock)
    plans = []
    while remaining:
        best = max(ranking, key=lambda wid: (_coverable(remaining, stock, wid), -ranking.index(wid)))
        if _coverable(remaining, stock, best) == 0:
            return ()
        part, remaining = _take_part(remaining, stock, best)
        plan = plan_for_warehouse(part, stock, best)
        used = {}
        for pick in plan.picks:
            used[pick.stock_item_id] = used.get(pick.stock_item_id, 0) + pick.qty
        stock = [BinStock(r.stock_item_id, r.warehouse_id, r.sku_id, r.available - used.get(r.stock_item_id, 0),
                          r.level, r.fifo) for r in stock]
        plans.append(plan)
    return tuple(plans)


def _coverable(lines, stock, warehouse_id):
    have = _available_by_sku(stock, warehouse_id)
    return sum(min(need, have.get(sku, 0)) for sku, need in demand(lines).items())


def _take_part(lines, stock, warehouse_id):
    """Split lines into what the warehouse serves now and what is left for the others."""
    have = _available_by_sku(stock, warehouse_id)
    part, rest = [], []
    for line in lines:
        take = min(line.qty, have.get(line.sku_id, 0))
        have[line.sku_id] = have.get(line.sku_id, 0) - take
        if take:
            part.append(Line(line.line_id, line.sku_id, take))
        if line.qty - take:
            rest.append(Line(line.line_id, line.sku_id, line.qty - take))
    return part, rest
