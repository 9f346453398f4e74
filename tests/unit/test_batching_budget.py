"""A plan keeps to its time budget: classic savings gives up at its deadline (None, never a partial
batching) and plan_batches then seeds with the seed algorithm, still batching every order once within
every limit."""
import time

from tests.batching_orders import random_orders
from wms.picking.batching import Limits, plan_batches
from wms.picking.layout import build_layout
from wms.picking.savings import savings_groups
from wms.picking.sweep import routers
from wms.picking.tour_bounds import BoundTable

LAYOUT = build_layout(10, 2, 60.0)


def orders(n, seed=0):
    return random_orders(LAYOUT, n, seed, weight=(0.1, 3.0), weight_digits=None)


def test_classic_savings_gives_up_at_its_deadline():
    route, below = routers(LAYOUT)
    found = savings_groups(orders(200), Limits(max_orders=10, max_lines=10), route, bounds=BoundTable(LAYOUT),
                           below=below, deadline=time.perf_counter() - 1.0)
    assert found is None


def test_classic_savings_before_its_deadline_is_the_plain_one():
    route, below = routers(LAYOUT)
    some = orders(40, seed=3)
    limits = Limits(max_orders=10, max_lines=10)
    plain = savings_groups(some, limits, route, bounds=BoundTable(LAYOUT), below=below)
    timed = savings_groups(some, limits, route, bounds=BoundTable(LAYOUT), below=below,
                           deadline=time.perf_counter() + 600.0)
    assert timed == plain and sorted(i for g in plain for i in g) == list(range(40))


def test_a_plan_whose_savings_seed_runs_out_of_time_is_still_complete_and_within_limits():
    some = orders(300, seed=5)
    limits = Limits(max_orders=8, max_lines=10, max_weight=9.0)
    route, below = routers(LAYOUT)
    planned = plan_batches(some, limits, route, locate=LAYOUT.xy, time_budget=0.05, bounds=BoundTable(LAYOUT),
                           route_below=below)
    assert sorted(i for b in planned for i in b.order_ids) == list(range(300))
    by_id = {o.id: o for o in some}
    for b in planned:
        assert limits.fits([by_id[i] for i in b.order_ids])
        assert abs(b.length - route([loc for i in b.order_ids for loc in by_id[i].locations])) < 1e-6


def test_savings_in_a_hurry_still_batches_every_order_once_within_the_limits():
    route, below = routers(LAYOUT)
    some = orders(120, seed=8)
    limits = Limits(max_orders=6, max_lines=10, max_weight=8.0)
    hurried = savings_groups(some, limits, route, bounds=BoundTable(LAYOUT), below=below, partners=10,
                             hurry=time.perf_counter() - 1.0)
    assert sorted(i for g in hurried for i in g) == list(range(120))
    assert all(limits.fits([some[i] for i in g]) for g in hurried)
    unhurried = savings_groups(some, limits, route, bounds=BoundTable(LAYOUT), below=below, partners=10)
    assert len(hurried) < 120 and len(unhurried) < 120
