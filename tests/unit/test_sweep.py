"""The sweep gives exactly the exact router's length for any pick set on one to four blocks, odd widths
and depots anywhere; an upper bound makes it answer INF, never a wrong length; classic savings on its
routers merges exactly as on the exact router; a location outside the layout is refused."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from tests.batching_orders import random_layout, random_picks
from wms.picking.batching import Limits, Order, classic_savings
from wms.picking.layout import Location, build_layout
from wms.picking.routing import exact_length_below, route_length
from wms.picking.sweep import INF, Sweep, routers
from wms.picking.tour_bounds import BoundTable


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10**9), st.integers(0, 14))
def test_the_lean_sweep_is_the_exact_route_length(n_blocks, seed, n):
    rng = random.Random(seed)
    layout = random_layout(rng, n_blocks)
    locations = random_picks(layout, rng, n)
    picture = BoundTable(layout).subaisles(locations)
    assert Sweep(layout).length(picture) == pytest.approx(route_length(layout, locations, "exact"))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10**9), st.floats(0.5, 1.5))
def test_an_upper_bound_gives_the_length_below_it_and_inf_above(n_blocks, seed, factor):
    rng = random.Random(seed)
    layout = random_layout(rng, n_blocks)
    locations = random_picks(layout, rng, rng.randint(1, 10))
    picture = BoundTable(layout).subaisles(locations)
    exact = route_length(layout, locations, "exact")
    found = Sweep(layout).length(picture, exact * factor)
    if exact < exact * factor - 1e-9:
        assert found == pytest.approx(exact)
    else:
        assert found == INF


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_classic_savings_on_the_sweep_routers_merges_as_on_the_exact_router(n_blocks):
    rng = random.Random(f"savings-{n_blocks}")
    layout = build_layout(7, n_blocks, 45.0, depot_aisle=3)
    orders = [Order(i, tuple(random_picks(layout, rng, rng.randint(1, 4)))) for i in range(40)]
    limits = Limits(max_orders=10, max_lines=10)
    route_length_, route_below = routers(layout)
    expected = classic_savings(orders, limits, lambda s: route_length(layout, s), bounds=BoundTable(layout),
                               route_below=lambda s, u: exact_length_below(layout, s, u))
    found = classic_savings(orders, limits, route_length_, bounds=BoundTable(layout), route_below=route_below)
    assert [b.order_ids for b in found] == [b.order_ids for b in expected]
    assert [b.length for b in found] == pytest.approx([b.length for b in expected])


def test_the_routers_refuse_a_location_outside_the_layout():
    layout = build_layout(4, 2, 20.0)
    route_length_, route_below = routers(layout)
    outside = Location(9, 0, 1.0)
    with pytest.raises(ValueError, match="outside the layout"):
        route_length_([layout.slot(0, 0, 1), outside])
    with pytest.raises(ValueError, match="outside the layout"):
        route_below([outside], 100.0)
    assert route_length_([]) == 0.0
