"""Batching benchmark: total walking distance of FCFS, savings, seed construction and improved batching.

Same three layouts as bench/routing.py (10 aisles x 90 slots as 1, 2 and 3 blocks). Orders have 1-5
lines at uniformly random slots (seeded), weights 0.1-5 kg; a batch holds 8 orders (tote slots).
Every batch is routed with the exact router (``route_length(layout, locations)``), each algorithm with
its own route cache so the seconds are its own. Savings uses all pairs up to 150 orders and each
order's 15 nearest neighbours by centroid beyond (2,000 orders would mean 2 million pair routes).
``seconds`` (wall) and ``cpu_seconds`` are construction plus improvement of the improved batching;
construction adapts to about 3 s, the improvement's time budget is ``--budget`` seconds (default 4),
wall clock, so on a busy machine it gets less CPU.

Prints one JSON line per layout x order count. Run from the repo root:
    .venv/bin/python bench/batching.py [--quick] [--budget SECONDS]
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from wms.picking.batching import Limits, Order, RouteCache, fcfs, improve, savings, seed_batches  # noqa: E402
from wms.picking.layout import build_layout  # noqa: E402
from wms.picking.routing import route_length  # noqa: E402

LAYOUTS = {
    "single_block": build_layout(10, 1, 90.0),
    "two_block": build_layout(10, 2, 90.0),
    "three_block": build_layout(10, 3, 90.0),
}
LIMITS = Limits(max_orders=8)
CONSTRUCTION_BUDGET = 3.0  # seconds; the seed routes fewer candidates per step when routes are slow


def make_orders(layout, n, seed):
    rng = random.Random(seed)
    orders = []
    for i in range(n):
        lines = []
        for _ in range(rng.randint(1, 5)):
            block = rng.randrange(layout.n_blocks)
            lines.append(layout.slot(rng.randrange(layout.n_aisles), block,
                                     rng.randrange(layout.slots_in_block(block)), rng.choice("LR")))
        orders.append(Order(i, tuple(lines), weight=round(rng.uniform(0.1, 5.0), 2)))
    return orders


def timed(fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


def run(name, layout, n, budget):
    orders = make_orders(layout, n, f"{name}-{n}")

    def router():
        return RouteCache(lambda locations: route_length(layout, locations))

    def total(batches):
        return sum(b.length for b in batches)

    first, fcfs_s, _ = timed(lambda: fcfs(orders, LIMITS, router()))
    paired, savings_s, _ = timed(lambda: savings(orders, LIMITS, router(), locate=layout.xy))
    cache = router()
    seeded, seed_s, seed_cpu = timed(lambda: seed_batches(orders, LIMITS, cache, locate=layout.xy,
                                                          time_budget=CONSTRUCTION_BUDGET))
    better, improve_s, improve_cpu = timed(
        lambda: improve(orders, seeded, LIMITS, cache, locate=layout.xy, time_budget=budget))
    print(json.dumps({
        "layout": name, "orders": n,
        "fcfs_distance": round(total(first), 1),
        "savings_distance": round(total(paired), 1),
        "construction_distance": round(total(seeded), 1),
        "improved_distance": round(total(better), 1),
        "improvement_vs_fcfs_pct": round(100 * (1 - total(better) / total(first)), 2),
        "improvement_vs_savings_pct": round(100 * (1 - total(better) / total(paired)), 2),
        "seconds": round(seed_s + improve_s, 2), "cpu_seconds": round(seed_cpu + improve_cpu, 2),
        "construction_seconds": round(seed_s, 2), "fcfs_seconds": round(fcfs_s, 2),
        "savings_seconds": round(savings_s, 2), "batches": len(better),
        "improvement_budget_s": budget,
    }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 500 orders only, 1 s budget")
    parser.add_argument("--budget", type=float, default=None, help="improvement time budget, seconds")
    args = parser.parse_args()
    budget = args.budget if args.budget is not None else (1.0 if args.quick else 4.0)
    sizes = (100, 500) if args.quick else (100, 500, 2000)
    for name, layout in LAYOUTS.items():
        for n in sizes:
            run(name, layout, n, budget)


if __name__ == "__main__":
    main()
