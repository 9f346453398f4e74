"""Read-only look-ups behind the wall: each touches counters or small, indexed sets, never all orders."""
from datetime import timedelta

from sqlalchemy import case, func, select

from wms.counters import rules
from wms.counters.models import HOLDS, ORDERS, SETTING, SHIPPED, MetricCounter, PickBucket
from wms.dashboard import metrics
from wms.extensions import db

ACTIVE_WAVES = ("released", "picking")
MAX_WAVES = 8
MAX_SHORTAGES = 6


def counter_totals(name):
    """{key: value} of one counter family, shards summed (zero totals dropped)."""
    rows = db.session.execute(select(MetricCounter.key, func.sum(MetricCounter.value))
                              .where(MetricCounter.name == name).group_by(MetricCounter.key))
    return {key: int(total) for key, total in rows if total}


def counter_value(name, key, default=0):
    total = db.session.scalar(select(func.sum(MetricCounter.value)).where(
        MetricCounter.name == name, MetricCounter.key == key))
    return default if total is None else int(total)


def snapshot_counters(day):
    """Every counter the wall needs in one round trip: {name: {key: total}} (orders, holds, today's shipped, settings)."""
    rows = db.session.execute(
        select(MetricCounter.name, MetricCounter.key, func.sum(MetricCounter.value))
        .where(MetricCounter.name.in_((ORDERS, HOLDS, SETTING))
               | ((MetricCounter.name == SHIPPED) & (MetricCounter.key == day)))
        .group_by(MetricCounter.name, MetricCounter.key))
    result = {ORDERS: {}, HOLDS: {}, SHIPPED: {}, SETTING: {}}
    for name, key, total in rows:
        if total or name == SETTING:
            result[name][key] = int(total)
    return result


def exception_counts():
    """(open shortages, waybill failures, tracking exceptions, write-back failures) in one round trip, each over
    an indexed status. Only what is still open: a dismissed write-back (忽略失败信息) or a failed parcel resolved by
    hand is not counted."""
    from wms.picking.models import CountTask
    from wms.shipping.models import PARCEL_WAYBILL_FAILED, Parcel

    counts = [select(func.count(CountTask.id)).where(CountTask.status == "open").scalar_subquery(),
              select(func.count(Parcel.id)).where(Parcel.status == PARCEL_WAYBILL_FAILED).scalar_subquery()]
    try:
        from wms.tracking import statuses
        from wms.tracking.models import WB_FAILED, TrackedParcel, WritebackTask

        counts.append(select(func.count(TrackedParcel.id)).where(
            TrackedParcel.last_status.in_(statuses.NEEDS_A_PERSON),
            TrackedParcel.acknowledged_at.is_(None)).scalar_subquery())
        counts.append(select(func.count(WritebackTask.id)).where(WritebackTask.status == WB_FAILED).scalar_subquery())
    except ImportError:  # tracking not installed
        pass
    values = db.session.execute(select(*counts)).one()
    return tuple(int(v or 0) for v in values) + (0,) * (4 - len(values))


def pick_buckets_named(since):
    """The pick buckets since `since` with each picker's name: (buckets, {picker_id: name})."""
    from wms.auth.models import User

    rows = db.session.execute(select(PickBucket.minute, PickBucket.picker_id, PickBucket.units, PickBucket.lines,
                                     User.display_name)
                              .outerjoin(User, User.id == PickBucket.picker_id).where(PickBucket.minute >= since)).all()
    return [row[:4] for row in rows], {row[1]: row[4] for row in rows if row[4]}


def all_counters():
    return {name: counter_totals(name) for name in (ORDERS, HOLDS, SHIPPED)}


def pick_buckets(since):
    return db.session.execute(select(PickBucket.minute, PickBucket.picker_id, PickBucket.units, PickBucket.lines)
                              .where(PickBucket.minute >= since)).all()


def active_waves():
    """The running waves with lines done / total (lines of active waves only)."""
    from wms.picking.models import LINE_OPEN, PickLine, PickTask, Wave

    waves = db.session.execute(select(Wave.id, Wave.code, Wave.status, Wave.orders_count, Wave.released_at)
                               .where(Wave.status.in_(ACTIVE_WAVES)).order_by(Wave.id).limit(MAX_WAVES)).all()
    if not waves:
        return []
    progress = {wave_id: (total, int(done or 0)) for wave_id, total, done in db.session.execute(
        select(PickTask.wave_id, func.count(PickLine.id), func.sum(case((PickLine.status != LINE_OPEN, 1), else_=0)))
        .join(PickLine, PickLine.task_id == PickTask.id)
        .where(PickTask.wave_id.in_([w.id for w in waves])).group_by(PickTask.wave_id))}
    result = []
    for wave in waves:
        total, done = progress.get(wave.id, (0, 0))
        result.append({"id": wave.id, "code": wave.code, "status": wave.status, "orders": wave.orders_count,
                       "lines": total, "done": done, "pct": metrics.progress_pct(done, total)})
    return result


def carriers():
    from wms.shipping.models import Carrier

    return db.session.execute(select(Carrier.code, Carrier.name, Carrier.cutoffs).where(Carrier.active)
                              .order_by(Carrier.code)).all()


def shortage_list():
    """The latest open count tasks raised by short picks (the wall's shortage list)."""
    from wms.catalog.models import Sku
    from wms.inventory.models import Bin
    from wms.picking.models import CountTask

    rows = db.session.execute(select(CountTask.id, Sku.code, Bin.code, CountTask.created_at)
                              .join(Sku, Sku.id == CountTask.sku_id).join(Bin, Bin.id == CountTask.bin_id)
                              .where(CountTask.status == "open").order_by(CountTask.id.desc())
                              .limit(MAX_SHORTAGES)).all()
    return [{"id": i, "sku": sku, "bin": bin_code, "at": at.isoformat() + "Z"} for i, sku, bin_code, at in rows]


def picker_day(picker_id, since):
    """A picker's tasks (running first) and the lines they picked since `since` (the desk drill-down)."""
    from wms.picking.models import PickLine, PickTask

    tasks = db.session.scalars(select(PickTask).where(PickTask.picker_id == picker_id)
                               .where((PickTask.done_at.is_(None)) | (PickTask.done_at >= since))
                               .order_by(PickTask.done_at.is_not(None), PickTask.id.desc()).limit(50)).all()
    lines = db.session.scalars(select(PickLine).where(PickLine.picked_by_id == picker_id, PickLine.picked_at >= since)
                               .order_by(PickLine.picked_at.desc()).limit(200)).all()
    return tasks, lines


def orders_at_risk(carrier_code, states, limit=100):
    """Orders of one carrier still to ship (the cut-off drill-down): by status index, highest priority first."""
    from wms.orders.models import Order

    return db.session.scalars(select(Order).where(Order.status.in_(states), Order.carrier_code == carrier_code)
                              .order_by(Order.priority.desc(), Order.id).limit(limit)).all()


def running_tasks(limit=60):
    """Open and running pick tasks (the desk's reassign list)."""
    from wms.picking.models import ACTIVE_TASK, PickTask

    return db.session.scalars(select(PickTask).where(PickTask.status.in_(ACTIVE_TASK))
                              .order_by(PickTask.wave_id, PickTask.id).limit(limit)).all()


def pickers():
    from wms.auth.models import User

    return db.session.scalars(select(User).where(User.active, User.role == "picker").order_by(User.display_name)).all()


def since_minutes(now, minutes):
    return rules.minute_of(now) - timedelta(minutes=minutes - 1)
