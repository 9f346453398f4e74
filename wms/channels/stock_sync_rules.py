"""What each store may sell (库存同步的可售数): the rule, Pure (stdlib only).

For one of our SKUs: free = on hand - reserved - safety stock (never below 0). A store's rule gives
it either a share of free (`share_pct`, rounded down, so shares adding up to 100 % never offer more
than there is) or a fixed quantity (`fixed_qty`, never more than free). A platform SKU made of
several of our SKUs (a kit: [(sku_id, qty per kit)]) sells as many kits as its scarcest component
allows under that store's rule. A SKU we do not know, or a kit with no components, sells 0.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class StoreRule:
    """One store's part of the free stock: a share in % (0-100) or, when set, a fixed quantity."""

    share_pct: int = 100
    fixed_qty: int | None = None


def free_stock(on_hand, reserved, safety=0):
    """What no order holds and no safety stock keeps back (>= 0)."""
    return max(0, int(on_hand) - int(reserved) - max(0, int(safety)))


def store_quantity(free, rule):
    """The units of one SKU a store may offer out of `free`."""
    free = max(0, int(free))
    if rule.fixed_qty is not None:
        return min(max(0, int(rule.fixed_qty)), free)
    share = min(100, max(0, int(rule.share_pct)))
    return free * share // 100


def listing_quantity(components, free_by_sku, rule):
    """Kits (or single units) a store may offer: the scarcest component's store quantity // its qty.

    components: [(sku_id, qty per platform SKU)]; free_by_sku: {sku_id: free}."""
    counts = {}
    for sku_id, qty in components:
        counts[sku_id] = counts.get(sku_id, 0) + int(qty)
    if not counts or any(qty <= 0 for qty in counts.values()):
        return 0
    return min(store_quantity(free_by_sku.get(sku_id, 0), rule) // qty for sku_id, qty in counts.items())


def retry_delay_seconds(failures, base=30, most=3600):
    """Backoff before pushing a refused SKU again: base, doubled per failure in a row, at most `most`."""
    return min(most, base * 2 ** max(0, int(failures) - 1))
