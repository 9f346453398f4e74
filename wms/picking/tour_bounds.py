"""A lower bound on the shortest picker tour through a set of points, cheap enough to compute for
millions of candidate batches. Pure.

A tour's edges split into the cross aisles' horizontal edges and the aisles' vertical ones:

- horizontal: every vertical line between the leftmost and the rightmost aisle to visit (the depot's
  included) is crossed at least twice, so at least ``2 x span x aisle_spacing``;
- vertical, per sub-aisle with picks: the edges inside either join both cross aisles (one traversal,
  the sub-aisle's length ``L``) or each piece hangs from one end and is walked twice, leaving out at
  best the largest gap between consecutive picks (the ends counted): ``min(L, 2 (L - gap))``;
- vertical, per block nearer the depot than the farthest block with picks: the cross aisle behind it
  is crossed at least twice, so two traversals of that block; the two are cheapest in the sub-aisles
  whose own minimum is largest.

``BoundTable(layout)`` turns a location into the (sub-aisle, y) it is counted by; ``lower_bound``
takes ``{(aisle, block): sorted ys}``. The bound never exceeds the exact length (tests check it
against the exact router); it is O(points).
"""
from typing import Iterable


class BoundTable:
    """A layout's numbers the bound needs: cross aisles, block lengths, aisle spacing, the depot."""

    def __init__(self, layout):
        self.cross_y = layout.cross_y
        self.lengths = tuple(layout.cross_y[b + 1] - layout.cross_y[b] for b in range(layout.n_blocks))
        self.spacing = layout.aisle_spacing
        self.depot_aisle = layout.depot_aisle
        self.point = layout.point

    def subaisles(self, locations: Iterable) -> dict:
        """{(aisle, block): sorted tuple of absolute ys} of these locations."""
        subs = {}
        for loc in locations:
            aisle, block, y = self.point(loc)
            subs.setdefault((aisle, block), set()).add(y)
        return {key: tuple(sorted(ys)) for key, ys in subs.items()}

    def lower_bound(self, subs: dict) -> float:
        """A length no tour visiting every point of ``subs`` (and the depot) can beat."""
        if not subs:
            return 0.0
        lo = hi = self.depot_aisle
        far = 0
        per_block = {}
        for (aisle, block), ys in subs.items():
            lo, hi = min(lo, aisle), max(hi, aisle)
            far = max(far, block)
            per_block.setdefault(block, []).append(self.cheapest(block, ys))
        total = 2.0 * (hi - lo) * self.spacing
        for block in range(far + 1):
            mins = per_block.get(block, [])
            total += sum(mins)
            if block < far:
                top = sorted(mins)[-2:]
                total += 2.0 * self.lengths[block] - sum(top)
        return total

    def cheapest(self, block: int, ys: tuple) -> float:
        """Least vertical walking inside one sub-aisle that reaches every y in ``ys`` (sorted)."""
        start, length = self.cross_y[block], self.lengths[block]
        gap, previous = 0.0, start
        for y in ys:
            gap = max(gap, y - previous)
            previous = y
        gap = max(gap, start + length - previous)
        return min(length, 2.0 * (length - gap))


def merge(a: dict, b: dict) -> dict:
    """The sub-aisle picture of two point sets together."""
    if len(a) < len(b):
        a, b = b, a
    out = dict(a)
    for key, ys in b.items():
        mine = out.get(key)
        out[key] = ys if mine is None else tuple(sorted(set(mine) | set(ys)))
    return out
