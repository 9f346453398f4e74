"""Simulated annealing over order exchanges between batches that share a sub-aisle. Pure.

Why: a batching from savings has nearly every cart exactly full (issue 22: 1,248 lines in 126 carts of
10), so moving one order is almost never feasible and a one-for-one swap needs two orders of equal
line counts; a descent stops after about 1 %. Here one move trades an order ``o`` of batch A for a set
``Q`` of none, one or two orders of a batch B holding an order that shares a sub-aisle with ``o``, ``Q``
drawn among those whose lines keep both batches within their limits (a shift, a swap, a one-for-two).
A move is accepted by the Metropolis rule at a temperature falling geometrically from ``hot`` to
``cold`` metres over the time given; the threshold is drawn first (accept iff the new total stays below
``d(A) + d(B) + T ln(1/u)``), so a move is routed only when the tour bounds of wms/picking/tour_bounds.py
leave it a chance, and then only as far as it can stay below (``Lengths.below``).

Cost: O(orders of A and B) per move plus at most two bounded routes; the best state seen is returned,
so the result is never longer than the start. Deterministic for a given ``rng`` apart from the clock
(the temperature follows the time spent).
"""
import copy
import math
import time
from typing import Sequence

INF = float("inf")
_EPS = 1e-6
_CLOCK_EVERY = 32  # moves between two looks at the clock


class Annealing:
    """Batches of order indices with their exact lengths and loads, and who holds which order."""

    def __init__(self, orders: Sequence, limits, lengths, bounds, groups: list):
        self.orders, self.limits, self.lengths, self.bounds = orders, limits, lengths, _memoised(bounds)
        self.locsets = [frozenset(o.locations) for o in orders]
        self.lines = [o.n_lines for o in orders]
        self.subs = [bounds.subaisles(s) for s in self.locsets] if bounds else None
        keys = [frozenset((loc.aisle, loc.block) for loc in o.locations) for o in orders]
        self.keys = [sorted(k) for k in keys]
        self.sharing = {}
        for o, mine in enumerate(self.keys):
            for key in mine:
                self.sharing.setdefault(key, []).append(o)
        self.groups = [list(g) for g in groups if g]
        self.length = [lengths(self.locations(g)) for g in self.groups]
        self.load = [sum(self.lines[o] for o in g) for g in self.groups]
        self.owner = {o: b for b, g in enumerate(self.groups) for o in g}

    def locations(self, members: Sequence[int]) -> frozenset:
        return frozenset().union(*(self.locsets[o] for o in members))

    def floor(self, members: Sequence[int]) -> float:
        """A length no tour through these orders can beat (0 without bounds)."""
        if not self.subs or not members:
            return 0.0
        picture, shared = {}, set()
        for o in members:
            for key, ys in self.subs[o].items():
                mine = picture.get(key)
                if mine is None:
                    picture[key] = ys
                else:
                    picture[key] = mine + ys
                    shared.add(key)
        for key in shared:
            picture[key] = tuple(sorted(picture[key]))
        return self.bounds.lower_bound(picture)

    def total(self) -> float:
        return sum(self.length)

    def snapshot(self) -> list:
        return [list(g) for g in self.groups if g]

    def run(self, deadline: float, rng, hot: float, cold: float) -> list:
        """Anneal until ``deadline`` (a ``time.perf_counter()`` value); the best batching seen."""
        current = best_total = self.total()
        best = self.snapshot()
        started = time.perf_counter()
        span, ratio, temperature, moves = max(deadline - started, 1e-9), cold / hot, hot, 0
        while True:
            moves += 1
            if moves % _CLOCK_EVERY == 0:
                now = time.perf_counter()
                if now >= deadline:
                    return best
                temperature = hot * ratio ** ((now - started) / span)
            delta = self.try_move(rng, temperature)
            if delta is not None:
                current += delta
                if current < best_total - _EPS:
                    best, best_total = self.snapshot(), current
        return best

    def try_move(self, rng, temperature: float):
        """Draw one exchange and apply it if the Metropolis rule accepts it; the change of total or None."""
        o = rng.randrange(len(self.orders))
        if not self.keys[o]:
            return None
        a = self.owner[o]
        mates = self.sharing[rng.choice(self.keys[o])]
        b = self.owner[mates[rng.randrange(len(mates))]]
        if a == b:
            return None
        given = self._exchange(o, a, b, rng)
        if given is None:
            return None
        new_a = [x for x in self.groups[a] if x != o] + list(given)
        new_b = [x for x in self.groups[b] if x not in given] + [o]
        if not (self.limits.fits([self.orders[x] for x in new_a])
                and self.limits.fits([self.orders[x] for x in new_b])):
            return None
        threshold = self.length[a] + self.length[b] + temperature * -math.log(1.0 - rng.random())
        floor_a = self.floor(new_a)
        if floor_a + self.floor(new_b) >= threshold:
            return None
        length_b = self.lengths.below(self.locations(new_b), threshold - floor_a)
        if length_b == INF:
            return None
        length_a = self.lengths.below(self.locations(new_a), threshold - length_b) if new_a else 0.0
        if length_a == INF:
            return None
        delta = length_a + length_b - self.length[a] - self.length[b]
        self._apply(a, new_a, length_a)
        self._apply(b, new_b, length_b)
        return delta

    def _exchange(self, o: int, a: int, b: int, rng):
        """A random set of at most two orders of b to give a for o, keeping both within max_lines."""
        cap = self.limits.max_lines
        lines = self.lines
        if cap is None:
            low, high = -INF, INF
        else:
            low, high = lines[o] - (cap - self.load[b]), lines[o] + (cap - self.load[a])
        group = self.groups[b]
        options = [()] if low <= 0 else []
        for i, x in enumerate(group):
            if low <= lines[x] <= high:
                options.append((x,))
            for y in group[i + 1:]:
                if low <= lines[x] + lines[y] <= high:
                    options.append((x, y))
        return rng.choice(options) if options else None

    def _apply(self, b: int, members: list, length: float):
        self.groups[b], self.length[b] = members, length
        self.load[b] = sum(self.lines[x] for x in members)
        for x in members:
            self.owner[x] = b


def _memoised(bounds):
    """The bounds with each sub-aisle's walks (``hang``) remembered: a move changes two batches by an order or
    two, so nearly every sub-aisle it bounds was bounded before (single block, 500 orders: the bound
    was half the CPU of a move)."""
    if bounds is None:
        return None
    known, hang = {}, bounds.hang
    remembering = copy.copy(bounds)

    def remembered(block, ys):
        key = (block, ys)
        if key not in known:
            known[key] = hang(block, ys)
        return known[key]

    remembering.hang = remembered
    return remembering
