"""Routing: exact against brute force, heuristics as valid tours, hand-checkable lengths."""
import itertools
import random

import pytest
from hypothesis import given, settings, strategies as st

from wms.picking.layout import Location, build_layout
from wms.picking.routing import METHODS, held_karp, improve_tour, route, route_length, tour_length

LAYOUTS = {n: build_layout(6, n, 30.0, aisle_spacing=3.0, cross_aisle_width=2.0, depot_aisle=2)
           for n in (1, 2, 3)}


def brute_force(layout, locations):
    """Shortest tour over every visiting order of the distinct points."""
    points = list(dict.fromkeys(layout.point(loc) for loc in locations))
    depot = layout.point(layout.depot)
    best = float("inf")
    for perm in itertools.permutations(points):
        stops = (depot,) + perm + (depot,)
        best = min(best, sum(layout.walk(stops[i], stops[i + 1]) for i in range(len(stops) - 1)))
    return best


def random_locations(layout, rng, n):
    out = []
    for _ in range(n):
        block = rng.randrange(layout.n_blocks)
        out.append(layout.slot(rng.randrange(layout.n_aisles), block,
                               rng.randrange(layout.slots_in_block(block)), rng.choice("LR")))
    return out


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_exact_matches_brute_force_over_every_visiting_order(n_blocks):
    layout, rng = LAYOUTS[n_blocks], random.Random(n_blocks)
    for _ in range(40):
        locations = random_locations(layout, rng, rng.randint(1, 6))
        assert route(layout, locations, "exact").length == pytest.approx(brute_force(layout, locations))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2), st.integers(0, 10**6), st.integers(1, 9))
def test_exact_equals_held_karp_and_its_order_walks_the_same_length(n_blocks, seed, n):
    layout = LAYOUTS[n_blocks]
    locations = random_locations(layout, random.Random(seed), n)
    points = [layout.point(layout.depot)] + list(dict.fromkeys(layout.point(x) for x in locations))
    optimum, _ = held_karp(layout.distance_matrix(points))
    result = route(layout, locations, "exact")
    assert result.length == pytest.approx(optimum)
    assert tour_length(layout, result.order) == pytest.approx(result.length)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_every_method_visits_each_location_once_and_walks_at_least_the_optimum(method, n_blocks):
    layout, rng = LAYOUTS[n_blocks], random.Random(7)
    for n in (1, 2, 5, 12, 25):
        locations = random_locations(layout, rng, n)
        result = route(layout, locations, method)
        assert sorted(result.order) == sorted(set(locations))
        optimum = route(layout, locations, "exact").length
        assert result.length >= optimum - 1e-6
        assert tour_length(layout, result.order) <= result.length + 1e-6


def test_a_single_pick_is_walked_out_and_back():
    layout = LAYOUTS[1]
    loc = Location(4, 0, 5.5)
    for method in METHODS:
        assert route(layout, [loc], method).length == pytest.approx(2 * (6.0 + 1.0 + 5.5))


def test_s_shape_traverses_both_aisles_and_the_exact_route_returns_when_picks_are_near_the_front():
    layout = LAYOUTS[1]  # aisles 32 m from cross aisle to cross aisle, depot in front of aisle 2
    picks = [Location(2, 0, 1.0), Location(3, 0, 1.0)]
    assert route(layout, picks, "s_shape").length == pytest.approx(2 * 32.0 + 2 * 3.0)
    assert route(layout, picks, "exact").length == pytest.approx(4 * 2.0 + 2 * 3.0)


def test_an_empty_pick_list_is_a_zero_length_route():
    assert route(LAYOUTS[2], []).length == 0.0
    assert route(LAYOUTS[2], []).order == ()


def test_both_sides_of_one_slot_are_picked_on_the_same_stop():
    layout = LAYOUTS[1]
    left, right = Location(1, 0, 3.0, "L"), Location(1, 0, 3.0, "R")
    result = route(layout, [left, right, left])
    assert sorted(result.order) == [left, right]
    assert result.length == route(layout, [left]).length


def test_best_is_exact_up_to_four_blocks_and_the_multiblock_heuristic_beyond():
    four_blocks, five_blocks = build_layout(4, 4, 40.0), build_layout(4, 5, 50.0)
    assert route(LAYOUTS[3], [Location(1, 2, 1.0)]).method == "exact"
    assert route(four_blocks, [Location(1, 3, 1.0)]).method == "exact"
    assert route(five_blocks, [Location(1, 4, 1.0)]).method == "multiblock"


def test_route_length_agrees_with_route_for_every_method():
    layout, rng = LAYOUTS[2], random.Random(3)
    locations = random_locations(layout, rng, 15)
    for method in METHODS:
        assert route_length(layout, locations, method) == pytest.approx(route(layout, locations, method).length)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        route(LAYOUTS[1], [Location(0, 0, 1.0)], "teleport")


def test_held_karp_finds_the_shortest_cycle_of_a_small_matrix():
    rng = random.Random(5)
    pts = [(rng.random(), rng.random()) for _ in range(7)]
    dist = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in pts] for a in pts]
    length, tour = held_karp(dist)
    brute = min(sum(dist[c[i]][c[(i + 1) % 7]] for i in range(7))
                for c in ((0,) + p for p in itertools.permutations(range(1, 7))))
    assert length == pytest.approx(brute)
    assert sorted(tour) == list(range(7)) and tour[0] == 0


def test_improving_a_tour_never_lengthens_it_and_keeps_the_depot_first():
    rng = random.Random(9)
    pts = [(rng.random(), rng.random()) for _ in range(20)]
    dist = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in pts] for a in pts]
    start = list(range(20))
    better = improve_tour(start, dist)

    def cycle(t):
        return sum(dist[t[i - 1]][t[i]] for i in range(len(t)))

    assert better[0] == 0 and sorted(better) == start
    assert cycle(better) <= cycle(start)


@pytest.mark.parametrize("method", ["multiblock", "s_shape", "largest_gap", "combined", "midpoint", "return"])
def test_heuristics_give_valid_tours_on_four_blocks_and_multiblock_stays_near_held_karp(method):
    layout, rng = build_layout(6, 4, 40.0, depot_aisle=1), random.Random(11)
    for _ in range(5):
        locations = random_locations(layout, rng, 8)
        points = [layout.point(layout.depot)] + list(dict.fromkeys(layout.point(x) for x in locations))
        optimum, _ = held_karp(layout.distance_matrix(points))
        result = route(layout, locations, method)
        assert sorted(result.order) == sorted(set(locations))
        assert result.length >= optimum - 1e-6
        if method == "multiblock":
            assert result.length <= 1.05 * optimum


def test_a_location_outside_the_layout_is_refused():
    with pytest.raises(ValueError):
        route(LAYOUTS[1], [Location(6, 0, 1.0)])
    with pytest.raises(ValueError):
        route(LAYOUTS[2], [Location(0, 1, 40.0)])
