"""Batching bound: how far below classic savings any batching of issue 22's single block can be.

bench/batching.py says how much shorter plan_batches is than classic savings; this says what is there to
find. For one of its waves (same layout, same seeded orders) it prints three totals beside classic
savings and plan_batches:

- ``lower_bound``: no batching walks less. The linear relaxation of set covering over every feasible
  batch (at most ``max_lines`` lines and ``max_orders`` orders), each batch costed by the tour bound of
  wms/picking/tour_bounds.py (never above the exact route: tests/unit/test_tour_bounds.py), solved by
  column generation (Desrosiers & Luebbecke, "A Primer in Column Generation", 2005). Columns are priced
  first by a greedy and a local search on the reduced profit, and when those find none, exactly by a
  mixed-integer program (HiGHS) that states the bound of one block: an even number of aisles walked end
  to end (two at least before the back cross aisle is used), each other aisle walked in and out from
  the front and from the back as far as its picks need, twice the rightmost aisle's distance across.
  When the exact pricing finds nothing, the LP's value bounds every batching (LP <= integer optimum
  with bound costs <= with route lengths). ``null`` when ``--seconds`` ran out first (500 orders do).
- ``pool_distance``: a batching found by set partitioning (HiGHS, ``--ip-seconds``) over every column
  met, costed by the exact router: what a solver finds that plan_batches' local search does not.
- ``lp_distance``: the LP's value as it stood at the end, a bound only when converged.

Single block with the depot at aisle 0 only (the program models one block). Needs highspy
(pip install -r bench/requirements.txt). 120 orders take about 5 min on one core. Prints one JSON line per size:
    .venv/bin/python bench/batching_bound.py [--sizes 120] [--seconds 1800] [--ip-seconds 300]
"""
import argparse
import json
import os
import random
import sys
import time

import highspy
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.batching import BUDGETS, LAYOUTS, LIMITS, make_orders  # noqa: E402
from wms.picking.batching import RouteCache, classic_savings, plan_batches  # noqa: E402
from wms.picking.sweep import routers  # noqa: E402
from wms.picking.tour_bounds import BoundTable, merge  # noqa: E402

LAYOUT = LAYOUTS["single_block"]
INF = highspy.kHighsInf
GREEDY_SEEDS = 60  # orders a greedy starts from per round, the highest duals first, rotating
GIVE_UP = 60.0  # metres of reduced profit a greedy may lose before it stops adding


def _highs(**options):
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.setOptionValue("threads", 1)
    for name, value in options.items():
        model.setOptionValue(name, value)
    return model


def _ints(values):
    return np.array(values, dtype=np.int32)


class Wave:
    """The orders, their lines, and each batch's tour bound (the columns' cost)."""

    def __init__(self, orders):
        self.orders = orders
        self.lines = [o.n_lines for o in orders]
        self.table = BoundTable(LAYOUT)
        self.subs = [self.table.subaisles(o.locations) for o in orders]

    def bound(self, batch) -> float:
        picture = {}
        for i in batch:
            picture = merge(picture, self.subs[i])
        return self.table.lower_bound(picture)

    def fits(self, batch) -> bool:
        return len(batch) <= LIMITS.max_orders and sum(self.lines[i] for i in batch) <= LIMITS.max_lines


class Master:
    """Set covering LP over the columns found so far: every order in at least one batch."""

    def __init__(self, wave):
        self.wave, self.columns, self.known = wave, [], set()
        self.lp = _highs()
        for _ in wave.orders:
            self.lp.addRow(1.0, INF, 0, _ints([]), np.array([]))

    def add(self, batch) -> bool:
        batch = tuple(sorted(int(i) for i in batch))
        if batch in self.known or not self.wave.fits(batch):
            return False
        self.known.add(batch)
        self.columns.append(batch)
        self.lp.addCol(self.wave.bound(batch), 0.0, INF, len(batch), _ints(batch), np.ones(len(batch)))
        return True

    def solve(self):
        self.lp.run()
        solution = self.lp.getSolution()
        return self.lp.getInfo().objective_function_value, np.array(solution.row_dual), np.array(solution.col_value)


class Pricing:
    """Batches of positive reduced profit (duals taken minus tour bound): heuristics, then the exact MIP."""

    def __init__(self, wave, rng):
        self.wave, self.rng, self.turn, self.mip = wave, rng, 0, None

    def profit(self, batch, duals) -> float:
        return sum(duals[i] for i in batch) - self.wave.bound(batch)

    def heuristic(self, master, duals, in_use, seeds=GREEDY_SEEDS) -> int:
        """Greedy batches from the highest-dual orders, then a descent from each and from the LP's batches."""
        wanted = [j for j in range(len(duals)) if duals[j] > 1e-6]
        by_dual = sorted(range(len(duals)), key=lambda i: -duals[i])
        starts = [self._greedy(by_dual[(self.turn + k) % len(duals)], duals, wanted) for k in range(seeds)]
        self.turn += seeds
        starts += [list(master.columns[c]) for c in np.nonzero(in_use > 1e-9)[0]]
        found = 0
        for batch in starts:
            batch, value = self._descend(batch, duals, wanted)
            found += value > 1e-6 and master.add(batch)
        return found

    def _greedy(self, seed, duals, wanted):
        batch, best, best_value = [seed], [seed], self.profit([seed], duals)
        value = best_value
        while len(batch) < LIMITS.max_orders:
            choice, choice_value = None, -float("inf")
            for j in wanted:
                if j not in batch and self.wave.fits(batch + [j]):
                    v = self.profit(batch + [j], duals)
                    if v > choice_value:
                        choice, choice_value = j, v
            if choice is None or choice_value < value - GIVE_UP:
                break
            batch.append(choice)
            value = choice_value
            if value > best_value:
                best, best_value = list(batch), value
        return best

    def _descend(self, batch, duals, wanted):
        """First-improvement adds, swaps and drops until none helps."""
        batch, value = list(batch), self.profit(batch, duals)
        candidates = list(wanted)
        self.rng.shuffle(candidates)
        moved = True
        while moved:
            moved = False
            neighbours = [batch + [j] for j in candidates if j not in batch]
            neighbours += [batch[:k] + batch[k + 1:] + [j] for j in candidates if j not in batch
                           for k in range(len(batch))]
            neighbours += [batch[:k] + batch[k + 1:] for k in range(len(batch))] if len(batch) > 1 else []
            for other in neighbours:
                if self.wave.fits(other):
                    v = self.profit(other, duals)
                    if v > value + 1e-7:
                        batch, value, moved = other, v, True
                        break
        return batch, value

    def exact(self, duals, seconds):
        """(batch, its profit, an upper bound on every batch's profit) by the MIP."""
        if self.mip is None:
            self.mip = _BoundProgram(self.wave)
        return self.mip.best(duals, seconds)


class _BoundProgram:
    """The single block's tour bound as a MIP over which orders to take (x): per aisle a, t (walked end to
    end, its length L), and staircases f (walked in from the front past each pick level) and b (from the
    back); every pick of a taken order is covered by t, f or b at its level; sum t = 2 k; the back only
    when k >= 1; h twice the rightmost aisle's distance across."""

    def __init__(self, wave):
        assert LAYOUT.n_blocks == 1 and LAYOUT.depot_aisle == 0
        self.wave, model = wave, _highs(mip_rel_gap=0.0)
        top, across = LAYOUT.cross_y[1], 2.0 * LAYOUT.aisle_spacing
        self.model = model

        def var(low, high, cost, integer=True):
            index = model.getNumCol()
            model.addVar(low, high)
            model.changeColCost(index, cost)
            if integer:
                model.changeColIntegrality(index, highspy.HighsVarType.kInteger)
            return index

        def row(low, high, columns, values):
            model.addRow(low, high, len(columns), _ints(columns), np.array(values, dtype=np.float64))

        self.x = [var(0, 1, 0.0) for _ in wave.orders]
        h = var(0, INF, 1.0, integer=False)
        k = var(0, LAYOUT.n_aisles // 2, 0.0)
        t = [var(0, 1, top) for _ in range(LAYOUT.n_aisles)]
        points = [[(aisle, y) for (aisle, _), ys in subs.items() for y in ys] for subs in wave.subs]
        level = {}
        for aisle in range(LAYOUT.n_aisles):
            ys = sorted({y for picks in points for a, y in picks if a == aisle})
            front = [var(0, 1, 2.0 * (y - (ys[j - 1] if j else 0.0))) for j, y in enumerate(ys)]
            back = [var(0, 1, 2.0 * ((ys[j + 1] if j + 1 < len(ys) else top) - y)) for j, y in enumerate(ys)]
            for j in range(len(ys) - 1):
                row(0, INF, [front[j], front[j + 1]], [1.0, -1.0])
                row(0, INF, [back[j + 1], back[j]], [1.0, -1.0])
            if ys:
                row(-INF, 0, [back[-1], k], [1.0, -1.0])
            for j, y in enumerate(ys):
                level[aisle, y] = (front[j], back[j])
            row(0, INF, [h, t[aisle]], [1.0, -across * aisle])
        row(0, 0, t + [k], [1.0] * len(t) + [-2.0])
        for i, picks in enumerate(points):
            row(0, INF, [h, self.x[i]], [1.0, -across * max(a for a, _ in picks)])
            for aisle, y in picks:
                row(0, INF, [t[aisle], *level[aisle, y], self.x[i]], [1.0, 1.0, 1.0, -1.0])
        row(-INF, LIMITS.max_lines, self.x, wave.lines)
        row(-INF, LIMITS.max_orders, self.x, [1.0] * len(self.x))

    def best(self, duals, seconds):
        for i, column in enumerate(self.x):
            self.model.changeColCost(column, -float(duals[i]))
        self.model.setOptionValue("time_limit", float(seconds))
        self.model.run()
        info = self.model.getInfo()
        values = self.model.getSolution().col_value
        batch = [i for i, column in enumerate(self.x) if values[column] > 0.5]
        return batch, -info.objective_function_value, -info.mip_dual_bound


def column_generation(wave, master, seconds, rng):
    """Columns until the exact pricing finds none (the LP is then a bound) or ``seconds`` pass."""
    pricing, started = Pricing(wave, rng), time.perf_counter()
    while time.perf_counter() - started < seconds:
        value, duals, in_use = master.solve()
        if pricing.heuristic(master, duals, in_use) or pricing.heuristic(master, duals, in_use, len(duals)):
            continue
        left = seconds - (time.perf_counter() - started)
        batch, profit, most = pricing.exact(duals, max(1.0, left))
        if batch and abs(profit - pricing.profit(batch, duals)) > 1e-6:  # the MIP must state the bound itself
            raise RuntimeError(f"the MIP prices {batch} at {profit}, the tour bound at {pricing.profit(batch, duals)}")
        if batch and profit > 1e-6:
            master.add(batch)
        elif most <= 1e-6:
            return value, True
    return master.solve()[0], False


def best_partition(wave, master, route, start, seconds):
    """Set partitioning over the columns, each costed by its exact route; starts from ``start``."""
    model = _highs(time_limit=float(seconds))
    for _ in wave.orders:
        model.addRow(1.0, 1.0, 0, _ints([]), np.array([]))
    for batch in master.columns:
        model.addCol(route(frozenset(loc for i in batch for loc in wave.orders[i].locations)), 0.0, 1.0,
                     len(batch), _ints(batch), np.ones(len(batch)))
        model.changeColIntegrality(model.getNumCol() - 1, highspy.HighsVarType.kInteger)
    chosen = {tuple(sorted(b)) for b in start}
    incumbent = highspy.HighsSolution()
    incumbent.col_value = [1.0 if batch in chosen else 0.0 for batch in master.columns]
    incumbent.value_valid = True
    model.setSolution(incumbent)
    model.run()
    return model.getInfo().objective_function_value


def run(n, seconds, ip_seconds):
    orders = make_orders(LAYOUT, n, f"single_block-{n}")
    route, below = routers(LAYOUT)
    bounds = BoundTable(LAYOUT)
    index = {o.id: k for k, o in enumerate(orders)}
    classic = classic_savings(orders, LIMITS, RouteCache(route), bounds=bounds, route_below=below)
    planned = plan_batches(orders, LIMITS, RouteCache(route), locate=LAYOUT.xy,
                           time_budget=BUDGETS.get(n, 10.0), bounds=bounds, route_below=below)
    wave, started = Wave(orders), time.perf_counter()
    master = Master(wave)
    for batches in (classic, planned):
        for b in batches:
            master.add([index[i] for i in b.order_ids])
    for i in range(n):
        master.add([i])
    lp, converged = column_generation(wave, master, seconds, random.Random(n))
    plan_groups = [[index[i] for i in b.order_ids] for b in planned]
    pool = best_partition(wave, master, route, plan_groups, ip_seconds)
    totals = {"classic_savings": sum(b.length for b in classic), "plan": sum(b.length for b in planned),
              "pool": pool, "lower_bound": lp if converged else None}

    def below_classic(total):
        return None if total is None else round(100 * (1 - total / totals["classic_savings"]), 2)

    print(json.dumps({
        "layout": "single_block", "orders": n, "lines": sum(wave.lines),
        **{f"{name}_distance": None if total is None else round(total, 1) for name, total in totals.items()},
        **{f"{name}_below_classic_savings_pct": below_classic(total) for name, total in totals.items()
           if name != "classic_savings"},
        "lp_distance": round(lp, 1), "converged": converged, "columns": len(master.columns),
        "seconds": round(time.perf_counter() - started, 1), "plan_budget_s": BUDGETS.get(n, 10.0),
    }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="120", help="order counts, comma separated")
    parser.add_argument("--seconds", type=float, default=1800.0, help="column generation's time, per size")
    parser.add_argument("--ip-seconds", type=float, default=300.0, help="set partitioning's time, per size")
    args = parser.parse_args()
    for n in (int(x) for x in args.sizes.split(",")):
        run(n, args.seconds, args.ip_seconds)


if __name__ == "__main__":
    main()
