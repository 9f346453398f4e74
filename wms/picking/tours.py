"""Tours over a distance matrix: the exact Held-Karp TSP (the reference for small pick lists) and
the 2-opt / Or-opt improvement with double-bridge kicks used by the multi-block heuristic. Pure.

``held_karp(dist)`` is the exact O(2^n n^2) TSP; ``improve_tour`` is O(p^2) per pass.
"""
import random
from typing import Sequence

INF = float("inf")
_EPS = 1e-9


def held_karp(dist: Sequence[Sequence[float]]) -> tuple:
    """Exact TSP over a distance matrix (node 0 = depot): (length, tour starting at 0). O(2^n n^2)."""
    n = len(dist)
    if n <= 2:
        return (2 * dist[0][1] if n == 2 else 0.0), list(range(n))
    m = n - 1
    full = 1 << m
    cost = [[INF] * m for _ in range(full)]
    parent = [[-1] * m for _ in range(full)]
    for i in range(m):
        cost[1 << i][i] = dist[0][i + 1]
    for mask in range(1, full):
        row = cost[mask]
        for last in range(m):
            here = row[last]
            if here == INF:
                continue
            out = dist[last + 1]
            for nxt in range(m):
                bit = 1 << nxt
                if mask & bit:
                    continue
                value = here + out[nxt + 1]
                if value < cost[mask | bit][nxt]:
                    cost[mask | bit][nxt] = value
                    parent[mask | bit][nxt] = last
    last_row = cost[full - 1]
    length, last = min((last_row[i] + dist[i + 1][0], i) for i in range(m))
    tour, mask = [], full - 1
    while last >= 0:
        tour.append(last + 1)
        mask, last = mask ^ (1 << last), parent[mask][last]
    return length, [0] + tour[::-1]




def _nearest_neighbour(dist: list) -> list:
    tour, left = [0], set(range(1, len(dist)))
    while left:
        here = dist[tour[-1]]
        nxt = min(left, key=here.__getitem__)
        tour.append(nxt)
        left.remove(nxt)
    return tour


def _cycle_length(tour: list, dist: list) -> float:
    return sum(dist[tour[i - 1]][tour[i]] for i in range(len(tour)))


def _two_opt(tour: list, dist: list) -> bool:
    """One first-improvement 2-opt pass (node 0 stays first); True if the tour changed."""
    n, improved = len(tour), False
    for i in range(n - 2):
        a, b = tour[i], tour[i + 1]
        da = dist[a]
        for j in range(i + 2, n if i else n - 1):
            c, e = tour[j], tour[(j + 1) % n]
            if da[c] + dist[b][e] < da[b] + dist[c][e] - _EPS:
                tour[i + 1:j + 1] = tour[i + 1:j + 1][::-1]
                a, b, improved = tour[i], tour[i + 1], True
                da = dist[a]
    return improved


def _or_opt(tour: list, dist: list) -> bool:
    """One pass moving each segment of 1-3 stops (either way round) to its best place; True if any moved."""
    n, improved = len(tour), False
    for size in (1, 2, 3):
        for i in range(1, n - size + 1):
            seg = tour[i:i + size]
            prev, nxt = tour[i - 1], tour[(i + size) % n]
            gain = dist[prev][seg[0]] + dist[seg[-1]][nxt] - dist[prev][nxt]
            rest = tour[:i] + tour[i + size:]
            best, where, flip = gain - _EPS, -1, False
            first, end = dist[seg[0]], dist[seg[-1]]
            for k in range(len(rest)):
                u, v = rest[k], rest[(k + 1) % len(rest)]
                base = dist[u][v]
                forward = dist[u][seg[0]] + end[v] - base
                backward = dist[u][seg[-1]] + first[v] - base
                if forward < best:
                    best, where, flip = forward, k, False
                if backward < best:
                    best, where, flip = backward, k, True
            if where >= 0:
                tour[:] = rest[:where + 1] + (seg[::-1] if flip else seg) + rest[where + 1:]
                improved = True
    return improved


def improve_tour(tour: list, dist: list) -> list:
    """2-opt and Or-opt until neither improves; node 0 (the depot) stays first. O(n^2) per pass."""
    tour = list(tour)
    while _two_opt(tour, dist) | _or_opt(tour, dist):
        pass
    return tour


def _double_bridge(tour: list, rng: random.Random) -> list:
    """Cut the tour (after the depot) into four parts and reconnect them as A C B D."""
    i, j, k = sorted(rng.sample(range(1, len(tour)), 3))
    return tour[:i] + tour[j:k] + tour[i:j] + tour[k:]


