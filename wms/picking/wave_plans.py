"""What a wave would take: the allocated orders read as candidates, the wave's orders chosen
(waves.plan_wave), their batches planned (batching) and, for a release, each batch's stops in route
order. Reads only; wms.picking.services writes the wave.

The preview and the release choose the same orders from the same candidates; they differ only in
how their carts are found. Choosing needs each order's urgency and size alone (priority, carrier,
age, units, lines: one grouped statement over the backlog, bins' zones only when the filter names
zones); pick faces, weights and volumes are read for the chosen orders only (a wave takes at most a
few hundred of a backlog of thousands). The preview's carts are the seed construction alone (no
route tried while building, no local search: deterministic), each routed once; the release runs
the whole timed search, routes each cart's stops and the first-come comparison.

With a cart type (waves.CartCapacity) each cart holds its totes, lines, units, weight and volume,
and a multi-item order must fit one tote; a pick-all wave (limits.pick_all: the put wall's) is one
cart of every chosen order that fits it, the rest waiting for the next wave. Each planned cart
carries its load (lines, units, weight, volume) for the preview's fill bars.

A cart's length is a pure function of the warehouse's geometry and its locations, so lengths are
kept across requests (ROUTES_KEPT of them): a preview asked again, or the release after it, does
not route the same cart twice.
"""
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import distinct, func, select

from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory.models import Bin, OrderAllocation, Reservation, StockItem
from wms.orders import states
from wms.orders import tags as order_tags
from wms.orders.models import Order
from wms.picking import batching, routing, waves
from wms.picking.layout import Location, build_layout
from wms.shipping.cutoffs import next_cutoff
from wms.shipping.models import Carrier
from wms.timeutil import utcnow


@dataclass
class PlannedBatch:
    kind: str                 # single | multi
    order_ids: list
    distance_m: float
    lines: int                # pick lines (one per reservation)
    stops: list = field(default_factory=list)  # [(line info)...] in route order; a release's only
    units: int = 0
    weight_g: float = 0.0
    volume_cm3: float = 0.0


@dataclass
class WavePreview:
    warehouse_id: int
    batches: list
    skipped: int
    distance_m: float
    fcfs_distance_m: float | None   # first-come batching's walk; None: not routed (a preview)
    seconds: float
    limits: waves.WaveLimits | None = None   # what each cart could hold (the preview's fill bars)

    @property
    def orders(self):
        return sum(len(b.order_ids) for b in self.batches)

    @property
    def saving_pct(self):
        if not self.fcfs_distance_m:
            return 0.0
        return round(100 * (1 - self.distance_m / self.fcfs_distance_m), 1)


ROUTES_KEPT = 50_000   # cart lengths kept per process (a location set and a float each: a few MB)


def layout_of(warehouse):
    """The routing geometry of a warehouse."""
    return build_layout(**warehouse.layout_params())


@lru_cache(maxsize=32)
def _layout(params):
    return build_layout(**dict(params))


@lru_cache(maxsize=ROUTES_KEPT)
def _route_length(params, locations):
    return routing.route_length(_layout(params), locations)


def route_lengths(warehouse):
    """route_length(locations) on this warehouse's geometry, remembered across requests."""
    params = tuple(sorted(warehouse.layout_params().items()))
    return batching.RouteCache(lambda locations: _route_length(params, frozenset(locations)))


def plan(warehouse, wave_filter, limits, budget=0.0, *, routed):
    """The wave releasing now would take. `routed` (a release): carts searched for `budget` seconds,
    each cart's stops in route order and the first-come batching's walk to compare with (the wave
    keeps both). A preview takes the seed's carts and routes each once: a route costs milliseconds
    and a 400-order wave has some forty carts."""
    started = time.perf_counter()
    candidates = load_candidates(warehouse, with_zones=wave_filter.zones is not None, with_tags=wave_filter.names_tags)
    chosen = waves.plan_wave(candidates, wave_filter, limits)
    picks = load_picks([c.order_id for c in chosen.orders])
    layout = layout_of(warehouse)
    length = route_lengths(warehouse)
    if limits.pick_all:
        chosen = _one_cart(chosen, picks, limits, waves.urgency_of(wave_filter))
    batches, fcfs_total = [], 0.0 if routed else None
    for kind, group, batch_limits in _groups(chosen, limits):
        orders = [_batching_order(c, picks[c.order_id]) for c in group]
        if kind == waves.WALL:
            planned = [batching.Batch(tuple(o.id for o in orders), length({loc for o in orders for loc in o.locations}))]
            fcfs_total = None if fcfs_total is None else fcfs_total + planned[0].length
        else:
            planned, fcfs_length = _carts(kind, orders, batch_limits, limits, length, layout, routed, budget,
                                          len(group) / max(1, len(chosen.orders)), picks)
            fcfs_total = None if fcfs_total is None else fcfs_total + fcfs_length
        batches += [_loaded(_routed(layout, kind, b, picks) if routed else
                            PlannedBatch(kind, list(b.order_ids), b.length, sum(len(picks[o]) for o in b.order_ids)),
                            picks)
                    for b in planned]
    return WavePreview(warehouse.id, batches, chosen.skipped, sum(b.distance_m for b in batches), fcfs_total,
                       round(time.perf_counter() - started, 3), limits)


def _carts(kind, orders, batch_limits, limits, length, layout, routed, budget, share, picks):
    """(batches, first-come length) of one group: an order too big for one cart (or, with a cart type,
    for one tote) on its own still ships: it gets a cart to itself."""
    oversize = [o for o in orders if not batch_limits.fits([o]) or not _fits_tote(kind, o, limits)
                or _units(picks, [o.id]) > (limits.max_batch_units or float("inf"))]
    big = {o.id for o in oversize}
    orders = [o for o in orders if o.id not in big]
    if not orders:
        planned = []
    elif routed:
        planned = batching.plan_batches(orders, batch_limits, length, locate=layout.xy, time_budget=budget * share)
    else:
        planned = batching.seed_batches(orders, batch_limits, length, locate=layout.xy, candidates=1)
    by_id = {o.id: o for o in orders}
    planned = [part for b in planned for part in _within_units(b, by_id, picks, limits.max_batch_units, length)]
    planned += [batching.Batch((o.id,), length(o.locations)) for o in oversize]
    fcfs_length = 0.0
    if routed:
        fcfs_length += sum(b.length for b in batching.fcfs(orders, batch_limits, length)) if orders else 0.0
        fcfs_length += sum(length(o.locations) for o in oversize)
    return planned, fcfs_length


def _fits_tote(kind, order, limits):
    """A multi-item order rides in one tote of the cart type: its volume and weight within one tote's."""
    if kind != waves.MULTI:
        return True
    return ((limits.tote_volume_cm3 is None or order.volume <= limits.tote_volume_cm3 + 1e-9)
            and (limits.tote_max_weight_g is None or order.weight <= limits.tote_max_weight_g + 1e-9))


def _within_units(batch, by_id, picks, max_units, length):
    """The batch as it is, or cut in order into carts of at most `max_units` units (batching limits
    lines, weight and volume; the cart type's units are held here)."""
    if not max_units or _units(picks, batch.order_ids) <= max_units:
        return [batch]
    parts, current = [], []
    for oid in batch.order_ids:
        if current and _units(picks, current + [oid]) > max_units:
            parts.append(current)
            current = []
        current.append(oid)
    parts.append(current)
    return [batching.Batch(tuple(part), length({loc for oid in part for loc in by_id[oid].locations}))
            for part in parts]


def _one_cart(chosen, picks, limits, urgency=waves.urgency):
    """A pick-all wave: the chosen orders, most urgent first, while they fit one cart; the rest wait."""
    cart = batching.Limits(max_orders=limits.max_orders, max_lines=limits.max_batch_lines,
                           max_weight=limits.max_batch_weight_g, max_volume=limits.max_batch_volume_cm3)
    taken, loaded = [], []
    for candidate in sorted(chosen.orders, key=urgency):
        order = _batching_order(candidate, picks[candidate.order_id])
        fits = cart.fits(loaded + [order]) and (
            not limits.max_batch_units or _units(picks, [c.order_id for c in taken] + [candidate.order_id])
            <= limits.max_batch_units)
        if fits:
            taken.append(candidate)
            loaded.append(order)
    return waves.WavePlan(wall=taken, skipped=chosen.skipped + len(chosen.orders) - len(taken))


def _units(picks, order_ids):
    return sum(info["qty"] for oid in order_ids for _, info in picks[oid])


def _loaded(planned, picks):
    """The planned cart with its load: units, weight (g) and volume (cm3) of everything on it."""
    infos = [info for oid in planned.order_ids for _, info in picks[oid]]
    planned.units = sum(info["qty"] for info in infos)
    planned.weight_g = sum(info["qty"] * info["weight"] for info in infos)
    planned.volume_cm3 = sum(info["qty"] * info["mm3"] / 1000 for info in infos)
    return planned


def _batching_order(candidate, faces):
    """The batching view of a chosen order: its pick faces, weight and volume (summed per pick)."""
    weight = sum(info["qty"] * info["weight"] for _, info in faces)
    volume = sum(info["qty"] * info["mm3"] / 1000 for _, info in faces)
    return batching.Order(candidate.order_id, tuple(loc for loc, _ in faces), weight=weight, volume=volume,
                          lines=candidate.lines)


def _routed(layout, kind, batch, picks):
    located = [(loc, info) for oid in batch.order_ids for loc, info in picks[oid]]
    tour = routing.route(layout, [loc for loc, _ in located])
    rank = {loc: i for i, loc in enumerate(tour.order)}
    stops = [_stop(info) for loc, info in sorted(located, key=lambda p: (rank[p[0]], p[1]["order_id"],
                                                                          p[1]["sku_id"]))]
    return PlannedBatch(kind, list(batch.order_ids), tour.length, len(stops), stops)


def _stop(info):
    return {key: info[key] for key in ("order_id", "order_line_id", "reservation_id", "bin_id", "sku_id", "qty")}


def _groups(chosen, limits):
    weight = limits.max_batch_weight_g
    if chosen.wall:
        yield waves.WALL, chosen.wall, None
    if chosen.single:
        yield waves.SINGLE, chosen.single, batching.Limits(max_orders=limits.single_units_per_cart,
                                                           max_weight=weight)
    if chosen.multi:
        yield waves.MULTI, chosen.multi, batching.Limits(
            max_orders=limits.tote_slots, max_lines=limits.max_batch_lines, max_weight=weight,
            max_volume=limits.max_batch_volume_cm3)


def load_candidates(warehouse, with_zones=False, with_tags=False):
    """Every allocated order of the warehouse as a wave candidate: one row per order (its units and
    lines summed in SQL); the zones of its bins only when a filter asks for zones, its tags only when
    a filter names tags (a JSON column: read apart, never grouped by)."""
    rows = db.session.execute(
        select(Order.id, Order.priority, Order.carrier_code, Order.created_at, Order.ship_by,
               func.sum(Reservation.qty), func.count(distinct(Reservation.order_line_id)))
        .join(OrderAllocation, OrderAllocation.order_id == Order.id)
        .join(Reservation, Reservation.order_id == Order.id)
        .where(Order.status == states.ALLOCATED, OrderAllocation.warehouse_id == warehouse.id)
        .group_by(Order.id, Order.priority, Order.carrier_code, Order.created_at, Order.ship_by)).all()
    zones = _zones(warehouse) if with_zones else {}
    tags = _tags(warehouse) if with_tags else {}
    cutoffs = _cutoffs(warehouse)
    return [waves.Candidate(order_id=oid, units=int(units), lines=lines, priority=priority, carrier=carrier,
                            cutoff=cutoffs.get(carrier), created_at=created, zones=frozenset(zones.get(oid, ())),
                            ship_by=ship_by, tags=tags.get(oid, frozenset()))
            for oid, priority, carrier, created, ship_by, units, lines in rows]


def _tags(warehouse):
    """{order id: its tag keys} of the warehouse's allocated orders that carry tags."""
    rows = db.session.execute(
        select(Order.id, Order.tags).join(OrderAllocation, OrderAllocation.order_id == Order.id)
        .where(Order.status == states.ALLOCATED, OrderAllocation.warehouse_id == warehouse.id))
    return {order_id: order_tags.keys_of(tags) for order_id, tags in rows if tags}


def _zones(warehouse):
    zones = defaultdict(set)
    for order_id, zone_id in db.session.execute(
            select(Reservation.order_id, Bin.zone_id).distinct()
            .join(Order, Order.id == Reservation.order_id)
            .join(OrderAllocation, OrderAllocation.order_id == Reservation.order_id)
            .join(StockItem, StockItem.id == Reservation.stock_item_id).join(Bin, Bin.id == StockItem.bin_id)
            .where(Order.status == states.ALLOCATED, OrderAllocation.warehouse_id == warehouse.id)):
        zones[order_id].add(zone_id)
    return zones


def load_picks(order_ids):
    """{order id: [(Location, pick info)]} of the reserved pick faces of these orders, by reservation."""
    picks = defaultdict(list)
    if not order_ids:
        return picks
    rows = db.session.execute(
        select(Reservation.order_id, Reservation.order_line_id, Reservation.id, Reservation.qty, Bin.id, Bin.aisle,
               Bin.block, Bin.position_m, Bin.side, StockItem.sku_id, Sku.weight_g, Sku.length_mm, Sku.width_mm,
               Sku.height_mm)
        .join(StockItem, StockItem.id == Reservation.stock_item_id)
        .join(Bin, Bin.id == StockItem.bin_id).join(Sku, Sku.id == StockItem.sku_id)
        .where(Reservation.order_id.in_(order_ids))
        .order_by(Reservation.order_id, Reservation.id))
    for (oid, line_id, res_id, qty, bin_id, aisle, block, pos, side, sku_id, weight, length, width,
         height) in rows:
        picks[oid].append((Location(aisle, block, pos, side), dict(
            order_id=oid, order_line_id=line_id, reservation_id=res_id, bin_id=bin_id, sku_id=sku_id, qty=qty,
            weight=weight or 0, mm3=length * width * height)))
    return picks


def _cutoffs(warehouse):
    now = utcnow()
    return {c.code: next_cutoff(c.cutoffs, now, warehouse.timezone)
            for c in db.session.scalars(select(Carrier).where(Carrier.active.is_(True)))}
