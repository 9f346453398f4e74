"""Routes beyond three blocks: held-out layouts of 4-6 blocks (odd widths, depots anywhere), the
route ``best`` gives is never more than 0.5 % above the exact optimum (Held-Karp over shortest paths
for small pick lists; the exact DP at four blocks for larger ones)."""
import random

import pytest

from wms.picking.layout import build_layout
from wms.picking.routing import held_karp, route_length


def layout_for(rng, n_blocks):
    n_aisles = rng.randint(3, 11)
    return build_layout(n_aisles, n_blocks, rng.uniform(20.0, 90.0), aisle_spacing=rng.uniform(2.0, 4.5),
                        cross_aisle_width=rng.uniform(1.5, 4.0), depot_aisle=rng.randrange(n_aisles))


def picks(layout, rng, n):
    out = []
    for _ in range(n):
        block = rng.randrange(layout.n_blocks)
        out.append(layout.slot(rng.randrange(layout.n_aisles), block,
                               rng.randrange(max(1, layout.slots_in_block(block))), rng.choice("LR")))
    return out


@pytest.mark.parametrize("n_blocks", [4, 5, 6])
def test_best_routes_stay_within_half_a_percent_of_held_karp(n_blocks):
    rng = random.Random(f"held-out-{n_blocks}")
    for _ in range(25):
        layout = layout_for(rng, n_blocks)
        locations = picks(layout, rng, rng.randint(1, 8))
        points = [layout.point(layout.depot)] + list(dict.fromkeys(layout.point(x) for x in locations))
        optimum = held_karp(layout.distance_matrix(points))[0]
        assert route_length(layout, locations) <= optimum * 1.005 + 1e-9


def test_four_block_routes_are_the_exact_dp_for_larger_pick_lists():
    rng = random.Random("held-out-4-large")
    for _ in range(6):
        layout = layout_for(rng, 4)
        locations = picks(layout, rng, rng.randint(12, 25))
        assert route_length(layout, locations) == pytest.approx(route_length(layout, locations, "exact"))
