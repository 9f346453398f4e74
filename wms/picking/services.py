"""Waves: preview and release (allocated orders -> batches -> routes -> pick tasks), assignment.

Transitions: allocated -> waved (release_wave); waved -> allocated (cancel_wave).
"""
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, realtime
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.orders import states
from wms.orders.models import Order, bulk_transition
from wms.picking import wave_plans, waves
from wms.picking.models import (
    ACTIVE_TASK, TASK_ASSIGNED, TASK_CANCELLED, TASK_OPEN, WAVE_CANCELLED, PickLine, PickTask, Wave)
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

DEFAULT_TIME_BUDGET_S = 1.0   # the release's batching search, split over its single and multi groups

PlannedBatch, WavePreview, layout_of = wave_plans.PlannedBatch, wave_plans.WavePreview, wave_plans.layout_of


def preview_wave(warehouse_id, wave_filter=None, limits=None):
    """What releasing a wave now would take: exactly its orders, and about its carts and walk (the
    batching's seed construction; the release then searches DEFAULT_TIME_BUDGET_S for shorter
    walks, so the page says "about"). Writes nothing."""
    return wave_plans.plan(_warehouse(warehouse_id), wave_filter or waves.WaveFilter(), limits or waves.WaveLimits(),
                           routed=False)


def release_wave(warehouse_id, wave_filter=None, limits=None, actor=None, time_budget=None):
    """Plan and release a wave: pick tasks with lines in route order; orders become `waved`.

    Transitions: allocated -> waved.
    """
    wave = stage_wave(warehouse_id, wave_filter, limits, actor, time_budget)
    aftercommit.commit()
    return wave


def stage_wave(warehouse_id, wave_filter=None, limits=None, actor=None, time_budget=None):
    """release_wave up to its commit: the caller adds its own rows to the same transaction (the put
    wall binds the wave's orders to its slots) and commits with wms.aftercommit.commit().

    Transitions: allocated -> waved.
    """
    preview = wave_plans.plan(_warehouse(warehouse_id), wave_filter or waves.WaveFilter(),
                              limits or waves.WaveLimits(),
                              DEFAULT_TIME_BUDGET_S if time_budget is None else time_budget, routed=True)
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
