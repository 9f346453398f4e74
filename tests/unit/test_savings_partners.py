"""Savings with partners: every order once within every limit; with every order a partner it is the
classic savings; and it ends as the classic one does, with no two batches left that fit together and
would save by merging."""

import pytest
from hypothesis import given, settings, strategies as st

from tests.batching_orders import random_orders
from wms.picking.batching import Limits
from wms.picking.layout import build_layout
from wms.picking.savings import savings_groups
from wms.picking.sweep import routers
from wms.picking.tour_bounds import BoundTable

LAYOUTS = {n: build_layout(8, n, 40.0, depot_aisle=1) for n in (1, 2, 3)}




def locations(orders, group):
    return frozenset(loc for i in group for loc in orders[i].locations)


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_with_every_order_a_partner_it_is_the_classic_savings(n_blocks):
    layout = LAYOUTS[n_blocks]
    orders = random_orders(layout, 30, f"all-{n_blocks}")
    limits = Limits(max_orders=10, max_lines=10)
    route, below = routers(layout)
    classic = savings_groups(orders, limits, route, bounds=BoundTable(layout), below=below)
    assert savings_groups(orders, limits, route, bounds=BoundTable(layout), below=below, partners=29) == classic


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 10**6), st.integers(2, 60), st.integers(1, 8),
       st.integers(4, 12))
def test_savings_with_few_partners_batches_every_order_once_and_leaves_no_saving_merge(n_blocks, seed, n, k,
                                                                                       max_lines):
    layout = LAYOUTS[n_blocks]
    orders = random_orders(layout, n, seed)
    limits = Limits(max_orders=6, max_lines=max_lines, max_weight=10.0)
    route, below = routers(layout)
    groups = savings_groups(orders, limits, route, bounds=BoundTable(layout), below=below, partners=k)
    assert sorted(i for g in groups for i in g) == list(range(n))
    for g in groups:
        assert limits.fits([orders[i] for i in g])
    for x, a in enumerate(groups):
        for b in groups[x + 1:]:
            if limits.fits([orders[i] for i in a + b]):
                saving = (route(locations(orders, a)) + route(locations(orders, b))
                          - route(locations(orders, a + b)))
                assert saving <= 1e-6
