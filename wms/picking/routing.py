"""Picker routing: the order in which to visit a set of pick locations, from the depot and back.

``route(layout, locations, method)`` returns a ``Route``: the distinct locations in visiting order and
the walked length in metres.

- ``exact`` minimises the tour length exactly: the dynamic programme of Ratliff & Rosenthal (1983) for
  one block, generalised to several cross aisles as by Roodbergen & de Koster (2001) (their two-block
  DP is the case of one middle cross aisle; the same sweep handles three blocks). It sweeps the
  aisles left to right. Within a sub-aisle an optimal tour uses one of six edge patterns (none,
  traverse, traverse twice, up from the front and back, down from the back and back, in from both
  ends leaving the largest gap); on a cross-aisle segment it uses 0, 1 or 2 copies. A state records,
  for the sweep line's vertex on each cross aisle, whether its degree is zero, even or odd and which of
  them are already connected: 6 states for one block (RR's 7 classes less the "tour already closed"
  one, not needed because the sweep stops at the last aisle with picks), 24 for two, 112 for three.
  The state tables are built once per block count (crossings between two aisles and aisles without
  picks collapsed into one step each), so a call is a walk over small integer arrays:
  O(aisles x blocks x states), plus O(p log p) to sort the picks. The order is read off an Euler circuit of the chosen edges, so
  walking it costs exactly the DP length.
- ``s_shape``, ``return``, ``midpoint``, ``largest_gap``, ``combined``: the classic heuristics in
  their multi-block form (Roodbergen & de Koster 2001, "Routing methods for warehouses with multiple
  cross aisles"): go up the leftmost pick aisle to the farthest block with picks, serve the blocks from
  far to near with the heuristic's rule, and go back to the depot. The length is what the rule walks.
  With one block they are the textbook single-block heuristics.
- ``multiblock``: nearest neighbour and the combined, largest gap and S-shape tours, each improved by
  2-opt and Or-opt over the shortest-path distance matrix; the best is then kicked by
  ``MULTIBLOCK_KICKS`` double-bridge moves and re-improved, keeping improvements (iterated local
  search). O(p^2) per improvement pass, a few passes per start.
- ``best``: ``exact`` up to ``EXACT_MAX_BLOCKS`` (4) blocks, ``multiblock`` beyond, where the state
  count grows too fast (at 4 blocks the DP is both exact and faster than multiblock on 10-30 picks).

``held_karp(dist)`` (wms/picking/tours.py) is the exact O(2^n n^2) TSP, the reference for small pick
lists; the heuristics live in wms/picking/heuristics.py.
"""
import itertools
from dataclasses import dataclass
from typing import Iterable, Sequence

from wms.picking.heuristics import HEURISTICS, _first_visits, _multiblock, _subaisles
from wms.picking.layout import Layout, Location
from wms.picking.tours import held_karp, improve_tour  # noqa: F401  (part of this module's API)

INF = float("inf")
EXACT_MAX_BLOCKS = 4  # the DP is exact for any block count; 4 blocks (568 states, tables built once in
# ~0.5 s) take ~20 ms for 10-30 picks, less than multiblock (~26 ms, up to 1.5 % longer there)
_EPS = 1e-9


@dataclass(frozen=True)
class Route:
    """Distinct locations in visiting order and the walked length in metres, depot to depot."""

    order: tuple
    length: float
    method: str


def route(layout: Layout, locations: Iterable[Location], method: str = "best") -> Route:
    """Route a picker from the depot through every location and back with the named method."""
    method = _resolve(layout, method)
    groups = _group(layout, locations)
    if not groups:
        return Route((), 0.0, method)
    order, length = _METHODS[method](layout, list(groups))
    return Route(tuple(loc for p in order for loc in groups[p]), length, method)


def route_length(layout: Layout, locations: Iterable[Location], method: str = "best") -> float:
    """Length of ``route(layout, locations, method)`` (for ``exact``, without building the order)."""
    method = _resolve(layout, method)
    points = list(_group(layout, locations))
    if not points:
        return 0.0
    if method == "exact":
        return _exact_dp(layout, points)[0]
    return _METHODS[method](layout, points)[1]


def exact_length_below(layout: Layout, locations: Iterable[Location], upper: float) -> float:
    """The exact route length if it is below ``upper``, else INF (faster than the plain DP when the
    bound is tight: states that cannot finish below it are dropped as the sweep goes)."""
    points = list(_group(layout, locations))
    if not points:
        return 0.0 if upper > 0 else INF
    return _exact_dp(layout, points, upper)[0]


def tour_length(layout: Layout, order: Sequence[Location]) -> float:
    """Length of visiting ``order`` from the depot and back along shortest paths."""
    stops = [layout.point(layout.depot)] + [layout.point(loc) for loc in order]
    stops.append(stops[0])
    return sum(layout.walk(stops[i], stops[i + 1]) for i in range(len(stops) - 1))


def _resolve(layout: Layout, method: str) -> str:
    if method == "best":
        return "exact" if layout.n_blocks <= EXACT_MAX_BLOCKS else "multiblock"
    if method not in _METHODS:
        raise ValueError(f"unknown routing method {method!r}; one of {sorted(METHODS)}")
    return method


def _group(layout: Layout, locations: Iterable[Location]) -> dict:
    """Distinct locations grouped by the point they stand on (both sides of an aisle share one)."""
    groups = {}
    for loc in locations:
        if not layout.contains(loc):
            raise ValueError(f"{loc} is outside the layout")
        members = groups.setdefault(layout.point(loc), [])
        if loc not in members:
            members.append(loc)
    return groups


# --- exact: sweep-line DP over aisles -------------------------------------------------------

NONE, TRAVERSE, TWICE, FROM_FRONT, FROM_BACK, GAP = range(6)
# degree added to the sub-aisle's front vertex, to its back vertex, and whether it joins them
_EFFECTS = ((0, 0, False), (1, 1, True), (2, 2, True), (2, 0, False), (0, 2, False), (2, 2, False))


def _canon(vertices: list) -> tuple:
    """State code per cross-aisle vertex: 0 = unused, else 2 * component + odd, components renumbered."""
    labels, out = {}, []
    for v in vertices:
        out.append(0 if v is None else 2 * labels.setdefault(v[0], len(labels) + 1) + v[1])
    return tuple(out)


def _decode(state: tuple) -> list:
    return [None if c == 0 else (c // 2, c % 2) for c in state]


def _after_subaisle(state: tuple, block: int, effect: int) -> tuple:
    vertices, fresh = _decode(state), len(state) + 1
    front_deg, back_deg, joins = _EFFECTS[effect]
    for idx, deg in ((block, front_deg), (block + 1, back_deg)):
        if deg and vertices[idx] is None:
            vertices[idx], fresh = (fresh, deg % 2), fresh + 1
        elif deg:
            vertices[idx] = (vertices[idx][0], vertices[idx][1] ^ (deg % 2))
    if joins:
        old, new = vertices[block + 1][0], vertices[block][0]
        vertices = [v if v is None or v[0] != old else (new, v[1]) for v in vertices]
    return _canon(vertices)


def _after_crossing(state: tuple, cross: int, copies: int):
    """Replace a cross aisle's vertex by the next aisle's; None if parity breaks or a part is cut off."""
    vertices = _decode(state)
    vertex = vertices[cross]
    if vertex is None:
        return state if copies == 0 else None
    if vertex[1] != (copies == 1):
        return None
    vertices[cross] = (vertex[0], copies % 2) if copies else None
    if not copies and all(v is None or v[0] != vertex[0] for v in vertices):
        return None
    return _canon(vertices)


class _Tables:
    """Every reachable state of a block count, with its successor for each sub-aisle/crossing choice.

    ``crossings[s]`` collapses the choices on all cross aisles at once: for each reachable successor,
    the fewest cross-aisle segment copies that lead there (and which copies), so a gap between two
    aisles is one relaxation step over a few entries per state rather than one step per cross aisle.
    """

    def __init__(self, n_blocks: int):
        start = (0,) * (n_blocks + 1)
        self.n_blocks, self.ids, self.states = n_blocks, {start: 0}, [start]
        self.sub = [[] for _ in range(n_blocks)]
        self.crossings = []
        i = 0
        while i < len(self.states):
            state = self.states[i]
            for b, table in enumerate(self.sub):
                table.append(tuple(self._id(_after_subaisle(state, b, e)) for e in range(6)))
            self.crossings.append(self._crossings(state))
            i += 1
        self.final = [all(c % 2 == 0 for c in s) and {c // 2 for c in s if c} == {1} for s in self.states]
        self._empty = {}

    def _id(self, state) -> int:
        if state not in self.ids:
            self.ids[state] = len(self.states)
            self.states.append(state)
        return self.ids[state]

    def _crossings(self, state: tuple) -> tuple:
        best = {}
        for copies in itertools.product(range(3), repeat=self.n_blocks + 1):
            current = state
            for c, h in enumerate(copies):
                current = _after_crossing(current, c, h)
                if current is None:
                    break
            if current is not None and sum(copies) < best.get(current, (INF,))[0]:
                best[current] = (sum(copies), copies)
        return tuple((self._id(t), total, copies) for t, (total, copies) in best.items())

    def empty_aisle(self, lengths: tuple) -> list:
        """Per state: (successor, cheapest cost, patterns) over aisles with no picks, for these block lengths."""
        if lengths not in self._empty:
            moves = []
            for s in range(len(self.states)):
                best = {}
                for patterns in itertools.product((NONE, TRAVERSE, TWICE), repeat=self.n_blocks):
                    target, cost = s, 0.0
                    for b, pattern in enumerate(patterns):
                        target, cost = self.sub[b][target][pattern], cost + pattern * lengths[b]
                    if cost < best.get(target, (INF,))[0]:
                        best[target] = (cost, patterns)
                moves.append(tuple((t, cost, patterns) for t, (cost, patterns) in best.items()))
            self._empty[lengths] = moves
        return self._empty[lengths]


_TABLES = {}


def _tables(n_blocks: int) -> _Tables:
    if n_blocks not in _TABLES:
        _TABLES[n_blocks] = _Tables(n_blocks)
    return _TABLES[n_blocks]


def _subaisle_options(ys: list, y0: float, length: float) -> tuple:
    """(pattern, cost) pairs allowed in a sub-aisle holding picks at absolute ys (sorted)."""
    lo, hi = ys[0] - y0, ys[-1] - y0
    options = [(TRAVERSE, length), (TWICE, 2 * length), (FROM_FRONT, 2 * hi), (FROM_BACK, 2 * (length - lo))]
    if len(ys) > 1:
        gap = max(ys[i + 1] - ys[i] for i in range(len(ys) - 1))
        options.append((GAP, 2 * (length - gap)))
    return options


_SUB, _EMPTY, _CROSS = range(3)


def _exact_dp(layout: Layout, points: list, upper: float = INF) -> tuple:
    """(length, layers, final state) of the optimal tour; layers hold back-pointers per sweep step.

    With an ``upper`` bound, states that cannot finish below it (their cost plus the least the rest of
    the sweep must add: each later sub-aisle's cheapest pattern, two crossings per aisle gap) are
    dropped; if none finishes below it the length is INF and the final state None.
    """
    tables, ys, n_blocks = _tables(layout.n_blocks), layout.cross_y, layout.n_blocks
    pick_ys = {}
    for aisle, block, y in points + [layout.point(layout.depot)]:
        pick_ys.setdefault((aisle, block), []).append(y)
    lengths = tuple(ys[b + 1] - ys[b] for b in range(n_blocks))
    empty = [((NONE, 0.0), (TRAVERSE, ln), (TWICE, 2 * ln)) for ln in lengths]
    picked = {a for a, _ in pick_ys}
    first, last = min(picked), max(picked)
    steps, crossing = [], 2 * layout.aisle_spacing
    for aisle in range(first, last + 1):
        if aisle not in picked:
            steps.append((aisle, None, _EMPTY, None, 0.0))
        else:
            for b in range(n_blocks):
                found = pick_ys.get((aisle, b))
                options = _subaisle_options(sorted(found), ys[b], lengths[b]) if found else empty[b]
                steps.append((aisle, b, _SUB, options, min(cost for _, cost in options)))
        if aisle < last:
            steps.append((aisle, None, _CROSS, None, crossing))
    rest = [0.0] * (len(steps) + 1)
    for k in range(len(steps) - 1, -1, -1):
        rest[k] = rest[k + 1] + steps[k][4]
    current, layers = {0: 0.0}, []
    for k, (aisle, block, kind, options, _) in enumerate(steps):
        if kind == _EMPTY:
            current, back = _relax_moves(current, tables.empty_aisle(lengths), 1.0)
        elif kind == _SUB:
            current, back = _relax(current, tables.sub[block], options)
        else:
            current, back = _relax_moves(current, tables.crossings, layout.aisle_spacing)
        if upper < INF:
            limit = upper - rest[k + 1] + _EPS
            current = {s: c for s, c in current.items() if c <= limit}
        layers.append((aisle, block, kind, back))
    final = tables.final
    ends = [s for s in current if final[s]]
    if not ends:
        return INF, layers, None
    best = min(ends, key=current.__getitem__)
    if current[best] >= upper:
        return INF, layers, None
    return current[best], layers, best


def _relax(current: dict, table: list, options: Sequence) -> tuple:
    nxt, back = {}, {}
    for state, cost in current.items():
        row = table[state]
        for choice, extra in options:
            target = row[choice]
            value = cost + extra
            if value < nxt.get(target, INF):
                nxt[target] = value
                back[target] = (state, choice)
    return nxt, back


def _relax_moves(current: dict, moves: list, unit: float) -> tuple:
    nxt, back = {}, {}
    for state, cost in current.items():
        for target, extra, choice in moves[state]:
            value = cost + extra * unit
            if value < nxt.get(target, INF):
                nxt[target] = value
                back[target] = (state, choice)
    return nxt, back


def _exact(layout: Layout, points: list) -> tuple:
    length, layers, state = _exact_dp(layout, points)
    depot = layout.point(layout.depot)
    subs = _subaisles(points + [depot])
    graph = _TourGraph()
    for aisle, block, kind, back in reversed(layers):
        state, choice = back[state]
        if kind == _CROSS:
            for c, copies in enumerate(choice):
                graph.add([("x", aisle, c), ("x", aisle + 1, c)], copies)
        elif kind == _EMPTY:
            for b, pattern in enumerate(choice):
                _add_subaisle(graph, aisle, b, [], pattern)
        else:
            _add_subaisle(graph, aisle, block, subs.get((aisle, block), []), choice)
    return _first_visits(graph.circuit(depot), set(points)), length


def _add_subaisle(graph, aisle: int, block: int, picks: list, pattern: int):
    chain = [("x", aisle, block)] + picks + [("x", aisle, block + 1)]
    if pattern in (TRAVERSE, TWICE):
        graph.add(chain, pattern)  # TRAVERSE == 1 copy, TWICE == 2 copies
    elif pattern == FROM_FRONT:
        graph.add(chain[:-1], 2)
    elif pattern == FROM_BACK:
        graph.add(chain[1:], 2)
    elif pattern == GAP:
        gaps = [picks[i + 1][2] - picks[i][2] for i in range(len(picks) - 1)]
        k = gaps.index(max(gaps))
        graph.add(chain[:k + 2], 2)
        graph.add(chain[k + 2:], 2)


class _TourGraph:
    """Multigraph of the chosen edges; its Euler circuit is the tour."""

    def __init__(self):
        self.adj, self.n_edges = {}, 0

    def add(self, chain: list, copies: int):
        for _ in range(copies):
            for u, v in zip(chain, chain[1:]):
                self.adj.setdefault(u, []).append((v, self.n_edges))
                self.adj.setdefault(v, []).append((u, self.n_edges))
                self.n_edges += 1

    def circuit(self, start) -> list:
        """Hierholzer's algorithm, O(edges)."""
        used, cursor = [False] * self.n_edges, {}
        stack, walk = [start], []
        while stack:
            node = stack[-1]
            edges, i = self.adj.get(node, ()), cursor.get(node, 0)
            while i < len(edges) and used[edges[i][1]]:
                i += 1
            cursor[node] = i
            if i == len(edges):
                walk.append(stack.pop())
            else:
                used[edges[i][1]] = True
                stack.append(edges[i][0])
        return walk[::-1]


# --- classic heuristics, multi-block form ---------------------------------------------------

_METHODS = {"exact": _exact, "multiblock": _multiblock, **HEURISTICS}
METHODS = tuple(_METHODS) + ("best",)
