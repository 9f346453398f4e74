"""The classic picker-routing heuristics, in their multi-block form (Roodbergen & de Koster 2001,
"Routing methods for warehouses with multiple cross aisles"), and the multi-block improvement
heuristic. Pure.

- ``s_shape``, ``return``, ``midpoint``, ``largest_gap``, ``combined``: go up the leftmost pick aisle
  to the farthest block with picks, serve the blocks from far to near with the heuristic's rule, and
  go back to the depot. The length is what the rule walks. With one block they are the textbook
  single-block heuristics.
- ``multiblock``: nearest neighbour and the combined, largest gap and S-shape tours, each improved by
  2-opt and Or-opt over the shortest-path distance matrix; the best is then kicked by
  ``MULTIBLOCK_KICKS`` double-bridge moves and re-improved, keeping improvements (iterated local
  search). O(p^2) per improvement pass, a few passes per start.
"""
import random
from typing import Callable, Iterable, Sequence

from wms.picking.layout import Layout
from wms.picking.tours import _cycle_length, _double_bridge, _nearest_neighbour, improve_tour

INF = float("inf")
_EPS = 1e-9
MULTIBLOCK_KICKS = 20  # double-bridge restarts of the multi-block heuristic


def _subaisles(points: Iterable[tuple]) -> dict:
    """Points grouped by (aisle, block), each list sorted front to back."""
    subs = {}
    for p in points:
        subs.setdefault((p[0], p[1]), []).append(p)
    for members in subs.values():
        members.sort()
    return subs


def _first_visits(path: Sequence, wanted: set) -> list:
    seen, order = set(), []
    for p in path:
        if p in wanted and p not in seen:
            seen.add(p)
            order.append(p)
    return order


def _walk_length(layout: Layout, path: Sequence[tuple]) -> float:
    walk = layout.walk
    return sum(walk(path[i], path[i + 1]) for i in range(len(path) - 1))



def _cross(layout: Layout, aisle: int, c: int) -> tuple:
    """The point where an aisle meets cross aisle ``c``."""
    return (aisle, min(c, layout.n_blocks - 1), layout.cross_y[c])


def _traverse(layout: Layout, aisle: int, block: int, picks: list, side: int) -> list:
    """Walk a whole sub-aisle from cross aisle ``side`` (block or block + 1) to the other."""
    if side == block:
        return [_cross(layout, aisle, block)] + picks + [_cross(layout, aisle, block + 1)]
    return [_cross(layout, aisle, block + 1)] + picks[::-1] + [_cross(layout, aisle, block)]


def _visit(layout: Layout, aisle: int, block: int, picks: list, side: int) -> list:
    """Enter a sub-aisle from cross aisle ``side``, walk to the farthest pick, come back."""
    end = _cross(layout, aisle, side)
    return [end] + (picks if side == block else picks[::-1]) + [end]


def _skeleton(layout: Layout, points: list, serve: Callable) -> list:
    """Waypoints of a multi-block heuristic: up the leftmost pick aisle, then blocks far to near."""
    subs = _subaisles(points)
    depot = layout.point(layout.depot)
    far, left = max(b for _, b in subs), min(a for a, _ in subs)
    path = [depot]
    if far > 0:
        path.append(_cross(layout, left, 0))
        for b in range(far):
            path += subs.pop((left, b), [])
        path.append(_cross(layout, left, far))
    for b in range(far, -1, -1):
        aisles = sorted(a for a, bb in subs if bb == b)
        if not aisles:
            continue
        here = path[-1][0]
        if abs(aisles[-1] - here) < abs(aisles[0] - here):
            aisles.reverse()
        entry = b if b == far else b + 1
        path += serve(layout, b, aisles, [subs[(a, b)] for a in aisles], entry, path[-1])
    path.append(depot)
    return path


def _serve_s_shape(layout, block, aisles, groups, entry, start) -> list:
    """Traverse every pick sub-aisle in turn; the last is a return visit if the parity needs it."""
    n = len(aisles)
    traversals = n if (n % 2 == 0) == (entry == block) else n - 1
    side, out = entry, []
    for i, (aisle, picks) in enumerate(zip(aisles, groups)):
        if i < traversals:
            out += _traverse(layout, aisle, block, picks, side)
            side = block + 1 if side == block else block
        else:
            out += _visit(layout, aisle, block, picks, side)
    return out


def _serve_return(layout, block, aisles, groups, entry, start) -> list:
    """Enter and leave every pick sub-aisle from the block's front cross aisle."""
    return [p for aisle, picks in zip(aisles, groups) for p in _visit(layout, aisle, block, picks, block)]


def _midpoint_split(layout: Layout, block: int, picks: list) -> tuple:
    mid = (layout.cross_y[block] + layout.cross_y[block + 1]) / 2
    return [p for p in picks if p[2] <= mid], [p for p in picks if p[2] > mid]


def _largest_gap_split(layout: Layout, block: int, picks: list) -> tuple:
    ends = [layout.cross_y[block]] + [p[2] for p in picks] + [layout.cross_y[block + 1]]
    gaps = [ends[i + 1] - ends[i] for i in range(len(ends) - 1)]
    k = gaps.index(max(gaps))
    return picks[:k], picks[k:]


def _serve_split(split: Callable) -> Callable:
    """Midpoint / largest gap: back parts from the back, last aisle traversed, front parts from the front."""
    def serve(layout, block, aisles, groups, entry, start):
        if len(aisles) == 1:
            if entry == block:
                return _visit(layout, aisles[0], block, groups[0], block)
            return _traverse(layout, aisles[0], block, groups[0], entry)
        out, middle = [], list(zip(aisles[:-1], groups[:-1]))
        if entry == block:
            out += _traverse(layout, aisles[0], block, groups[0], block)
            middle = middle[1:]
        parts = [(aisle, split(layout, block, picks)) for aisle, picks in middle]
        for aisle, (_, back) in parts:
            if back:
                out += _visit(layout, aisle, block, back, block + 1)
        out += _traverse(layout, aisles[-1], block, groups[-1], block + 1)
        for aisle, (front, _) in reversed(parts):
            if front:
                out += _visit(layout, aisle, block, front, block)
        return out
    return serve


def _serve_combined(layout, block, aisles, groups, entry, start) -> list:
    """Per sub-aisle, traverse or return, chosen by a two-state DP (at front / at back) over the aisles."""
    states = {entry: (0.0, [start])}
    for aisle, picks in zip(aisles, groups):
        nxt = {}
        for side, (cost, path) in states.items():
            other = block + 1 if side == block else block
            for steps, end in ((_traverse(layout, aisle, block, picks, side), other),
                               (_visit(layout, aisle, block, picks, side), side)):
                value = cost + layout.walk(path[-1], steps[0]) + _walk_length(layout, steps)
                if value < nxt.get(end, (INF,))[0]:
                    nxt[end] = (value, path + steps)
        states = nxt
    return states[block][1][1:]


def _heuristic(serve: Callable) -> Callable:
    def run(layout: Layout, points: list) -> tuple:
        path = _skeleton(layout, points, serve)
        return _first_visits(path, set(points)), _walk_length(layout, path)
    return run


# --- multiblock: best classic tour + 2-opt / Or-opt -----------------------------------------


def _multiblock(layout: Layout, points: list, kicks: int = MULTIBLOCK_KICKS) -> tuple:
    """Best improved start tour, then ``kicks`` double-bridge perturbations kept when they help."""
    nodes = [layout.point(layout.depot)] + points
    index = {p: i for i, p in enumerate(nodes)}
    dist = layout.distance_matrix(nodes)
    starts = [_nearest_neighbour(dist)]
    for name in ("combined", "largest_gap", "s_shape"):
        starts.append([0] + [index[p] for p in HEURISTICS[name](layout, points)[0]])
    tours = [improve_tour(start, dist) for start in starts]
    best = min(tours, key=lambda t: _cycle_length(t, dist))
    best_len = _cycle_length(best, dist)
    rng = random.Random(len(points))
    for _ in range(kicks if len(best) > 4 else 0):
        tour = improve_tour(_double_bridge(best, rng), dist)
        length = _cycle_length(tour, dist)
        if length < best_len - _EPS:
            best, best_len = tour, length
    return [nodes[i] for i in best[1:]], best_len



HEURISTICS = {
    "s_shape": _heuristic(_serve_s_shape),
    "return": _heuristic(_serve_return),
    "midpoint": _heuristic(_serve_split(_midpoint_split)),
    "largest_gap": _heuristic(_serve_split(_largest_gap_split)),
    "combined": _heuristic(_serve_combined),
}
