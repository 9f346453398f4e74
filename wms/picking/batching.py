"""Order batching: group orders into picker tours (batches) so that total walking distance is least.

Every batch respects the limits (orders per batch = tote slots, lines, weight, volume) and every order
lands in exactly one batch. A batch's cost is the length of its route, given by the caller's
``route_length(locations)`` (normally the exact router) and cached by the frozen set of locations,
so a batch seen twice is routed once. Costs below count route calls r (the dominant cost).

- ``fcfs``: orders in arrival order, a new batch whenever the next one does not fit. O(n) routes.
- ``savings``: Clarke & Wright. The saving of pairing orders i, j is d(i) + d(j) - d(i + j);
  pairs are taken in decreasing saving and their batches merged when the union fits. All pairs up to
  ``ALL_PAIRS_UP_TO`` orders; beyond, only each order's ``neighbours`` nearest by centroid, so
  O(n k) routes instead of O(n^2) (2,000 orders would otherwise mean 2 million pair routes).
- ``seed_batches``: seed algorithm. Open a batch with the unbatched order farthest from the depot (the
  longest single route); add the order that brings the fewest new sub-aisles (ties: nearest centroid),
  judging the ``candidates`` best of those by their true added route length. O(n^2) cheap set
  operations plus O(n c) routes.
- ``improve``: iterated local search. Local search moves one order to a nearby batch (shift) or
  swaps two orders between nearby batches, taking every improving move, until no pair of
  neighbouring batches improves; then a random swap perturbs two batches and the search repeats,
  keeping the result only if the total fell, until ``time_budget`` seconds are spent.
- ``plan_batches``: seed + improve, the entry point for wave building.
"""
import random
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

ALL_PAIRS_UP_TO = 150
_EPS = 1e-9


@dataclass(frozen=True)
class Order:
    """An order to pick: its id, the locations of its lines, and its load."""

    id: object
    locations: tuple
    weight: float = 0.0
    volume: float = 0.0
    lines: int = 0  # 0 means one line per location

    @property
    def n_lines(self) -> int:
        """Number of order lines (defaults to the number of locations)."""
        return self.lines or len(self.locations)


@dataclass(frozen=True)
class Limits:
    """What one batch (one picker tour, one cart) may hold; None means unlimited."""

    max_orders: int = 8
    max_lines: Optional[int] = None
    max_weight: Optional[float] = None
    max_volume: Optional[float] = None

    def fits(self, orders: Sequence[Order]) -> bool:
        """True if these orders may travel together in one batch."""
        return (len(orders) <= self.max_orders
                and _within(sum(o.n_lines for o in orders), self.max_lines)
                and _within(sum(o.weight for o in orders), self.max_weight)
                and _within(sum(o.volume for o in orders), self.max_volume))


@dataclass(frozen=True)
class Batch:
    """Order ids picked in one tour, and the tour's length in metres."""

    order_ids: tuple
    length: float


def _within(value, limit) -> bool:
    return limit is None or value <= limit + _EPS


class RouteCache:
    """``route_length`` memoised by the frozen set of locations; counts the real calls."""

    def __init__(self, route_length: Callable[[frozenset], float]):
        self.route_length, self.lengths, self.calls = route_length, {}, 0

    def __call__(self, locations: Iterable) -> float:
        key = locations if isinstance(locations, frozenset) else frozenset(locations)
        if key not in self.lengths:
            self.calls += 1
            self.lengths[key] = self.route_length(key)
        return self.lengths[key]


class _Problem:
    """Orders by index with their location sets, centroids and loads, and the cached router."""

    def __init__(self, orders: Sequence[Order], limits: Limits, route_length: Callable,
                 locate: Optional[Callable] = None):
        self.orders, self.limits = list(orders), limits
        for order in self.orders:
            if not limits.fits([order]):
                raise ValueError(f"order {order.id!r} alone exceeds the batch limits")
        self.route = route_length if isinstance(route_length, RouteCache) else RouteCache(route_length)
        locate = locate or (lambda loc: (float(loc.aisle), float(loc.block) * 1e3 + loc.position))
        self.locsets = [frozenset(o.locations) for o in self.orders]
        self.subaisles = [frozenset((loc.aisle, loc.block) for loc in o.locations) for o in self.orders]
        self.centroids = [_centroid([locate(loc) for loc in o.locations]) for o in self.orders]

    def length(self, batch: Iterable[int]) -> float:
        return self.route(frozenset().union(*(self.locsets[i] for i in batch)))

    def fits(self, batch: Iterable[int]) -> bool:
        return self.limits.fits([self.orders[i] for i in batch])

    def result(self, batches: Iterable[list]) -> list:
        return [Batch(tuple(self.orders[i].id for i in b), self.length(b)) for b in batches if b]

    def centroid(self, batch: Iterable[int]) -> tuple:
        return _centroid([self.centroids[i] for i in batch])


def _centroid(points: list) -> tuple:
    if not points:
        return (0.0, 0.0)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _dist2(a: tuple, b: tuple) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def fcfs(orders: Sequence[Order], limits: Limits, route_length: Callable) -> list:
    """First come first served: fill batches in arrival order; each batch routed by route_length."""
    problem = _Problem(orders, limits, route_length)
    batches, current = [], []
    for i in range(len(problem.orders)):
        if current and not problem.fits(current + [i]):
            batches.append(current)
            current = []
        current.append(i)
    batches.append(current)
    return problem.result(batches)


def savings(orders: Sequence[Order], limits: Limits, route_length: Callable, *,
            locate: Optional[Callable] = None, neighbours: int = 15) -> list:
    """Clarke & Wright savings batching (all pairs for small sets, k nearest by centroid beyond)."""
    problem = _Problem(orders, limits, route_length, locate)
    n = len(problem.orders)
    single = [problem.length([i]) for i in range(n)]
    ranked = sorted(((single[i] + single[j] - problem.length([i, j]), i, j)
                     for i, j in _candidate_pairs(problem, neighbours)), reverse=True)
    owner = {i: [i] for i in range(n)}
    for saving, i, j in ranked:
        if saving <= 0:
            break
        a, b = owner[i], owner[j]
        if a is not b and problem.fits(a + b):
            a.extend(b)
            for k in b:
                owner[k] = a
    unique = {id(b): b for b in owner.values()}
    return problem.result(sorted(unique.values(), key=min))


def _candidate_pairs(problem: _Problem, neighbours: int) -> set:
    n = len(problem.orders)
    if n <= ALL_PAIRS_UP_TO:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    pairs, cents = set(), problem.centroids
    for i in range(n):
        near = sorted(range(n), key=lambda j: _dist2(cents[i], cents[j]))[1:neighbours + 1]
        pairs.update((min(i, j), max(i, j)) for j in near)
    return pairs


def seed_batches(orders: Sequence[Order], limits: Limits, route_length: Callable, *,
                 locate: Optional[Callable] = None, candidates: int = 3) -> list:
    """Seed construction: farthest order first, then the orders that add the fewest sub-aisles."""
    problem = _Problem(orders, limits, route_length, locate)
    return problem.result(_seed(problem, candidates))


def _seed(problem: _Problem, candidates: int) -> list:
    left = set(range(len(problem.orders)))
    single = {i: problem.length([i]) for i in left}
    batches = []
    while left:
        batch = [max(left, key=lambda i: (single[i], -i))]
        left.discard(batch[0])
        while left and len(batch) < problem.limits.max_orders:
            pick = _best_addition(problem, batch, left, candidates)
            if pick is None:
                break
            batch.append(pick)
            left.discard(pick)
        batches.append(batch)
    return batches


def _best_addition(problem: _Problem, batch: list, left: set, candidates: int):
    covered = frozenset().union(*(problem.subaisles[i] for i in batch))
    centre = problem.centroid(batch)
    scored = sorted((len(problem.subaisles[i] - covered), _dist2(centre, problem.centroids[i]), i)
                    for i in left)
    shortlist = []
    for _, _, i in scored:
        if problem.fits(batch + [i]):
            shortlist.append(i)
            if len(shortlist) == candidates:
                break
    if not shortlist:
        return None
    return min(shortlist, key=lambda i: (problem.length(batch + [i]), i))


def improve(orders: Sequence[Order], batches: Sequence[Batch], limits: Limits, route_length: Callable, *,
            locate: Optional[Callable] = None, time_budget: float = 5.0, seed: int = 0,
            near: int = 6) -> list:
    """Iterated local search (shift / swap between nearby batches) within time_budget seconds."""
    problem = _Problem(orders, limits, route_length, locate)
    index = {o.id: i for i, o in enumerate(problem.orders)}
    groups = [[index[x] for x in b.order_ids] for b in batches]
    return problem.result(_iterated_local_search(problem, groups, time_budget, seed, near))


def plan_batches(orders: Sequence[Order], limits: Limits, route_length: Callable, *,
                 locate: Optional[Callable] = None, time_budget: float = 5.0, seed: int = 0) -> list:
    """Seed construction then iterated local search: the batches to release as a wave."""
    problem = _Problem(orders, limits, route_length, locate)
    started = time.perf_counter()
    groups = _seed(problem, candidates=3)
    remaining = max(0.0, time_budget - (time.perf_counter() - started))
    return problem.result(_iterated_local_search(problem, groups, remaining, seed, near=6))


def _iterated_local_search(problem: _Problem, groups: list, budget: float, seed: int, near: int) -> list:
    rng, deadline = random.Random(seed), time.perf_counter() + budget
    search = _LocalSearch(problem, groups, near, deadline)
    search.run(range(len(groups)))
    best, best_total = search.snapshot(), search.total()
    while time.perf_counter() < deadline:
        touched = search.perturb(rng)
        if not touched:
            break
        search.run(touched)
        if search.total() < best_total - _EPS:
            best, best_total = search.snapshot(), search.total()
        else:
            search.restore(best)
    return best[0]


class _LocalSearch:
    """Shift and swap moves between each batch and its ``near`` nearest batches (by centroid)."""

    def __init__(self, problem: _Problem, groups: list, near: int, deadline: float):
        self.problem, self.near, self.deadline = problem, near, deadline
        self.groups = [list(g) for g in groups]
        self.lengths = [problem.length(g) for g in self.groups]

    def total(self) -> float:
        return sum(self.lengths)

    def snapshot(self) -> tuple:
        return [list(g) for g in self.groups], list(self.lengths)

    def restore(self, snap: tuple):
        self.groups, self.lengths = [list(g) for g in snap[0]], list(snap[1])

    def neighbours(self, a: int) -> list:
        centre = self.problem.centroid(self.groups[a])
        others = [(_dist2(centre, self.problem.centroid(g)), b)
                  for b, g in enumerate(self.groups) if g and b != a]
        return [b for _, b in sorted(others)[:self.near]]

    def run(self, dirty: Iterable[int]):
        queue = [a for a in dirty if self.groups[a]]
        while queue and time.perf_counter() < self.deadline:
            a = queue.pop()
            if not self.groups[a]:
                continue
            for b in self.neighbours(a):
                if self._improve_pair(a, b) or self._improve_pair(b, a):
                    queue.extend(x for x in (a, b) if x not in queue)
                    break

    def _improve_pair(self, a: int, b: int) -> bool:
        """Apply the first improving shift of an order from a to b, or swap between them."""
        ga, gb, p = self.groups[a], self.groups[b], self.problem
        base = self.lengths[a] + self.lengths[b]
        for o in ga:
            moved = gb + [o]
            if p.fits(moved):
                rest = [x for x in ga if x != o]
                if self._try(a, rest, b, moved, base):
                    return True
        for o in ga:
            for q in gb:
                new_a = [x for x in ga if x != o] + [q]
                new_b = [x for x in gb if x != q] + [o]
                if p.fits(new_a) and p.fits(new_b) and self._try(a, new_a, b, new_b, base):
                    return True
                if time.perf_counter() > self.deadline:
                    return False
        return False

    def _try(self, a: int, new_a: list, b: int, new_b: list, base: float) -> bool:
        la = self.problem.length(new_a) if new_a else 0.0
        lb = self.problem.length(new_b)
        if la + lb < base - 1e-6:
            self.groups[a], self.groups[b], self.lengths[a], self.lengths[b] = new_a, new_b, la, lb
            return True
        return False

    def perturb(self, rng: random.Random) -> list:
        """Swap two random orders between a random batch and one of its neighbours."""
        filled = [a for a, g in enumerate(self.groups) if g]
        for _ in range(20):
            a = rng.choice(filled)
            near = self.neighbours(a)
            if not near:
                return []
            b = rng.choice(near)
            o, q = rng.choice(self.groups[a]), rng.choice(self.groups[b])
            new_a = [x for x in self.groups[a] if x != o] + [q]
            new_b = [x for x in self.groups[b] if x != q] + [o]
            if self.problem.fits(new_a) and self.problem.fits(new_b):
                self.groups[a], self.groups[b] = new_a, new_b
                self.lengths[a], self.lengths[b] = self.problem.length(new_a), self.problem.length(new_b)
                return [a, b]
        return []
