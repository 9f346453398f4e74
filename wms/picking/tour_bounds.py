"""A lower bound on the shortest picker tour through a set of points, cheap enough to compute for
millions of candidate batches. Pure.

A tour's edges split into the cross aisles' horizontal edges and the aisles' vertical ones:

- horizontal: every vertical line between the leftmost and the rightmost aisle to visit (the depot's
  included) is crossed at least twice, so at least ``2 x span x aisle_spacing``;
- vertical, per sub-aisle with picks: the edges inside either join both cross aisles (one traversal,
  the sub-aisle's length ``L``) or each piece hangs from one end and is walked twice, leaving out at
  best the largest gap between consecutive picks (the ends counted): ``min(L, 2 (L - gap))``;
- parity, per block: a closed walk crosses a horizontal line through a block an even number of times,
  and a sub-aisle is walked an odd number of times along its whole length or an even number at every
  height (a walk turns back only in pairs), so the sub-aisles walked an odd number of times, each at
  least ``L``, are even in number; the others cost at least ``2 (L - gap)`` (nothing if empty). The
  cheapest such choice takes the sub-aisles whose traversal saves most (``L - 2 (L - gap)`` least),
  empty sub-aisles between the leftmost and the rightmost aisle included at ``L``, an even count of them;
- a block nearer the depot than the farthest block with picks is crossed: two of its sub-aisles at
  least are traversed (or one walked twice, ``2 L``);
- the farthest block: with none of its sub-aisles traversed (nor one walked twice, ``2 L``), its back
  cross aisle is never reached, so every pick hangs from the front: twice its depth into the block.

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
            per_block.setdefault(block, []).append(self.hang(block, ys))
        total = 2.0 * (hi - lo) * self.spacing
        for block in range(far + 1):
            total += self.block_walk(block, per_block.get(block, ()), hi - lo + 1, block == far)
        return total

    def block_walk(self, block: int, hangs, in_span: int, farthest: bool) -> float:
        """Least vertical walking inside one block: ``hangs`` the ``hang`` of each sub-aisle with picks,
        ``in_span`` how many of the block's sub-aisles lie between the tour's leftmost and rightmost aisle."""
        length = self.lengths[block]
        evens = [even for even, _ in hangs]
        hanging = sum(evens)
        best = hanging + 2.0 * length - max(evens, default=0.0)  # one sub-aisle walked twice end to end
        adds = sorted(length - even for even in evens)  # what traversing each adds (negative: saves)
        adds.extend([length] * (in_span - len(evens)))
        added = 0.0
        for k, step in enumerate(adds, 1):
            added += step
            if k % 2 == 0:
                best = min(best, hanging + added)
        if farthest:
            best = min(best, sum(front for _, front in hangs))
        return best

    def hang(self, block: int, ys: tuple) -> tuple:
        """(even, front) for one sub-aisle reaching every y in ``ys`` (sorted): the least walk inside it
        walked an even number of times, ``2 (L - gap)``, and from its front end only, twice the deepest."""
        start, length = self.cross_y[block], self.lengths[block]
        gap, previous = 0.0, start
        for y in ys:
            gap = max(gap, y - previous)
            previous = y
        gap = max(gap, start + length - previous)
        return 2.0 * (length - gap), 2.0 * (previous - start)


def merge(a: dict, b: dict) -> dict:
    """The sub-aisle picture of two point sets together."""
    if len(a) < len(b):
        a, b = b, a
    out = dict(a)
    for key, ys in b.items():
        mine = out.get(key)
        out[key] = ys if mine is None else tuple(sorted(set(mine) | set(ys)))
    return out
