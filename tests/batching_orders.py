"""Random orders for the batching tests: 1..max_lines lines at uniformly random slots of a layout."""
import random

from wms.picking.batching import Order


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
