"""Routing benchmark: gap to a reference and time per route, for every method, size and layout.

Layouts: 10 aisles x 90 slots (1 m each) as one block, as two blocks (a middle cross aisle) and as three
blocks; 3 m between aisles, 3 m cross aisles, depot in front of aisle 0. Pick lists are distinct
random slots (seeded). Reference: Held-Karp over shortest-path distances up to 10 bins; beyond, the
best of all methods and a long OR-Tools guided-local-search run (skipped with a message on stderr if
ortools is not installed: pip install -r bench/requirements.txt).

Times are CPU milliseconds per ``route()`` call (p50/p95), so other work on a shared machine does not
inflate them; ``p95_wall_ms`` is the wall-clock p95 for comparison.

Prints one JSON line per layout x method x size. Run from the repo root:
    .venv/bin/python bench/routing.py [--quick]
"""
import argparse
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from wms.picking.layout import build_layout  # noqa: E402
from wms.picking.routing import held_karp, route  # noqa: E402

LAYOUTS = {
    "single_block": build_layout(10, 1, 90.0),
    "two_block": build_layout(10, 2, 90.0),
    "three_block": build_layout(10, 3, 90.0),
}
SIZES = (5, 8, 10, 20, 30, 60)
METHODS = ("exact", "multiblock", "s_shape", "return", "midpoint", "largest_gap", "combined")
HELD_KARP_UP_TO = 10
ORTOOLS_SECONDS = {20: 0.3, 30: 0.5, 60: 1.0}


def ortools_solver():
    """A function dist -> tour length from OR-Tools, or None if it is not installed."""
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:
        print("ortools not importable: reference beyond 10 bins is the best of our methods only "
              "(pip install -r bench/requirements.txt)", file=sys.stderr)
        return None

    def solve(dist, seconds):
        scaled = [[int(round(d * 100)) for d in row] for row in dist]
        manager = pywrapcp.RoutingIndexManager(len(dist), 1, 0)
        model = pywrapcp.RoutingModel(manager)
        callback = model.RegisterTransitCallback(
            lambda i, j: scaled[manager.IndexToNode(i)][manager.IndexToNode(j)])
        model.SetArcCostEvaluatorOfAllVehicles(callback)
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.time_limit.FromMilliseconds(int(seconds * 1000))
        return model.SolveWithParameters(params).ObjectiveValue() / 100.0

    return solve


def instance(layout, rng, size):
    """``size`` distinct random slots (bins) of the layout."""
    slots = set()
    while len(slots) < size:
        block = rng.randrange(layout.n_blocks)
        slots.add((rng.randrange(layout.n_aisles), block, rng.randrange(layout.slots_in_block(block))))
    return [layout.slot(a, b, s, rng.choice("LR")) for a, b, s in sorted(slots)]


def run_size(name, layout, size, n_instances, solver):
    rng = random.Random(f"{name}-{size}")
    lengths = {m: [] for m in METHODS}
    times = {m: [] for m in METHODS}
    walls = {m: [] for m in METHODS}
    references = []
    for _ in range(n_instances):
        locations = instance(layout, rng, size)
        for method in METHODS:
            started, cpu = time.perf_counter(), time.process_time()
            result = route(layout, locations, method)
            times[method].append((time.process_time() - cpu) * 1000)
            walls[method].append((time.perf_counter() - started) * 1000)
            lengths[method].append(result.length)
        points = [layout.point(layout.depot)] + [layout.point(loc) for loc in locations]
        dist = layout.distance_matrix(points)
        if size <= HELD_KARP_UP_TO:
            references.append(held_karp(dist)[0])
        else:
            best = min(lengths[m][-1] for m in METHODS)
            if solver:
                best = min(best, solver(dist, ORTOOLS_SECONDS.get(size, 1.0)))
            references.append(best)
    kind = "held_karp" if size <= HELD_KARP_UP_TO else ("best_of_methods+ortools" if solver else "best_of_methods")
    for method in METHODS:
        gaps = [100.0 * (x / r - 1.0) for x, r in zip(lengths[method], references)]
        ordered, wall = sorted(times[method]), sorted(walls[method])
        print(json.dumps({
            "layout": name, "method": method, "size": size, "reference": kind,
            "gap_mean_pct": round(statistics.mean(gaps), 3), "gap_max_pct": round(max(gaps), 3),
            "p50_ms": round(ordered[len(ordered) // 2], 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
            "p95_wall_ms": round(wall[min(len(wall) - 1, int(0.95 * len(wall)))], 3),
            "instances": n_instances,
        }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few instances per size")
    args = parser.parse_args()
    solver = ortools_solver()
    for name, layout in LAYOUTS.items():
        for size in SIZES:
            n = 5 if args.quick else (40 if size <= 30 else 25)
            run_size(name, layout, size, n, solver)


if __name__ == "__main__":
    main()
