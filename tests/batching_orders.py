"""Random orders for the batching tests: 1..max_lines lines at uniformly random slots of a layout; and random
layouts and pick faces for the routing and tour-bound tests."""
import random

from wms.picking.batching import Order
from wms.picking.layout import build_layout


def random_orders(layout, n, seed, *, max_lines=4, sides=False, weight=(0.1, 4.0), weight_digits=2, volume=None):
    """n Orders (ids 0..n-1) drawn from ``seed``: each line a random block, aisle and slot (and side if
    ``sides``); a weight uniform in ``weight`` (rounded to ``weight_digits`` unless None), and a volume
    uniform in ``volume`` to one decimal if given."""
    rng = random.Random(seed)
    orders = []
    for i in range(n):
        lines = []
        for _ in range(rng.randint(1, max_lines)):
            block = rng.randrange(layout.n_blocks)
            aisle, slot = rng.randrange(layout.n_aisles), rng.randrange(layout.slots_in_block(block))
            lines.append(layout.slot(aisle, block, slot, rng.choice("LR")) if sides else layout.slot(aisle, block, slot))
        kilos = rng.uniform(*weight)
        kilos = kilos if weight_digits is None else round(kilos, weight_digits)
        orders.append(Order(i, tuple(lines), weight=kilos,
                            volume=round(rng.uniform(*volume), 1) if volume else 0.0))
    return orders


def random_layout(rng, n_blocks, *, aisles=(1, 9), length=(10.0, 60.0)):
    """A layout of ``n_blocks`` blocks drawn from ``rng``: aisle count, length, spacing, cross-aisle width, depot."""
    n_aisles = rng.randint(*aisles)
    return build_layout(n_aisles, n_blocks, rng.uniform(*length), aisle_spacing=rng.uniform(2.0, 4.5),
                        cross_aisle_width=rng.uniform(1.5, 4.0), depot_aisle=rng.randrange(n_aisles))


def random_picks(layout, rng, n):
    """``n`` pick faces at random blocks, aisles, slots and sides of ``layout``."""
    out = []
    for _ in range(n):
        block = rng.randrange(layout.n_blocks)
        out.append(layout.slot(rng.randrange(layout.n_aisles), block,
                               rng.randrange(max(1, layout.slots_in_block(block))), rng.choice("LR")))
    return out
