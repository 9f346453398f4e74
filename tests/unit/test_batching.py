"""Batching: limits always hold, every order once, and the search beats first come first served."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from wms.picking.batching import (Batch, Limits, Order, RouteCache, fcfs, improve, plan_batches,
                                  savings, seed_batches)
from wms.picking.layout import Location, build_layout
from wms.picking.routing import route_length

LAYOUT = build_layout(8, 1, 40.0)


def route(locations):
    return route_length(LAYOUT, locations)


def locate(loc):
    return LAYOUT.x(loc.aisle), LAYOUT.point(loc)[2]


def random_orders(n, seed=0, max_lines=5):
    rng = random.Random(seed)
    return [Order(i, tuple(LAYOUT.slot(rng.randrange(8), 0, rng.randrange(40))
                           for _ in range(rng.randint(1, max_lines))),
                  weight=rng.uniform(0.5, 6.0), volume=rng.uniform(1, 10))
            for i in range(n)]


def total(batches):
    return sum(b.length for b in batches)


def assert_valid(batches, orders, limits):
    ids = [i for b in batches for i in b.order_ids]
    assert sorted(ids) == sorted(o.id for o in orders)
    by_id = {o.id: o for o in orders}
    for b in batches:
        assert limits.fits([by_id[i] for i in b.order_ids])
        assert b.length == pytest.approx(route({loc for i in b.order_ids for loc in by_id[i].locations}))


ALL = {
    "fcfs": lambda o, lim: fcfs(o, lim, route),
    "savings": lambda o, lim: savings(o, lim, route, locate=locate),
    "seed": lambda o, lim: seed_batches(o, lim, route, locate=locate),
    "plan": lambda o, lim: plan_batches(o, lim, route, locate=locate, time_budget=0.3),
}


@pytest.mark.parametrize("name", ALL)
def test_every_order_is_batched_once_within_every_limit(name):
    orders = random_orders(60, seed=1)
    limits = Limits(max_orders=6, max_lines=14, max_weight=20.0, max_volume=35.0)
    assert_valid(ALL[name](orders, limits), orders, limits)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 30), st.integers(0, 10**6), st.integers(1, 8), st.integers(5, 20))
def test_plans_respect_limits_on_any_order_set(n, seed, max_orders, max_lines):
    orders = random_orders(n, seed)
    limits = Limits(max_orders=max_orders, max_lines=max_lines)
    assert_valid(plan_batches(orders, limits, route, locate=locate, time_budget=0.05), orders, limits)


def test_fcfs_fills_batches_in_arrival_order():
    orders = random_orders(10)
    batches = fcfs(orders, Limits(max_orders=4), route)
    assert [b.order_ids for b in batches] == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9)]


def test_orders_in_the_same_aisle_are_batched_together():
    near = [Order(f"a{i}", (Location(0, 0, float(i)),)) for i in range(4)]
    far = [Order(f"z{i}", (Location(7, 0, float(i)),)) for i in range(4)]
    mixed = [o for pair in zip(near, far) for o in pair]
    for batches in (seed_batches(mixed, Limits(4), route, locate=locate),
                    plan_batches(mixed, Limits(4), route, locate=locate, time_budget=0.2),
                    savings(mixed, Limits(4), route, locate=locate)):
        assert sorted(sorted(b.order_ids) for b in batches) == [["a0", "a1", "a2", "a3"], ["z0", "z1", "z2", "z3"]]


def test_improvement_never_makes_the_total_longer_and_beats_fcfs():
    orders = random_orders(80, seed=3)
    limits = Limits(max_orders=8)
    start = fcfs(orders, limits, route)
    better = improve(orders, start, limits, route, locate=locate, time_budget=1.0)
    assert_valid(better, orders, limits)
    assert total(better) < 0.9 * total(start)


def test_an_order_too_big_for_any_batch_is_refused():
    with pytest.raises(ValueError):
        fcfs([Order(1, (Location(0, 0, 1.0),), weight=50.0)], Limits(max_weight=10.0), route)


def test_route_lengths_are_cached_by_the_set_of_locations():
    calls = []
    cache = RouteCache(lambda locs: calls.append(locs) or 1.0)
    a, b = Location(0, 0, 1.0), Location(1, 0, 2.0)
    assert cache([a, b]) == cache([b, a]) == cache(frozenset({a, b}))
    assert cache.calls == 1 and len(calls) == 1


def test_an_order_counts_one_line_per_location_unless_told():
    assert Order(1, (Location(0, 0, 1.0), Location(0, 0, 2.0))).n_lines == 2
    assert Order(1, (Location(0, 0, 1.0),), lines=3).n_lines == 3
    assert Batch((1,), 0.0).order_ids == (1,)
