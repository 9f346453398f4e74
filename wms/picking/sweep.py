"""Exact batch route lengths for batching, without building the route. Pure.

The same dynamic programme as ``routing.route_length(..., "exact")`` (Ratliff & Rosenthal 1983;
Roodbergen & de Koster 2001 for several cross aisles; the state tables are routing's), computing the
length only: no back-pointers, no Location grouping or validation per call. Its input is a batch's
sub-aisle picture ``{(aisle, block): sorted tuple of absolute ys}`` (``tour_bounds.BoundTable.subaisles``);
the length depends on each sub-aisle only through its nearest pick to either cross aisle and its largest
gap. O(aisles x blocks x states) per call; CPU per 10-line batch of bench/batching.py's instances
(10 aisles): 0.12 / 0.35 / 2.0 ms on one / two / three blocks against routing's 0.17 / 0.45 / 3.1.
With ``upper`` it drops the states that cannot finish below it (their cost plus the least the rest of
the sweep must add), returning INF as soon as none can: 0.08 / 0.20 / 1.0 ms with a tight bound.

``routers(layout)`` gives the pair batching takes, ``route_length(locations)`` and
``route_below(locations, upper)`` (the exact length if below ``upper``, else INF), on this sweep.
"""
from typing import Iterable, Mapping

from wms.picking.routing import FROM_BACK, FROM_FRONT, GAP, NONE, TRAVERSE, TWICE, _tables
from wms.picking.tour_bounds import BoundTable

INF = float("inf")
_EPS = 1e-9


class Sweep:
    """The exact tour length of a set of sub-aisle pictures in one layout."""

    def __init__(self, layout):
        tables = _tables(layout.n_blocks)
        self.n_blocks = layout.n_blocks
        self.cross_y = layout.cross_y
        self.lengths = tuple(layout.cross_y[b + 1] - layout.cross_y[b] for b in range(layout.n_blocks))
        self.depot_key = (layout.depot_aisle, 0)
        self.depot_y = layout.point(layout.depot)[2]
        self.sub = tables.sub
        spacing = layout.aisle_spacing
        self.crossing = [tuple((t, total * spacing) for t, total, _ in moves) for moves in tables.crossings]
        self.empty = [tuple((t, cost) for t, cost, _ in moves) for moves in tables.empty_aisle(self.lengths)]
        self.final = tables.final
        self.spacing = spacing
        self.empty_options = [((NONE, 0.0), (TRAVERSE, ln), (TWICE, 2 * ln)) for ln in self.lengths]

    def options(self, block: int, ys: tuple) -> tuple:
        """(pattern, cost) pairs of a sub-aisle holding picks at the sorted absolute ``ys``."""
        y0, length = self.cross_y[block], self.lengths[block]
        lo, hi = ys[0] - y0, ys[-1] - y0
        options = [(TRAVERSE, length), (TWICE, 2 * length), (FROM_FRONT, 2 * hi), (FROM_BACK, 2 * (length - lo))]
        if len(ys) > 1:
            gap = max(ys[i + 1] - ys[i] for i in range(len(ys) - 1))
            options.append((GAP, 2 * (length - gap)))
        return tuple(options)

    def length(self, subs: Mapping, upper: float = INF) -> float:
        """Exact tour length through every pick of ``subs`` and the depot; INF if not below ``upper``."""
        by_aisle = {}
        for (aisle, block), ys in subs.items():
            by_aisle.setdefault(aisle, {})[block] = ys
        depot_aisle, _ = self.depot_key
        depot_blocks = by_aisle.setdefault(depot_aisle, {})
        ys0 = depot_blocks.get(0, ())
        depot_blocks[0] = (self.depot_y,) + tuple(ys0)
        first, last = min(by_aisle), max(by_aisle)
        crossing, empty, sub, final, step = self.crossing, self.empty, self.sub, self.final, 2.0 * self.spacing
        plan = []
        for aisle in range(first, last + 1):
            blocks = by_aisle.get(aisle)
            if blocks is not None:
                blocks = [self.options(b, blocks[b]) if blocks.get(b) else self.empty_options[b]
                          for b in range(self.n_blocks)]
            plan.append(blocks)
        # the least the sweep still has to add after each aisle: two crossings per gap, each sub-aisle's
        # cheapest pattern (states costing more than upper minus it cannot finish below upper)
        rest, after = [0.0] * len(plan), 0.0
        for k in range(len(plan) - 1, -1, -1):
            rest[k] = after + step * max(0, len(plan) - 2 - k)
            after += sum(min(c for _, c in o) for o in plan[k]) if plan[k] else 0.0
        current = {0: 0.0}
        for k, blocks in enumerate(plan):
            if blocks is None:
                current = _moves(current, empty)
            else:
                for b, options in enumerate(blocks):
                    current = _relax(current, sub[b], options)
            if k < len(plan) - 1:
                current = _moves(current, crossing)
            if upper < INF:
                limit = upper - rest[k] + _EPS
                current = {s: c for s, c in current.items() if c <= limit}
                if not current:
                    return INF
        best = min((c for s, c in current.items() if final[s]), default=INF)
        return best if best < upper else INF


def routers(layout) -> tuple:
    """(route_length(locations), route_below(locations, upper)) of the exact tour on this layout."""
    sweep, table = Sweep(layout), BoundTable(layout)

    def route_length(locations: Iterable) -> float:
        return sweep.length(table.subaisles(_checked(layout, locations)))

    def route_below(locations: Iterable, upper: float) -> float:
        return sweep.length(table.subaisles(_checked(layout, locations)), upper)

    return route_length, route_below


def _checked(layout, locations: Iterable) -> list:
    locations = list(locations)
    for loc in locations:
        if not layout.contains(loc):
            raise ValueError(f"{loc} is outside the layout")
    return locations


def _relax(current: dict, table: list, options: tuple) -> dict:
    nxt = {}
    get = nxt.get
    for state, cost in current.items():
        row = table[state]
        for choice, extra in options:
            target = row[choice]
            value = cost + extra
            if value < get(target, INF):
                nxt[target] = value
    return nxt


def _moves(current: dict, moves: list) -> dict:
    nxt = {}
    get = nxt.get
    for state, cost in current.items():
        for target, extra in moves[state]:
            value = cost + extra
            if value < get(target, INF):
                nxt[target] = value
    return nxt

