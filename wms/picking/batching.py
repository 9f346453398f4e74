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
- ``seed_batches``: seed algorithm. Open a batch with the unbatched order reaching farthest from the
  depot (largest x + y of a location, the depot being near the origin); add, among the 250 unbatched
  orders nearest the batch centroid, the one bringing the fewest new sub-aisles (ties: nearest),
  routing the ``candidates`` best of those and taking the least added length (fewer candidates when a
  time budget is given and routes are slow). O(n^2) cheap arithmetic (a nearest-250 selection
  per step) and up to ``candidates`` routes per order.
- ``improve``: the shift / swap descent of wms/picking/batch_search.py (the one plan_batches runs on
  its seed) from given batches, until no move helps or ``time_budget`` seconds are spent.
- ``classic_savings``: the classic Clarke & Wright savings, recomputed after every merge
  (wms/picking/savings.py); the bench's baseline and plan_batches' seed when given the layout's bounds.
- ``plan_batches``: the entry point for waves. Seed, when given ``bounds``: savings with
  ``QUICK_PARTNERS`` partners per order, then, if that was quick, with ``SEED_PARTNERS`` (classic up to
  ``ALL_PAIRS_SEED`` orders), the shorter kept; the first merges on tour bounds after ``HURRY_SHARE``
  of the budget, and a savings run not done after ``SAVINGS_SHARE`` of it is given up; with neither,
  ``_seed`` (about 40 % of what is left at most); then a descent by shifts and swaps
  (wms/picking/batch_search.py) and simulated annealing over order exchanges
  (wms/picking/batch_annealing.py) until the budget is spent, never ending longer than the seed.
  ``sweep.routers(layout)`` gives the fastest exact ``route_length`` / ``route_below`` pair to pass.
"""
import heapq
import random
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from wms.picking.batch_annealing import Annealing
from wms.picking.batch_search import Lengths, Search
from wms.picking.savings import savings_groups

ALL_PAIRS_UP_TO = 150
CONSTRUCTION_SHARE = 0.4  # of plan_batches' time budget, for the seed construction
SAVINGS_SHARE = 0.8  # of the budget the savings seed may take before the seed algorithm replaces it
HURRY_SHARE = 0.5  # of the budget after which the first savings seed merges on tour bounds (savings.py)
QUICK_PARTNERS = 30  # savings seed first tried with this many partners per order (savings.py). 2,000
# orders, three blocks: 30 partners 1.7 % longer than classic savings in 18.5 CPU s, 20 partners 2.4 % in
# 15.5; plan_batches (10 / 30 CPU s) on three blocks: 500 orders -0.4 / +0.0 % against classic savings
# (seeds 0 / 1) with 30, -0.7 / -1.0 % with 20; 2,000 orders -2.3 % against -2.7 %; one and two blocks alike
SECOND_SEED_COST = 2.0  # the SEED_PARTNERS seed takes about this many times the quick one's CPU (two
# blocks, 2,000 orders: 11.0 s against 6.4); it runs only if it should end within SAVINGS_SHARE of the
# budget. A fixed quarter of the budget for the quick seed skipped it there when a busy machine made
# the quick seed take 7.6 s instead of 6.4: -1.04 % against classic savings instead of -0.03
SEED_PARTNERS = 100  # 500 orders 0.1 % shorter than classic savings in 60 % of its CPU, 2,000 orders
# 0.5 % longer in an eighth of it
ALL_PAIRS_SEED = 300  # orders up to which the second seed pairs every two orders, as the textbook
SMALL_WAVE = 60  # orders up to which the seeds are classic savings run to the end, whatever the clock says
ANNEAL_HOT, ANNEAL_COLD = 3.0, 0.3  # metres: the annealing's temperature from start to deadline; issue 22's
# single block, 500 orders, 10 s from classic savings: 3 -> 0.3 gave 0.90 % shorter, 5 -> 0.5 0.69 %, 10 -> 1 0.0 %
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
        self.route_length, self.lengths, self.calls, self.seconds = route_length, {}, 0, 0.0

    def __call__(self, locations: Iterable) -> float:
        key = locations if isinstance(locations, frozenset) else frozenset(locations)
        if key not in self.lengths:
            started = time.perf_counter()
            self.lengths[key] = self.route_length(key)
            self.calls, self.seconds = self.calls + 1, self.seconds + time.perf_counter() - started
        return self.lengths[key]

    def mean_seconds(self) -> float:
        """Average time of one real route call so far (a guess of 1 ms before the first)."""
        return self.seconds / self.calls if self.calls else 1e-3


class _Problem:
    """Orders by index with their location sets, centroids and loads, and the cached router."""

    def __init__(self, orders: Sequence[Order], limits: Limits, route_length: Callable,
                 locate: Optional[Callable] = None):
        self.orders, self.limits = list(orders), limits
        for order in self.orders:
            if not limits.fits([order]):
                raise ValueError(f"order {order.id!r} alone exceeds the batch limits")
        self.route = route_length if isinstance(route_length, RouteCache) else RouteCache(route_length)
        # locate(loc) -> (x, y) in metres, e.g. layout.xy; the default only knows aisle and block order
        locate = locate or (lambda loc: (float(loc.aisle), float(loc.block) * 1e3 + loc.position))
        self.locsets = [frozenset(o.locations) for o in self.orders]
        self.subaisles = [frozenset((loc.aisle, loc.block) for loc in o.locations) for o in self.orders]
        self.centroids = [_centroid([locate(loc) for loc in o.locations]) for o in self.orders]
        self.xs, self.ys = [c[0] for c in self.centroids], [c[1] for c in self.centroids]
        self.reach = [max(sum(locate(loc)) for loc in o.locations) if o.locations else 0.0 for o in self.orders]

    def length(self, batch: Iterable[int]) -> float:
        return self.route(frozenset().union(*(self.locsets[i] for i in batch)))

    def fits(self, batch: Iterable[int]) -> bool:
        return self.limits.fits([self.orders[i] for i in batch])

    def result(self, batches: Iterable[list]) -> list:
        return [Batch(tuple(self.orders[i].id for i in b), self.length(b)) for b in batches if b]

    def centroid(self, batch: Iterable[int]) -> tuple:
        return _centroid([self.centroids[i] for i in batch])

    def nearest(self, centre: tuple, left: Iterable[int], k: int) -> list:
        """The k (squared distance, index) pairs of `left` nearest `centre`. O(|left|) in one tight
        pass; this runs once per order added during construction, so it must stay lean."""
        cx, cy = centre
        xs, ys = self.xs, self.ys
        return heapq.nsmallest(k, [((xs[i] - cx) ** 2 + (ys[i] - cy) ** 2, i) for i in left])


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
                 locate: Optional[Callable] = None, candidates: int = 5,
                 time_budget: Optional[float] = None) -> list:
    """Seed construction: farthest order first, then the orders that add the fewest sub-aisles.

    With a ``time_budget`` fewer candidates are routed per step when routes are slow (down to one,
    which routes nothing), so construction stays within about that many seconds.
    """
    problem = _Problem(orders, limits, route_length, locate)
    return problem.result(_seed(problem, candidates, time_budget))


def _seed(problem: _Problem, most: int, budget: Optional[float] = None) -> list:
    left, reach = set(range(len(problem.orders))), problem.reach
    deadline = None if budget is None else time.perf_counter() + budget
    batches, candidates = [], most
    while left:
        batch = [max(left, key=lambda i: (reach[i], -i))]
        left.discard(batch[0])
        while left and len(batch) < problem.limits.max_orders:
            if deadline is not None:
                per_step = len(left) * problem.route.mean_seconds()
                candidates = max(1, min(most, int((deadline - time.perf_counter()) / per_step)))
            pick = _best_addition(problem, batch, left, candidates)
            if pick is None:
                break
            batch.append(pick)
            left.discard(pick)
        batches.append(batch)
    return batches


def _best_addition(problem: _Problem, batch: list, left: set, candidates: int, pool: int = 80):
    """Among the ``pool`` unbatched orders nearest the batch centroid, the one adding fewest sub-aisles."""
    covered = frozenset().union(*(problem.subaisles[i] for i in batch))
    near = problem.nearest(problem.centroid(batch), left, pool)
    subaisles = problem.subaisles
    scored = sorted((len(subaisles[i] - covered), d, i) for d, i in near)
    shortlist = []
    for _, _, i in scored:
        if problem.fits(batch + [i]):
            shortlist.append(i)
            if len(shortlist) == candidates:
                break
    if not shortlist:
        return None
    if len(shortlist) == 1:
        return shortlist[0]
    return min(shortlist, key=lambda i: (problem.length(batch + [i]), i))


def improve(orders: Sequence[Order], batches: Sequence[Batch], limits: Limits, route_length: Callable, *,
            locate: Optional[Callable] = None, time_budget: float = 5.0, seed: int = 0,
            near: int = 6) -> list:
    """The shift / swap descent plan_batches runs (wms/picking/batch_search.py) from these batches,
    within time_budget seconds; ``near`` is kept for callers and unused."""
    problem = _Problem(orders, limits, route_length, locate)
    index = {o.id: i for i, o in enumerate(problem.orders)}
    groups = [[index[x] for x in b.order_ids] for b in batches]
    lengths = Lengths(problem.route, _below_by(problem.route))
    descent = Search(problem.orders, limits, lengths, None, groups)
    descent.local_search(list(range(len(problem.orders))), time.perf_counter() + time_budget, random.Random(seed))
    return problem.result(descent.snapshot())


def classic_savings(orders: Sequence[Order], limits: Limits, route_length: Callable, *,
                    bounds=None, route_below: Optional[Callable] = None) -> list:
    """Classic Clarke & Wright savings (recomputed after every merge, every batch routed by
    route_length); ``bounds`` (a tour_bounds.BoundTable) spares most routes. See wms/picking/savings.py."""
    problem = _Problem(orders, limits, route_length)
    below = Lengths(problem.route, route_below).below if route_below else None
    return problem.result(savings_groups(problem.orders, limits, problem.route, bounds=bounds, below=below))


def plan_batches(orders: Sequence[Order], limits: Limits, route_length: Callable, *,
                 locate: Optional[Callable] = None, time_budget: float = 5.0, seed: int = 0,
                 bounds=None, route_below: Optional[Callable] = None) -> list:
    """Seed construction, a descent, then simulated annealing over order exchanges: the batches of a wave.

    ``bounds`` (tour_bounds.BoundTable of the layout) and ``route_below(locations, upper)`` (the exact
    length if below upper, else INF: routing.exact_length_below) make each step cheaper; without them
    every candidate is routed in full.
    """
    problem = _Problem(orders, limits, route_length, locate)
    started = time.perf_counter()
    deadline = started + time_budget
    below = route_below or _below_by(problem.route)
    lengths = Lengths(problem.route, lambda locs, upper: below(locs, upper))
    groups = _savings_seed(problem, lengths, bounds, started, time_budget) if bounds is not None else None
    if groups is None:
        groups = _seed(problem, 5, CONSTRUCTION_SHARE * max(0.0, deadline - time.perf_counter()))
    groups = [g for g in groups if g]
    if len(groups) > 1:
        descent = Search(problem.orders, limits, lengths, bounds, groups)
        descent.local_search(list(range(len(problem.orders))), deadline, random.Random(seed))
        annealing = Annealing(problem.orders, limits, lengths, bounds, descent.snapshot())
        groups = annealing.run(deadline, random.Random(seed), ANNEAL_HOT, ANNEAL_COLD)
    # lengths, not problem.length: a batch the annealing routed with a bound is known there only
    located = (frozenset().union(*(problem.locsets[i] for i in g)) for g in groups)
    return [Batch(tuple(problem.orders[i].id for i in g), lengths(locations)) for g, locations in zip(groups, located)]


def _savings_seed(problem: _Problem, lengths: Lengths, bounds, started: float, budget: float):
    """The shorter of two savings seeds, or None if neither finishes within ``SAVINGS_SHARE`` of the
    budget: ``QUICK_PARTNERS`` partners per order first (fast), then ``SEED_PARTNERS`` (every pair up to
    ``ALL_PAIRS_SEED`` orders) if it should end by then (``SECOND_SEED_COST`` times the first) or the
    wave is small (``SMALL_WAVE`` orders: the classic savings takes milliseconds, so neither hurries
    nor gives up there). The first hurries after ``HURRY_SHARE`` of the budget (merges on tour bounds,
    routing only what it merges)."""
    n = len(problem.orders)
    best, best_total = None, float("inf")
    for partners in (QUICK_PARTNERS, None if n <= ALL_PAIRS_SEED else SEED_PARTNERS):
        spent = time.perf_counter() - started
        affordable = best is not None and spent * (1.0 + SECOND_SEED_COST) <= SAVINGS_SHARE * budget
        if best is not None and (n <= QUICK_PARTNERS + 1 or not (affordable or n <= SMALL_WAVE)):
            break
        small = n <= SMALL_WAVE
        hurry = started + HURRY_SHARE * budget if best is None and not small else None
        deadline = None if small else started + SAVINGS_SHARE * budget
        groups = savings_groups(problem.orders, problem.limits, lengths, bounds=bounds, below=lengths.below,
                                deadline=deadline, partners=partners, hurry=hurry)
        if groups is not None:
            total = sum(problem.length(g) for g in groups)
            if total < best_total:
                best, best_total = groups, total
    return best


def _below_by(route: Callable) -> Callable:
    def below(locations, upper):
        value = route(locations)
        return value if value < upper else float("inf")
    return below
