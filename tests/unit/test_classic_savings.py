"""Classic savings: the heap-and-bounds implementation merges exactly as the textbook does; the tour
bound never exceeds the exact route; the bounded DP answers exactly below its bound; the batch
search keeps every batching valid and never ends longer than its seed."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from tests import batching_orders
from wms.picking.batching import Limits, classic_savings, plan_batches
from wms.picking.layout import build_layout
from wms.picking.routing import exact_length_below, route_length
from wms.picking.tour_bounds import BoundTable

LAYOUTS = {n: build_layout(6, n, 30.0, aisle_spacing=3.0, cross_aisle_width=2.0, depot_aisle=2) for n in (1, 2, 3)}
INF = float("inf")


def random_orders(layout, n, seed, max_lines=4):
    return batching_orders.random_orders(layout, n, seed, max_lines=max_lines, sides=True, weight=(0.1, 5.0))


def textbook_savings(orders, limits, route):
    """Clarke & Wright as written: every step, every feasible pair's saving, merge the largest."""
    batches = [[i] for i in range(len(orders))]

    def length(batch):
        return route(frozenset(loc for i in batch for loc in orders[i].locations))

    while True:
        best = None
        for x in range(len(batches)):
            for y in range(x + 1, len(batches)):
                a, b = batches[x], batches[y]
                if not limits.fits([orders[i] for i in a + b]):
                    continue
                saving = length(a) + length(b) - length(a + b)
                tie = tuple(sorted((min(a), min(b))))
                if saving > 1e-9 and (best is None or (saving, [-t for t in tie]) > (best[0], [-t for t in best[1]])):
                    best = (saving, tie, x, y)
        if best is None:
            return sorted(sorted(b) for b in batches)
        _, _, x, y = best
        batches[x] = batches[x] + batches[y]
        del batches[y]


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
@pytest.mark.parametrize("seed", range(3))
def test_classic_savings_merges_exactly_as_the_textbook_does(n_blocks, seed):
    layout = LAYOUTS[n_blocks]
    orders = random_orders(layout, 18, seed=f"{n_blocks}-{seed}")
    limits = Limits(max_orders=10, max_lines=8)

    def route(locations):
        return route_length(layout, locations)

    expected = textbook_savings(orders, limits, route)
    for kwargs in ({}, {"bounds": BoundTable(layout)},
                   {"bounds": BoundTable(layout), "route_below": lambda s, u: exact_length_below(layout, s, u)}):
        batches = classic_savings(orders, limits, route, **kwargs)
        assert sorted(sorted(b.order_ids) for b in batches) == expected
        for b in batches:
            assert b.length == pytest.approx(route({loc for i in b.order_ids for loc in orders[i].locations}))


def test_classic_savings_stops_at_the_capacity():
    layout = LAYOUTS[1]
    orders = random_orders(layout, 30, seed=9)
    limits = Limits(max_orders=3, max_lines=6)
    batches = classic_savings(orders, limits, lambda s: route_length(layout, s), bounds=BoundTable(layout))
    assert sorted(i for b in batches for i in b.order_ids) == list(range(30))
    assert all(limits.fits([orders[i] for i in b.order_ids]) for b in batches)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 10**6), st.integers(1, 14))
def test_the_tour_bound_never_exceeds_the_exact_route(n_blocks, seed, n):
    layout = LAYOUTS[n_blocks]
    rng = random.Random(seed)
    locations = [loc for o in random_orders(layout, n, rng.random(), max_lines=1) for loc in o.locations]
    table = BoundTable(layout)
    assert table.lower_bound(table.subaisles(locations)) <= route_length(layout, locations, "exact") + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 10**6), st.integers(1, 12), st.floats(0.5, 1.5))
def test_the_bounded_dp_is_exact_below_its_bound_and_inf_above(n_blocks, seed, n, factor):
    layout = LAYOUTS[n_blocks]
    locations = [loc for o in random_orders(layout, n, seed, max_lines=1) for loc in o.locations]
    exact = route_length(layout, locations, "exact")
    found = exact_length_below(layout, locations, exact * factor)
    if exact < exact * factor - 1e-9:
        assert found == pytest.approx(exact)
    elif exact >= exact * factor:
        assert found == INF


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 10**6), st.integers(1, 30), st.integers(4, 12))
def test_a_plan_is_valid_and_never_longer_than_its_classic_savings_seed(n_blocks, seed, n, max_lines):
    layout = LAYOUTS[n_blocks]
    orders = random_orders(layout, n, seed)
    limits = Limits(max_orders=6, max_lines=max_lines)

    def route(locations):
        return route_length(layout, locations)

    seeded = classic_savings(orders, limits, route, bounds=BoundTable(layout))
    planned = plan_batches(orders, limits, route, locate=layout.xy, time_budget=0.2, bounds=BoundTable(layout),
                           route_below=lambda s, u: exact_length_below(layout, s, u))
    assert sorted(i for b in planned for i in b.order_ids) == list(range(n))
    for b in planned:
        assert limits.fits([orders[i] for i in b.order_ids])
        assert b.length == pytest.approx(route({loc for i in b.order_ids for loc in orders[i].locations}))
    assert sum(b.length for b in planned) <= sum(b.length for b in seeded) + 1e-6
