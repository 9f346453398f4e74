"""Routes beyond three blocks: held-out layouts of 4-6 blocks (odd widths, depots anywhere), the
route ``best`` gives is never more than 0.5 % above the exact optimum (Held-Karp over shortest paths
for small pick lists; the exact DP at four blocks for larger ones)."""
import random

import pytest

from tests.batching_orders import random_layout, random_picks
from wms.picking.routing import held_karp, route_length


@pytest.mark.parametrize("n_blocks", [4, 5, 6])
def test_best_routes_stay_within_half_a_percent_of_held_karp(n_blocks):
    rng = random.Random(f"held-out-{n_blocks}")
    for _ in range(25):
        layout = random_layout(rng, n_blocks, aisles=(3, 11), length=(20.0, 90.0))
        locations = random_picks(layout, rng, rng.randint(1, 8))
        points = [layout.point(layout.depot)] + list(dict.fromkeys(layout.point(x) for x in locations))
        optimum = held_karp(layout.distance_matrix(points))[0]
        assert route_length(layout, locations) <= optimum * 1.005 + 1e-9


def test_four_block_routes_are_the_exact_dp_for_larger_pick_lists():
    rng = random.Random("held-out-4-large")
    for _ in range(6):
        layout = random_layout(rng, 4, aisles=(3, 11), length=(20.0, 90.0))
        locations = random_picks(layout, rng, rng.randint(12, 25))
        assert route_length(layout, locations) == pytest.approx(route_length(layout, locations, "exact"))
