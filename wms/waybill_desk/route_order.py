"""The order in which a batch of labels prints: the order the picker meets the orders. Pure: stdlib only.

Labels printed before picking double as the pick slip, so the stack must come off the printer in the
order of the walk. An order already in a wave is placed by its wave's route: its pick task (tasks are
walked one after another), then the first stop of the route that picks for it (PickLine.seq, the exact
route the wave computed). An order not in a wave yet is placed by the first of its reserved bins on
an S-shaped walk (block by block, aisle by aisle, up the even aisles and down the odd ones: the
route a picker walks through every aisle), after the waved ones. Orders without reserved bins (缺货)
come last, by id. Sorting n orders with their k stops is O(n k + n log n).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stop:
    """Where a bin is: block, aisle (0-based) and metres along the aisle."""

    block: int
    aisle: int
    position_m: float


@dataclass
class OrderPlace:
    """What places one order in the walk: its first route stop in a wave, or the bins it has reserved."""

    order_id: int
    task_id: int | None = None       # the wave's pick task that picks its first line
    seq: int | None = None           # that line's position on the task's route
    bins: list = field(default_factory=list)   # [Stop] of its reservations (not waved yet)


def serpentine_key(stop):
    """A bin's place on the S-shaped walk: up even aisles, down odd ones."""
    along = stop.position_m if stop.aisle % 2 == 0 else -stop.position_m
    return (stop.block, stop.aisle, along)


def walk_key(place):
    """The sort key of an order: waved first by route, then by its first bin on the walk, then the rest."""
    if place.task_id is not None:
        return (0, place.task_id, place.seq or 0, (), place.order_id)
    if place.bins:
        return (1, 0, 0, min(serpentine_key(stop) for stop in place.bins), place.order_id)
    return (2, 0, 0, (), place.order_id)


def in_walk_order(places):
    """The order ids, in the order the picker meets them."""
    return [place.order_id for place in sorted(places, key=walk_key)]
