"""The annealing over order exchanges: every batching it returns is valid (each order once, every limit
held) and never longer than where it started; it undoes a hand-made bad mix; its remembered tour bound
is the table's."""
import random
import time

import pytest
from hypothesis import given, settings, strategies as st

from tests import batching_orders
from wms.picking.batch_annealing import Annealing, _memoised
from wms.picking.batch_search import Lengths
from wms.picking.batching import Limits, Order, fcfs
from wms.picking.layout import Location, build_layout
from wms.picking.sweep import routers
from wms.picking.tour_bounds import BoundTable

LAYOUT = build_layout(8, 2, 40.0)
ROUTE, BELOW = routers(LAYOUT)
BOUNDS = BoundTable(LAYOUT)


def random_orders(n, seed):
    return batching_orders.random_orders(LAYOUT, n, seed, volume=(1, 9))


def length(orders, group):
    return ROUTE(frozenset(loc for i in group for loc in orders[i].locations))


def anneal(orders, limits, groups, seconds=0.2, bounds=BOUNDS, seed=0):
    annealing = Annealing(orders, limits, Lengths(ROUTE, BELOW), bounds, groups)
    return annealing.run(time.perf_counter() + seconds, random.Random(seed), 3.0, 0.3)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 40), st.integers(0, 10**6), st.integers(1, 6), st.integers(4, 12),
       st.sampled_from([None, 6.0]), st.booleans())
def test_annealing_keeps_every_order_once_within_every_limit_and_never_lengthens(n, seed, max_orders, max_lines,
                                                                                 max_weight, with_bounds):
    orders = [o for o in random_orders(n, seed) if o.n_lines <= max_lines and o.weight <= (max_weight or 99)]
    limits = Limits(max_orders=max_orders, max_lines=max_lines, max_weight=max_weight, max_volume=25.0)
    orders = [o for o in orders if limits.fits([o])]
    orders = [Order(i, o.locations, o.weight, o.volume) for i, o in enumerate(orders)]
    if not orders:
        return
    start = [list(b.order_ids) for b in fcfs(orders, limits, ROUTE)]
    found = anneal(orders, limits, start, seconds=0.05, bounds=BOUNDS if with_bounds else None, seed=seed)
    assert sorted(i for g in found for i in g) == list(range(len(orders)))
    assert all(g and limits.fits([orders[i] for i in g]) for g in found)
    assert sum(length(orders, g) for g in found) <= sum(length(orders, g) for g in start) + 1e-6


def test_annealing_unmixes_two_batches_that_each_cross_the_warehouse():
    near = [Order(f"a{i}", (Location(0, 0, 5.0 + i),)) for i in range(2)]
    far = [Order(f"z{i}", (Location(7, 1, 15.0 + i),)) for i in range(2)]
    orders = [near[0], far[0], near[1], far[1]]
    found = anneal(orders, Limits(max_orders=2), [[0, 1], [2, 3]])
    assert sorted(sorted(orders[i].id for i in g) for g in found) == [["a0", "a1"], ["z0", "z1"]]


def test_a_full_batch_takes_an_order_only_by_giving_back_as_many_lines():
    orders = random_orders(30, seed=4)
    limits = Limits(max_orders=10, max_lines=6)
    orders = [o for o in orders if limits.fits([o])]
    orders = [Order(i, o.locations) for i, o in enumerate(orders)]
    start = [list(b.order_ids) for b in fcfs(orders, limits, ROUTE)]
    found = anneal(orders, limits, start, seconds=0.3)
    assert all(sum(orders[i].n_lines for i in g) <= 6 for g in found)
    assert sum(length(orders, g) for g in found) < sum(length(orders, g) for g in start)


def test_an_order_with_nothing_to_pick_stays_batched():
    orders = [Order(0, ()), Order(1, (Location(2, 0, 3.0),)), Order(2, (Location(2, 0, 9.0),))]
    found = anneal(orders, Limits(max_orders=1), [[0], [1], [2]], seconds=0.05)
    assert sorted(i for g in found for i in g) == [0, 1, 2]


@pytest.mark.parametrize("seed", range(5))
def test_the_remembered_bound_is_the_tables_bound(seed):
    orders = random_orders(12, seed)
    memo = _memoised(BOUNDS)
    for _ in range(2):
        for k in range(1, 12):
            picture = BOUNDS.subaisles(loc for o in orders[:k] for loc in o.locations)
            assert memo.lower_bound(picture) == BOUNDS.lower_bound(picture)
