"""Batching benchmark: classic Clarke & Wright savings against plan_batches (and FCFS), total walk.

Issue 22's instances: layouts of 10 aisles x 90 slots as 1, 2 and 3 blocks (as bench/routing.py);
orders of 1-4 lines at uniformly random slots (seeded); a batch holds 10 lines (and up to 10 orders).
Every batch is routed with the exact DP, the same for both sides: wms/picking/sweep.py by default
(``--router routing``: routing.route_length; the lengths are equal, tests/unit/test_sweep.py). The
baseline is the classic savings algorithm (wms/picking/savings.py: savings recomputed after every
merge, every batch routed exactly; checked against a literal implementation in
tests/unit/test_classic_savings.py); plan_batches gets
``--budget`` seconds (default 10 for 500 orders, 30 for 2,000), wall clock, one process.
``below_classic_savings_pct`` is how much shorter plan_batches' total is (negative: longer).
``load`` / ``load_after`` are the 1-minute load average before and after (2 cores shared): with a load
of 6-10 a process gets a fifth of a core, so ``cpu_seconds`` says how much search the budget bought.

Prints one JSON line per layout x order count. Run from the repo root:
    .venv/bin/python bench/batching.py [--sizes 500,2000] [--layouts single_block,two_block] [--budget S]
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from wms.picking.batching import Limits, Order, RouteCache, classic_savings, fcfs, plan_batches  # noqa: E402
from wms.picking.layout import build_layout  # noqa: E402
from wms.picking.routing import exact_length_below, route_length  # noqa: E402
from wms.picking.sweep import routers  # noqa: E402
from wms.picking.tour_bounds import BoundTable  # noqa: E402

LAYOUTS = {
    "single_block": build_layout(10, 1, 90.0),
    "two_block": build_layout(10, 2, 90.0),
    "three_block": build_layout(10, 3, 90.0),
}
LIMITS = Limits(max_orders=10, max_lines=10)
BUDGETS = {500: 10.0, 2000: 30.0}
ROUTER = "sweep"


def make_orders(layout, n, seed):
    rng = random.Random(seed)
    orders = []
    for i in range(n):
        lines = []
        for _ in range(rng.randint(1, 4)):
            block = rng.randrange(layout.n_blocks)
            lines.append(layout.slot(rng.randrange(layout.n_aisles), block,
                                     rng.randrange(layout.slots_in_block(block)), rng.choice("LR")))
        orders.append(Order(i, tuple(lines)))
    return orders


def timed(fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


def run(name, layout, n, budget):
    orders = make_orders(layout, n, f"{name}-{n}")

    bounds = BoundTable(layout)
    if ROUTER == "routing":
        def route(locations):
            return route_length(layout, locations)

        def below(locations, upper):
            return exact_length_below(layout, locations, upper)
    else:
        route, below = routers(layout)

    def router():
        return RouteCache(route)

    def total(batches):
        return sum(b.length for b in batches)

    load = os.getloadavg()[0]
    first, fcfs_s, _ = timed(lambda: fcfs(orders, LIMITS, router()))
    classic, classic_s, classic_cpu = timed(
        lambda: classic_savings(orders, LIMITS, router(), bounds=bounds, route_below=below))
    planned, plan_s, plan_cpu = timed(
        lambda: plan_batches(orders, LIMITS, router(), locate=layout.xy, time_budget=budget, bounds=bounds,
                             route_below=below))
    print(json.dumps({
        "layout": name, "orders": n, "lines": sum(o.n_lines for o in orders),
        "fcfs_distance": round(total(first), 1),
        "classic_savings_distance": round(total(classic), 1),
        "plan_distance": round(total(planned), 1),
        "below_classic_savings_pct": round(100 * (1 - total(planned) / total(classic)), 2),
        "below_fcfs_pct": round(100 * (1 - total(planned) / total(first)), 2),
        "seconds": round(plan_s, 2), "cpu_seconds": round(plan_cpu, 2), "budget_s": budget,
        "classic_savings_seconds": round(classic_s, 2), "classic_savings_cpu_seconds": round(classic_cpu, 2),
        "batches": len(planned), "classic_batches": len(classic), "router": ROUTER,
        "load": round(load, 2), "load_after": round(os.getloadavg()[0], 2),
    }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000", help="order counts, comma separated")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="layout names, comma separated")
    parser.add_argument("--budget", type=float, default=None, help="plan_batches' seconds (default by size)")
    parser.add_argument("--router", default="sweep", choices=("sweep", "routing"),
                        help="exact DP for both sides: wms/picking/sweep.py (default) or routing.route_length")
    args = parser.parse_args()
    global ROUTER
    ROUTER = args.router
    for name in args.layouts.split(","):
        for n in (int(x) for x in args.sizes.split(",")):
            run(name, LAYOUTS[name], n, args.budget if args.budget is not None else BUDGETS.get(n, 10.0))


if __name__ == "__main__":
    main()
