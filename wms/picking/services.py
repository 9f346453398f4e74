"""Waves: preview and release (allocated orders -> batches -> routes -> pick tasks), assignment.

Transitions: allocated -> waved (release_wave); waved -> allocated (cancel_wave).
"""
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, realtime
from wms.catalog.models import Sku
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, OrderAllocation, Reservation, StockItem, Warehouse
from wms.orders import states
from wms.orders.models import Order, OrderLine, bulk_transition
from wms.picking import batching, routing, waves
from wms.picking.layout import Location, build_layout
from wms.picking.models import (
    ACTIVE_TASK, TASK_ASSIGNED, TASK_CANCELLED, TASK_OPEN, WAVE_CANCELLED, PickLine, PickTask, Wave)
from wms.rows import get_or_not_found
from wms.shipping.cutoffs import next_cutoff
from wms.shipping.models import Carrier
from wms.timeutil import utcnow
from wms.wording import wording

DEFAULT_TIME_BUDGET_S = 1.0


@dataclass
class PlannedBatch:
    kind: str                 # single | multi
    order_ids: list
    distance_m: float
    stops: list = field(default_factory=list)  # [(line info)...] in route order


@dataclass
class WavePreview:
    warehouse_id: int
    batches: list
    skipped: int
    distance_m: float
    fcfs_distance_m: float
    seconds: float

    @property
    def orders(self):
        return sum(len(b.order_ids) for b in self.batches)

    @property
    def saving_pct(self):
        if not self.fcfs_distance_m:
            return 0.0
        return round(100 * (1 - self.distance_m / self.fcfs_distance_m), 1)


def layout_of(warehouse):
    """The routing geometry of a warehouse."""
    return build_layout(**warehouse.layout_params())


def preview_wave(warehouse_id, wave_filter=None, limits=None, time_budget=None):
    """What releasing a wave now would produce: batches with routes and distances. Writes nothing."""
    warehouse = _warehouse(warehouse_id)
    started = time.perf_counter()
    candidates, picks = _load_candidates(warehouse)
    plan = waves.plan_wave(candidates.values(), wave_filter or waves.WaveFilter(), limits or waves.WaveLimits())
    layout = layout_of(warehouse)
    budget = DEFAULT_TIME_BUDGET_S if time_budget is None else time_budget
    batches, fcfs_total = [], 0.0
    for kind, group, batch_limits in _groups(plan, limits or waves.WaveLimits()):
        orders = [batching.Order(c.order_id, tuple(loc for loc, *_ in picks[c.order_id]), weight=c.weight_g,
                                 volume=c.volume_cm3, lines=c.lines) for c in group]
        length = _route_length_fn(layout)
        # An order too big for one cart on its own still ships: it gets a cart to itself.
        oversize = [o for o in orders if not batch_limits.fits([o])]
        orders = [o for o in orders if batch_limits.fits([o])]
        planned = batching.plan_batches(orders, batch_limits, length, locate=layout.xy,
                                        time_budget=budget * len(group) / max(1, len(plan.orders))) if orders else []
        planned += [batching.Batch((o.id,), length(o.locations)) for o in oversize]
        fcfs_total += sum(b.length for b in batching.fcfs(orders, batch_limits, length)) if orders else 0.0
        fcfs_total += sum(length(o.locations) for o in oversize)
        batches += [_with_stops(layout, kind, b, picks) for b in planned]
    return WavePreview(warehouse.id, batches, plan.skipped, sum(b.distance_m for b in batches), fcfs_total,
                       round(time.perf_counter() - started, 3))


def release_wave(warehouse_id, wave_filter=None, limits=None, actor=None, time_budget=None):
    """Plan and release a wave: pick tasks with lines in route order; orders become `waved`.

    Transitions: allocated -> waved.
    """
    preview = preview_wave(warehouse_id, wave_filter, limits, time_budget)
    if not preview.batches:
        raise ValidationFailed("No allocated orders match this wave's filter")
    order_ids = [oid for b in preview.batches for oid in b.order_ids]
    actor_name = getattr(actor, "username", None) or "auto-wave"
    wave = Wave(code=_next_code("W"), warehouse_id=warehouse_id, orders_count=len(order_ids),
                lines_count=sum(len(b.stops) for b in preview.batches), distance_m=round(preview.distance_m, 1),
                fcfs_distance_m=round(preview.fcfs_distance_m, 1), created_by=actor_name,
                criteria=_criteria(wave_filter, limits))
    db.session.add(wave)
    try:
        db.session.flush()
        bulk_transition(db.session, order_ids, states.ALLOCATED, states.WAVED,
                        reason=wording("wave {code}", code=wave.code), actor=actor)
        _write_tasks(wave, preview.batches)
    except IntegrityError:
        db.session.rollback()
        raise ConcurrentUpdate("Another wave was released at the same moment; preview again")
    except ConcurrentUpdate:
        db.session.rollback()
        raise
    realtime.publish("wave.released", {"wave_id": wave.id, "code": wave.code, "orders": wave.orders_count,
                                       "tasks": len(preview.batches)}, realtime.room_for_role("supervisor"))
    realtime.publish("task.available", {"wave": wave.code, "tasks": len(preview.batches)},
                     realtime.room_for_role("picker"))
    aftercommit.commit()
    return wave


def _write_tasks(wave, batches):
    tasks = [PickTask(code=f"{wave.code}-{number:03d}", wave_id=wave.id, warehouse_id=wave.warehouse_id,
                      kind=batch.kind, distance_m=round(batch.distance_m, 1), orders_count=len(batch.order_ids))
             for number, batch in enumerate(batches, start=1)]
    db.session.add_all(tasks)
    db.session.flush()
    rows = []
    for task, batch in zip(tasks, batches):
        slots = {oid: (i + 1 if batch.kind == waves.MULTI else None) for i, oid in enumerate(batch.order_ids)}
        rows += [dict(task_id=task.id, seq=seq, order_id=stop["order_id"], order_line_id=stop["order_line_id"],
                      reservation_id=stop["reservation_id"], bin_id=stop["bin_id"], sku_id=stop["sku_id"],
                      qty=stop["qty"], tote_slot=slots[stop["order_id"]])
                 for seq, stop in enumerate(batch.stops, start=1)]
    db.session.execute(insert(PickLine), rows)


def _with_stops(layout, kind, batch, picks):
    located = [(loc, info) for oid in batch.order_ids for loc, info in picks[oid]]
    tour = routing.route(layout, [loc for loc, _ in located])
    rank = {loc: i for i, loc in enumerate(tour.order)}
    stops = [info for loc, info in sorted(located, key=lambda p: (rank[p[0]], p[1]["order_id"], p[1]["sku_id"]))]
    return PlannedBatch(kind, list(batch.order_ids), tour.length, stops)


def _route_length_fn(layout):
    return lambda locations: routing.route_length(layout, locations)


def _groups(plan, limits):
    weight = limits.max_batch_weight_g
    if plan.single:
        yield waves.SINGLE, plan.single, batching.Limits(max_orders=limits.single_units_per_cart, max_weight=weight)
    if plan.multi:
        yield waves.MULTI, plan.multi, batching.Limits(
            max_orders=limits.tote_slots, max_lines=limits.max_batch_lines, max_weight=weight,
            max_volume=limits.max_batch_volume_cm3)


def _load_candidates(warehouse):
    """Allocated orders of the warehouse as wave candidates, and each one's reserved pick faces."""
    rows = db.session.execute(
        select(Order.id, Order.priority, Order.carrier_code, Order.created_at, OrderLine.id, Reservation.id,
               Reservation.qty, Bin.id, Bin.aisle, Bin.block, Bin.position_m, Bin.side, Bin.zone_id,
               StockItem.sku_id, Sku.weight_g, Sku.length_mm, Sku.width_mm, Sku.height_mm)
        .join(OrderAllocation, OrderAllocation.order_id == Order.id)
        .join(Reservation, Reservation.order_id == Order.id)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .join(StockItem, StockItem.id == Reservation.stock_item_id)
        .join(Bin, Bin.id == StockItem.bin_id).join(Sku, Sku.id == StockItem.sku_id)
        .where(Order.status == states.ALLOCATED, OrderAllocation.warehouse_id == warehouse.id)
        .order_by(Order.id, Reservation.id)).all()
    cutoffs = _cutoffs(warehouse)
    acc = defaultdict(lambda: {"units": 0, "lines": set(), "weight": 0, "volume": 0.0, "zones": set()})
    meta, picks = {}, defaultdict(list)
    for (oid, prio, carrier, created, line_id, res_id, qty, bin_id, aisle, block, pos, side, zone,
         sku_id, weight, length, width, height) in rows:
        a = acc[oid]
        a["units"] += qty
        a["lines"].add(line_id)
        a["weight"] += qty * (weight or 0)
        a["volume"] += qty * (length * width * height) / 1000
        a["zones"].add(zone)
        meta[oid] = (prio, carrier, created)
        picks[oid].append((Location(aisle, block, pos, side), dict(
            order_id=oid, order_line_id=line_id, reservation_id=res_id, bin_id=bin_id, sku_id=sku_id, qty=qty)))
    candidates = {oid: waves.Candidate(
        order_id=oid, units=a["units"], lines=len(a["lines"]), priority=meta[oid][0], carrier=meta[oid][1],
        cutoff=cutoffs.get(meta[oid][1]), created_at=meta[oid][2], zones=frozenset(a["zones"]),
        weight_g=a["weight"], volume_cm3=a["volume"]) for oid, a in acc.items()}
    return candidates, picks


def _cutoffs(warehouse):
    now = utcnow()
    return {c.code: next_cutoff(c.cutoffs, now, warehouse.timezone)
            for c in db.session.scalars(select(Carrier).where(Carrier.active.is_(True)))}


def _criteria(wave_filter, limits):
    def plain(obj):
        if obj is None:
            return None
        return {k: (sorted(v) if isinstance(v, frozenset) else v.isoformat() if isinstance(v, datetime) else v)
                for k, v in vars(obj).items()}

    return {"filter": plain(wave_filter), "limits": plain(limits)}


def _next_code(prefix):
    stamp = utcnow().strftime("%y%m%d")
    count = db.session.scalar(select(func.count(Wave.id)).where(Wave.code.like(f"{prefix}{stamp}-%")))
    return f"{prefix}{stamp}-{count + 1:03d}"


def _warehouse(warehouse_id):
    return get_or_not_found(Warehouse, warehouse_id, "No such warehouse")


# --- assignment ------------------------------------------------------------------------------

def assign_next_task(user, device_code=None):
    """"Get work": give the picker their current task, or claim the oldest open one. None if none.

    A conditional UPDATE claims the task, so two pickers asking at once never get the same one.
    """
    mine = db.session.scalars(select(PickTask).where(
        PickTask.picker_id == user.id, PickTask.status.in_((TASK_ASSIGNED, "in_progress")))
        .order_by(PickTask.id)).first()
    if mine is not None:
        return mine
    for _attempt in range(5):
        task_id = db.session.scalar(select(PickTask.id).where(PickTask.status == TASK_OPEN)
                                    .order_by(PickTask.id).limit(1))
        if task_id is None:
            return None
        claimed = db.session.execute(
            update(PickTask).where(PickTask.id == task_id, PickTask.status == TASK_OPEN)
            .values(status=TASK_ASSIGNED, picker_id=user.id, device_code=device_code, assigned_at=utcnow(),
                    version=PickTask.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        if claimed:
            _announce_assignment(task_id, user.id, None)
            aftercommit.commit()
            return db.session.get(PickTask, task_id)
        db.session.rollback()  # someone else claimed it first: try the next one
    return None


def assign_task(task_id, picker_id, actor=None, expected_version=None):
    """Supervisor: give a task to a picker (or take it back with picker_id=None), live.

    The previous picker's handheld gets `task.withdrawn`, the new one `task.assigned`.
    """
    task = _task(task_id)
    if expected_version is not None and task.version != expected_version:
        raise ConcurrentUpdate("This task changed meanwhile; reload to see who has it now")
    if task.status not in ACTIVE_TASK:
        raise ValidationFailed.worded("Task {task} is {status}; only open or running tasks can be reassigned",
                                      task=task.code, status=wording(task.status))
    previous = task.picker_id
    if picker_id is not None:
        from wms.auth.models import User

        picker = db.session.get(User, picker_id)
        if picker is None or not picker.active or picker.role not in ("picker", "supervisor", "admin"):
            raise ValidationFailed("Choose an active picker", field="picker_id")
    task.picker_id = picker_id
    task.status = TASK_ASSIGNED if picker_id else TASK_OPEN
    task.assigned_at = utcnow() if picker_id else None
    task.device_code = None
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentUpdate("This task changed meanwhile; reload to see who has it now")
    _announce_assignment(task.id, picker_id, previous)
    aftercommit.commit()
    return task


def _announce_assignment(task_id, picker_id, previous_picker_id):
    if previous_picker_id and previous_picker_id != picker_id:
        realtime.publish("task.withdrawn", {"task_id": task_id, "reason": "reassigned by a supervisor"},
                         realtime.room_for_user(previous_picker_id))
    if picker_id and picker_id != previous_picker_id:
        realtime.publish("task.assigned", {"task_id": task_id}, realtime.room_for_user(picker_id))
    realtime.publish("task.changed", {"task_id": task_id, "picker_id": picker_id},
                     realtime.room_for_role("supervisor"))


def cancel_wave(wave_id, actor=None):
    """Withdraw a wave nobody has started: tasks cancelled, orders back to allocated.

    Transitions: waved -> allocated.
    """
    wave = get_or_not_found(Wave, wave_id, "No such wave")
    if any(t.status not in (TASK_OPEN, TASK_ASSIGNED) for t in wave.tasks):
        raise ValidationFailed("Picking has started in this wave; intercept single orders instead")
    order_ids = {line.order_id for t in wave.tasks for line in t.lines}
    for task in wave.tasks:
        if task.picker_id:
            realtime.publish("task.withdrawn", {"task_id": task.id, "reason": "wave cancelled"},
                             realtime.room_for_user(task.picker_id))
        task.status = TASK_CANCELLED
    for order in db.session.scalars(select(Order).where(Order.id.in_(order_ids))):
        if order.status == states.WAVED:
            order.transition_to(states.ALLOCATED, reason=wording("wave {code} cancelled", code=wave.code),
                                actor=actor)
    wave.status = WAVE_CANCELLED
    aftercommit.commit()
    return wave


def _task(task_id):
    return get_or_not_found(PickTask, task_id, "No such task")
