"""Classic Clarke & Wright savings batching, efficient enough for thousands of orders. Pure.

The textbook algorithm (the "C&W(ii)" of de Koster et al. 1999 and Henn et al. 2010): every order
starts as its own batch; the saving of two batches is ``d(A) + d(B) - d(A + B)`` with ``d`` the exact
route length; the feasible pair with the largest positive saving is merged, the savings are computed
again, and so on until no feasible pair saves anything. Ties go to the pair whose smallest order
indices are smallest, so the result is one well-defined batching.

Done literally that is O(n^2) routes per merge. Here:

- a heap holds one entry per feasible pair of live batches; merged batches get a new id and entries
  naming a dead batch are dropped when they surface, so after a merge only the pairs of the merged
  batch are computed (the classic "recompute only for the merged batch");
- batch route lengths are cached (``RouteCache``: a set of locations is routed once);
- an entry first carries an upper bound on its saving, ``d(A) + d(B) - max(d(A), d(B), 2 x span)``
  (span: the aisles both batches reach, O(1)); when it reaches the top of the heap it is pushed again
  with ``d(A) + d(B) - max(d(A), d(B), LB(A + B))``, ``LB`` the tour bound of
  wms/picking/tour_bounds.py; only when that reaches the top is the union routed and the entry
  pushed again with its exact saving. An exact entry at
  the top beats every bound below it, so the merges are exactly the textbook's (the unit tests
  compare with a literal implementation), with a fraction of the routes.

``savings_groups(orders, limits, route, bounds=BoundTable(layout))`` returns lists of order indices
in order of their smallest index (``batching.classic_savings`` makes them ``Batch`` es); ``route`` takes
a frozenset of locations and should be cached (``batching.RouteCache``). Without ``bounds`` every
pair is routed (still once per pair and merge, not per pair and step). ``below(locations, upper)``
(the exact length if below upper, else INF) routes a union only as far as it could still save
something. With a ``deadline`` it gives up (None)
when the deadline passes first: O(n^2) pairs make 2,000 orders take about a minute of CPU. After
``hurry`` (a ``time.perf_counter()`` value; with bounds) it stops routing: a pair is merged on its
tour-bound saving and the union's length taken as the largest of its parts' and its tour bound, so
what is left costs no route at all and the result is still a valid batching (the caller routes its
batches). Issue 22's three-block 500 orders, plan_batches with 2 CPU seconds (a 3 s budget): 5.7 %
longer than classic savings, in 3.1 s; when the seed algorithm had to replace an unfinished savings,
16 % longer and 2 s over its budget.

With ``partners=k`` the heap starts with each order's pairs with its k partners only (the orders sharing
most sub-aisles with it, ties by nearest centroid, the relation made symmetric), and a merged batch is
paired with the batches holding its members' partners; when no such pair saves anything, every pair of
the batches left is queued, as the textbook, and merging goes on. O(n k) pairs instead of O(n^2): on
issue 22's instances (bench/batching.py) k = 100 gives 500 orders 0.1 % shorter than the classic
savings in 60 % of its CPU, 2,000 orders 0.5 % longer in an eighth of it. Not the baseline: the
bench's baseline is the classic one (no partners).
"""
import heapq
import time
from typing import Callable, Optional, Sequence

from wms.picking.tour_bounds import BoundTable, merge

_EPS = 1e-9
_SLACK = 1e-7  # a bound's rounding never hides a saving
_BOUND, _TIGHT, _EXACT = 0, 1, 2  # an entry's saving: O(1) bound, tour-bound bound, routed


class _Live:
    """A batch being built: members, loads, locations, sub-aisle picture and route length."""

    __slots__ = ("members", "key", "count", "lines", "weight", "volume", "locations", "subs", "length",
                 "lo", "hi")

    def __init__(self, members, count, lines, weight, volume, locations, subs, length):
        self.members, self.key = members, min(members)
        self.count, self.lines, self.weight, self.volume = count, lines, weight, volume
        self.locations, self.subs, self.length = locations, subs, length
        aisles = [key[0] for key in subs] if subs else [0]
        self.lo, self.hi = min(aisles), max(aisles)


def savings_groups(orders: Sequence, limits, route: Callable, *, bounds: Optional[BoundTable] = None,
                   below: Optional[Callable] = None, deadline: Optional[float] = None,
                   partners: Optional[int] = None, hurry: Optional[float] = None) -> Optional[list]:
    """Clarke & Wright savings, recomputed after every merge: lists of order indices per batch (None if
    ``deadline``, a ``time.perf_counter()`` value, passes first)."""
    for order in orders:
        if not limits.fits([order]):
            raise ValueError(f"order {order.id!r} alone exceeds the batch limits")
    run = _Run(orders, limits, route, bounds, below, deadline, hurry if bounds is not None else None)
    near = _partners(orders, partners, bounds) if partners else None
    if not run.queue_pairs(near) or not run.merge_all(near):
        return None
    if near is not None:
        # partners only found the close pairs: finish with every pair of what is left, as the textbook
        if not run.queue_pairs(None) or not run.merge_all(None):
            return None
    return [sorted(batch.members) for batch in sorted(run.live.values(), key=lambda batch: batch.key)]


class _Run:
    """The live batches and the heap of their pairs' savings (bound, tour bound or exact) of one run."""

    def __init__(self, orders, limits, route, bounds, below, deadline, hurry):
        self.limits, self.route, self.bounds, self.below = limits, route, bounds, below
        self.deadline, self.hurry, self.hurried, self.pops = deadline, hurry, False, 0
        self.live, self.heap = {}, []
        for i, o in enumerate(orders):
            locations = frozenset(o.locations)
            subs = bounds.subaisles(locations) if bounds else None
            self.live[i] = _Live([i], 1, o.n_lines, o.weight, o.volume, locations, subs, route(locations))
        self.owner = {i: i for i in self.live}
        self.next_id = len(orders)

    def late(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def queue_pairs(self, near) -> bool:
        """Queue every pair of live batches (or each order's pairs with its partners); False if late."""
        live, ids, self.heap = self.live, sorted(self.live), []
        for x, a in enumerate(ids):
            if x % 64 == 0 and self.late():
                return False
            for b in (ids[x + 1:] if near is None else sorted(j for j in near[a] if j > a)):
                _push(self.heap, live[a], live[b], a, b, self.limits, self.route, self.bounds)
        heapq.heapify(self.heap)
        return True

    def merge_all(self, near) -> bool:
        """Merge the best pair while one saves something; False if late."""
        heap, live = self.heap, self.live
        while heap:
            self.pops += 1
            if self.pops % 16 == 0 and not self._on_time():
                return False
            negative, tie, level, a, b = heapq.heappop(heap)
            if a not in live or b not in live:
                continue
            if level == _BOUND:
                bound = _bound(live[a], live[b], self.bounds)
                heapq.heappush(heap, (-bound, tie, _TIGHT, a, b))
            elif level == _TIGHT and not self.hurried:
                saving = _saving(live[a], live[b], self.route, self.below)
                heapq.heappush(heap, (-saving, tie, _EXACT, a, b))
            elif -negative <= _EPS:
                break
            else:
                self._merge(a, b, near)
        return True

    def _on_time(self) -> bool:
        if self.deadline is None and self.hurry is None:
            return True
        now = time.perf_counter()
        self.hurried = self.hurried or (self.hurry is not None and now > self.hurry)
        return self.deadline is None or now <= self.deadline

    def _merge(self, a: int, b: int, near) -> None:
        live, new = self.live, self.next_id
        merged = _merge(live.pop(a), live.pop(b), self.route, self.bounds, self.hurried)
        if near is None:
            others = sorted(live)
        else:
            for m in merged.members:
                self.owner[m] = new
            others = sorted({self.owner[p] for m in merged.members for p in near[m]} - {new})
        for other in others:
            _push(self.heap, live[other], merged, other, new, self.limits, self.route, self.bounds,
                  heapq.heappush)
        live[new] = merged
        self.next_id += 1


def _partners(orders: Sequence, k: int, bounds) -> list:
    """Per order, the k orders sharing most sub-aisles with it (ties, and too few sharing: nearest
    centroid), the relation made symmetric."""
    cents, by_sub, keys = [], {}, []
    for i, o in enumerate(orders):
        points = [bounds.point(loc) for loc in o.locations]
        cents.append((sum(p[0] for p in points) * bounds.spacing / len(points),
                      sum(p[2] for p in points) / len(points)))
        mine = {(p[0], p[1]) for p in points}
        keys.append(mine)
        for key in mine:
            by_sub.setdefault(key, []).append(i)
    near = [set() for _ in orders]
    for i, mine in enumerate(keys):
        shared = {}
        for key in mine:
            for j in by_sub[key]:
                shared[j] = shared.get(j, 0) + 1
        shared.pop(i, None)
        cx, cy = cents[i]

        def apart(j):
            return abs(cents[j][0] - cx) + abs(cents[j][1] - cy)

        best = heapq.nsmallest(k, shared, key=lambda j: (-shared[j], apart(j)))
        if len(best) < k:
            rest = (j for j in range(len(orders)) if j != i and j not in shared)
            best += heapq.nsmallest(k - len(best), rest, key=apart)
        for j in best:
            near[i].add(j)
            near[j].add(i)
    return near


def _fits(a: _Live, b: _Live, limits) -> bool:
    return (a.count + b.count <= limits.max_orders
            and (limits.max_lines is None or a.lines + b.lines <= limits.max_lines + _EPS)
            and (limits.max_weight is None or a.weight + b.weight <= limits.max_weight + _EPS)
            and (limits.max_volume is None or a.volume + b.volume <= limits.max_volume + _EPS))


def _tie(a: _Live, b: _Live) -> tuple:
    return (a.key, b.key) if a.key < b.key else (b.key, a.key)


def _saving(a: _Live, b: _Live, route: Callable, below: Optional[Callable] = None) -> float:
    """The saving of merging a and b; with ``below`` a union at least as long as both apart (no
    saving, never merged) is not routed to the end: its saving counts as -inf."""
    together = a.length + b.length
    if below is None:
        return together - route(a.locations | b.locations)
    return together - below(a.locations | b.locations, together)


def _push(heap, first, second, a, b, limits, route, bounds, push=None):
    """Queue the pair (a, b) if it fits: its bound when there are bounds, else its exact saving."""
    if not _fits(first, second, limits):
        return
    if bounds is None:
        entry = (-_saving(first, second, route), _tie(first, second), _EXACT, a, b)
    else:
        span = 2.0 * bounds.spacing * (max(first.hi, second.hi, bounds.depot_aisle)
                                       - min(first.lo, second.lo, bounds.depot_aisle))
        bound = first.length + second.length - max(first.length, second.length, span) + _SLACK
        entry = (-bound, _tie(first, second), _BOUND, a, b)
    if push is None:
        heap.append(entry)
    else:
        push(heap, entry)


def _bound(a: _Live, b: _Live, bounds: BoundTable) -> float:
    together = max(a.length, b.length, bounds.lower_bound(merge(a.subs, b.subs)))
    return a.length + b.length - together + _SLACK


def _merge(a: _Live, b: _Live, route: Callable, bounds, hurried: bool = False) -> _Live:
    """The union of two batches; in a hurry its length is the most the bounds say, not routed."""
    locations = a.locations | b.locations
    subs = merge(a.subs, b.subs) if bounds else None
    length = max(a.length, b.length, bounds.lower_bound(subs)) if hurried else route(locations)
    return _Live(a.members + b.members, a.count + b.count, a.lines + b.lines, a.weight + b.weight,
                 a.volume + b.volume, locations, subs, length)
