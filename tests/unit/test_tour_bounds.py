"""The tour bound (wms/picking/tour_bounds.py): never above the exact route on any layout, and exact
where parity or the farthest block decides the tour (an odd number of aisles worth traversing, one
aisle walked from the front only), which a bound pricing each aisle on its own missed."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from tests.batching_orders import random_layout, random_picks
from wms.picking.layout import build_layout
from wms.picking.routing import route_length
from wms.picking.tour_bounds import BoundTable

LAYOUT = build_layout(10, 1, 90.0)  # issue 22's single block: sub-aisles of 93 m, aisles 3 m apart


def at(aisle, *fractions):
    """Locations in one aisle of LAYOUT, at these fractions of its storage."""
    return [LAYOUT.slot(aisle, 0, int(f * LAYOUT.slots_in_block(0))) for f in fractions]


def bound(layout, locations):
    table = BoundTable(layout)
    return table.lower_bound(table.subaisles(locations))


def test_three_aisles_worth_traversing_cost_two_traversals_and_one_walk_in_and_out():
    # each aisle's picks at 30, 50 and 70 %: walked in and out it costs 1.4 of its length, so each alone
    # is worth traversing; three traversals would leave the picker at the back, so the tour traverses two
    locations = at(1, .3, .5, .7) + at(2, .3, .5, .7) + at(3, .3, .5, .7)
    exact = route_length(LAYOUT, locations, "exact")
    assert bound(LAYOUT, locations) == pytest.approx(exact)


def test_one_aisle_walked_from_the_front_costs_twice_its_deepest_pick():
    locations = at(1, .3, .5, .7)
    exact = route_length(LAYOUT, locations, "exact")
    assert bound(LAYOUT, locations) == pytest.approx(exact)


def test_no_points_no_walk():
    assert BoundTable(LAYOUT).lower_bound({}) == 0.0


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10**9), st.integers(1, 14))
def test_the_bound_never_exceeds_the_exact_route_on_any_layout(n_blocks, seed, n):
    rng = random.Random(seed)
    layout = random_layout(rng, n_blocks)
    locations = random_picks(layout, rng, n)
    assert bound(layout, locations) <= route_length(layout, locations, "exact") + 1e-9
