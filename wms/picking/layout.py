"""Warehouse geometry: parallel aisles cut into blocks by cross aisles, and walking distances.

Units are metres. Aisle ``i`` runs along y at ``x = i * aisle_spacing``. Cross aisle ``c``
(0 = front, ``n_blocks`` = back) is a horizontal line at ``y = cross_y[c]``; block ``b`` holds the
aisle segments ("sub-aisles") between cross aisles ``b`` and ``b + 1``: half a cross-aisle width,
``block_lengths[b]`` metres of storage, half a cross-aisle width. A ``Location`` sits in one
sub-aisle, ``position`` metres from the start of that block's storage.

Assumption: aisles are narrow, so a picker reaches both sides of an aisle from its centre line with
no lateral travel; ``side`` is carried for display only. The depot is a point on the front cross aisle
in front of ``depot_aisle``.

Walking is restricted to aisles and cross aisles, so the shortest path between two points in different
aisles leaves the first aisle through one of its sub-aisle's two cross aisles, walks a Manhattan path
along cross aisles and any aisle, and enters the second through one of its two: the minimum over these
four combinations, O(1) per pair.
"""
from dataclasses import dataclass, field
from typing import Sequence

FRONT_SIDE = "L"


@dataclass(frozen=True, order=True)
class Location:
    """A pick face: aisle index, block index, metres along the block's storage, side (L/R)."""

    aisle: int
    block: int
    position: float
    side: str = FRONT_SIDE


@dataclass(frozen=True)
class Layout:
    """Blocks of parallel aisles separated by cross aisles; the depot on the front cross aisle."""

    n_aisles: int
    block_lengths: tuple
    aisle_spacing: float = 3.0
    cross_aisle_width: float = 3.0
    depot_aisle: int = 0
    slot_length: float = 1.0
    cross_y: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        lengths = tuple(float(x) for x in self.block_lengths)
        if self.n_aisles < 1 or not lengths or min(lengths) <= 0:
            raise ValueError("a layout needs at least one aisle and one block of positive length")
        if not 0 <= self.depot_aisle < self.n_aisles:
            raise ValueError("depot_aisle must be one of the aisles")
        ys = [0.0]
        for length in lengths:
            ys.append(ys[-1] + length + self.cross_aisle_width)
        object.__setattr__(self, "block_lengths", lengths)
        object.__setattr__(self, "cross_y", tuple(ys))

    @property
    def n_blocks(self) -> int:
        """Number of blocks (one more cross aisle than that)."""
        return len(self.block_lengths)

    @property
    def depot(self) -> Location:
        """The depot as a Location on the front cross aisle (negative position: before block 0)."""
        return Location(self.depot_aisle, 0, -self.cross_aisle_width / 2, "depot")

    def slots_in_block(self, block: int) -> int:
        """How many slot positions fit along one side of a sub-aisle of this block."""
        return int(self.block_lengths[block] // self.slot_length)

    def slot(self, aisle: int, block: int, index: int, side: str = FRONT_SIDE) -> Location:
        """The Location of slot ``index`` (0 = nearest the front) in a sub-aisle."""
        return Location(aisle, block, (index + 0.5) * self.slot_length, side)

    def contains(self, loc: Location) -> bool:
        """True if the location lies in one of the layout's sub-aisles (or is the depot)."""
        if loc == self.depot:
            return True
        return (0 <= loc.aisle < self.n_aisles and 0 <= loc.block < self.n_blocks
                and 0 <= loc.position <= self.block_lengths[loc.block])

    def point(self, loc: Location) -> tuple:
        """(aisle, block, absolute y) of a location: the key used for distances."""
        return (loc.aisle, loc.block, self.cross_y[loc.block] + self.cross_aisle_width / 2 + loc.position)

    def x(self, aisle: int) -> float:
        """x coordinate of an aisle's centre line."""
        return aisle * self.aisle_spacing

    def xy(self, loc: Location) -> tuple:
        """(x, y) in metres of a location; e.g. ``locate=layout.xy`` for batching's centroids."""
        return (loc.aisle * self.aisle_spacing, self.point(loc)[2])

    def walk(self, a: tuple, b: tuple) -> float:
        """Shortest walking distance between two points given as (aisle, block, y)."""
        ai, ab, ay = a
        bi, bb, by = b
        if ai == bi:
            return abs(ay - by)
        ys = self.cross_y
        best = min(
            abs(ay - ca) + abs(ca - cb) + abs(cb - by)
            for ca in (ys[ab], ys[ab + 1])
            for cb in (ys[bb], ys[bb + 1])
        )
        return abs(ai - bi) * self.aisle_spacing + best

    def distance(self, a: Location, b: Location) -> float:
        """Shortest walking distance between two locations (either may be ``layout.depot``)."""
        return self.walk(self.point(a), self.point(b))

    def distance_matrix(self, points: Sequence[tuple]) -> list:
        """All-pairs walking distances between (aisle, block, y) points, as a list of rows."""
        n = len(points)
        rows = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                rows[i][j] = rows[j][i] = self.walk(points[i], points[j])
        return rows


def build_layout(n_aisles: int, n_blocks: int, aisle_length: float, *, aisle_spacing: float = 3.0,
                 cross_aisle_width: float = 3.0, depot_aisle: int = 0,
                 slot_length: float = 1.0, block_lengths: Sequence[float] = ()) -> Layout:
    """A Layout from plain values (e.g. a DB row); blocks split ``aisle_length`` evenly unless given."""
    lengths = tuple(block_lengths) or (aisle_length / n_blocks,) * n_blocks
    return Layout(n_aisles, lengths, aisle_spacing, cross_aisle_width, depot_aisle, slot_length)
