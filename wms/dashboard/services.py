"""Wall use cases: the snapshot every TV shows, rebuilding the counters, kiosk links, desk actions."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from wms import aftercommit
from wms.counters import rules
from wms.counters.models import HOLDS, ORDERS, SETTING, SHIPPED, MetricCounter, PickBucket
from wms.dashboard import metrics, queries, stuck
from wms.dashboard.models import WallScreen
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.inventory import presales
from wms.orders import deadlines, states
from wms.rows import get_or_not_found
from wms.timeutil import utcnow

TARGET_KEY = "shipped_target"
DEFAULT_TARGET = 1000
REBUILD_SHIPPED_DAYS = 7
REBUILD_PICK_MINUTES = 24 * 60
MAX_PICKERS = 12


def _tz():
    return current_app.config["WAREHOUSE_TIMEZONE"]


def snapshot(now=None):
    """Everything the wall shows, from counters and small tables (never a scan of the orders table; the
    stuck count reads the orders of the watched states by their status index, at most every 30 s)."""
    now = now or utcnow()
    counters = queries.snapshot_counters(rules.local_day(now, _tz()))
    order_totals = counters[ORDERS]
    by_state = metrics.orders_by_state(order_totals, states.ALL_STATES)
    shipped_today = sum(counters[SHIPPED].values())
    target = counters[SETTING].get(TARGET_KEY, DEFAULT_TARGET)
    buckets, names = queries.pick_buckets_named(queries.since_minutes(now, metrics.WINDOW_MINUTES))
    picks = metrics.pick_rates(buckets, now, names)
    picks["pickers"] = picks["pickers"][:MAX_PICKERS]
    shortages, waybill_failed, tracking, writeback_failed = queries.exception_counts()
    return {
        "at": now.isoformat() + "Z",
        "orders": {"by_state": by_state,
                   "open": sum(n for s, n in by_state.items() if s in metrics.NOT_YET_SHIPPED)},
        "shipped": {"today": shipped_today, "target": target, "pct": metrics.progress_pct(shipped_today, target)},
        "picks": picks,
        "waves": queries.active_waves(),
        "cutoffs": metrics.cutoff_board(_next_cutoffs(now), metrics.open_by_carrier(order_totals), now),
        "exceptions": {"holds": counters[HOLDS], "backorder": by_state.get(states.BACKORDER, 0),
                       "presale": _presales_waiting(now),
                       "shortages": shortages, "shortage_list": queries.shortage_list(),
                       "waybill_failed": waybill_failed, "writeback_failed": writeback_failed, "tracking": tracking,
                       "stuck": stuck.stuck_count_for_wall(now)},
        "deadlines": _deadlines_for_wall(now),
    }


WALL_DUE_CHANNELS, WALL_ALERTS = 3, 5   # what the panel (half a cell of a TV) has room for


def _deadlines_for_wall(now):
    """Overdue and due-soon counts (the breach window) per channel and the alerted orders, read at most
    every STUCK_COUNT_EVERY_SECONDS per process, as the stuck count (the snapshot runs on every push)."""
    every_s = current_app.config.get("STUCK_COUNT_EVERY_SECONDS", 30)
    cache = current_app.extensions.setdefault("wms.wall.deadlines", {})
    if "at" not in cache or not 0 <= (now - cache["at"]).total_seconds() < every_s:
        counts = deadlines.due_counts(deadlines.alert_hours(), now=now)
        counts["channels"] = [{k: c[k] for k in ("code", "name", "overdue", "due")}
                              for c in counts["channels"][:WALL_DUE_CHANNELS]]
        cache.update(at=now, value={**counts, "alerts": deadlines.alerted_orders(WALL_ALERTS)})
    return cache["value"]


def _presales_waiting(now):
    """Orders waiting as presales (approved, apart from backorders), counted at most every
    STUCK_COUNT_EVERY_SECONDS per process like the stuck count (the snapshot runs on every push)."""
    every_s = current_app.config.get("STUCK_COUNT_EVERY_SECONDS", 30)
    cache = current_app.extensions.setdefault("wms.wall.presales", {})
    if "at" not in cache or not 0 <= (now - cache["at"]).total_seconds() < every_s:
        cache.update(at=now, value=presales.count_waiting())
    return cache["value"]


def _next_cutoffs(now):
    from wms.shipping.cutoffs import next_cutoff

    return [(code, name, next_cutoff(cutoffs or [], now, _tz())) for code, name, cutoffs in queries.carriers()]


def rebuild_metrics(now=None):
    """Recompute every counter from the tables (first deployment, or to check the increments).

    Orders by state and carrier and holds come from the orders table; shipped per day from the audit
    rows of the last REBUILD_SHIPPED_DAYS days; pick buckets from the accepted floor events of the last day.
    """
    from wms.orders.models import Order

    now = now or utcnow()
    orders = {rules.order_key(status, carrier): n for status, carrier, n in db.session.execute(
        select(Order.status, Order.carrier_code, func.count()).group_by(Order.status, Order.carrier_code))}
    holds = {}
    for status, reasons in db.session.execute(select(Order.status, Order.hold_reasons)
                                              .where(Order.status == states.ON_HOLD)):
        for code in rules.hold_codes(status, reasons):
            holds[code] = holds.get(code, 0) + 1
    db.session.execute(delete(MetricCounter).where(MetricCounter.name.in_((ORDERS, HOLDS, SHIPPED))))
    _write(ORDERS, orders)
    _write(HOLDS, holds)
    _write(SHIPPED, _shipped_per_day(now))
    _rebuild_pick_buckets(now)
    aftercommit.commit()
    return queries.all_counters()


def _write(name, totals):
    rows = [{"name": name, "key": key[:80], "shard": 0, "value": n} for key, n in totals.items() if n]
    if rows:
        db.session.execute(MetricCounter.__table__.insert(), rows)


def _shipped_per_day(now):
    from wms.orders.models import OrderEvent

    per_day = {}
    for at, in db.session.execute(select(OrderEvent.at).where(
            OrderEvent.to_state == states.SHIPPED, OrderEvent.from_state != states.SHIPPED,
            OrderEvent.kind == "state", OrderEvent.at >= now - timedelta(days=REBUILD_SHIPPED_DAYS))):
        day = rules.local_day(at, _tz())
        per_day[day] = per_day.get(day, 0) + 1
    return per_day


def _rebuild_pick_buckets(now):
    from wms.picking.models import FloorEvent

    since = now - timedelta(minutes=REBUILD_PICK_MINUTES)
    buckets = {}
    for user_id, payload, answer, at in db.session.execute(
            select(FloorEvent.user_id, FloorEvent.payload, FloorEvent.answer, FloorEvent.received_at)
            .where(FloorEvent.kind == "pick", FloorEvent.accepted, FloorEvent.received_at >= since)):
        if user_id is None:
            continue
        key = (rules.minute_of(at), user_id)
        units, lines = buckets.get(key, (0, 0))
        qty = payload.get("qty", 1) if isinstance(payload, dict) else 1
        buckets[key] = (units + (qty if isinstance(qty, int) else 1),
                        lines + (1 if (answer or {}).get("code") == "line_done" else 0))
    db.session.execute(delete(PickBucket).where(PickBucket.minute >= rules.minute_of(since)))
    if buckets:
        db.session.execute(PickBucket.__table__.insert(), [
            {"minute": m, "picker_id": p, "units": u, "lines": l} for (m, p), (u, l) in buckets.items()])


def prune_pick_buckets(now=None, keep_hours=48):
    """Drop minute buckets older than the wall needs (a periodic job)."""
    cutoff = (now or utcnow()) - timedelta(hours=keep_hours)
    gone = db.session.execute(delete(PickBucket).where(PickBucket.minute < cutoff)).rowcount
    db.session.commit()
    return gone


def set_shipped_target(value, actor=None):
    """The number of orders the floor aims to ship today (shown against shipped today)."""
    try:
        target = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed("The target must be a whole number", field="target")
    if not 0 <= target <= 10_000_000:
        raise ValidationFailed("The target must be between 0 and 10,000,000", field="target")
    db.session.execute(delete(MetricCounter).where(MetricCounter.name == SETTING, MetricCounter.key == TARGET_KEY))
    db.session.add(MetricCounter(name=SETTING, key=TARGET_KEY, shard=0, value=target))
    from wms.dashboard import push

    aftercommit.after_commit(db.session, push.wall_changed, current_app._get_current_object())
    aftercommit.commit()
    return target


# --- kiosk links -------------------------------------------------------------------------------

def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_screen(name, actor=None):
    """A new wall TV link. Returns (screen, token); the token is shown once and only its hash is kept."""
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationFailed("Give the screen a name", field="name")
    token = secrets.token_urlsafe(32)
    screen = WallScreen(name=name, token_hash=_hash(token), created_by=actor_name(actor))
    db.session.add(screen)
    aftercommit.commit()
    return screen, token


def revoke_screen(screen_id, actor=None):
    screen = get_or_not_found(WallScreen, screen_id, "No such wall screen")
    screen.revoked_at = screen.revoked_at or utcnow()
    aftercommit.commit()
    return screen


def screen_for_token(token):
    """The live screen a kiosk token belongs to (and note that it was seen), else None."""
    if not token or len(token) > 100:
        return None
    screen = db.session.scalar(select(WallScreen).where(WallScreen.token_hash == _hash(token)))
    if screen is None or screen.revoked_at is not None:
        return None
    screen.last_seen_at = utcnow()
    db.session.commit()
    return screen


def live_screen(screen_id):
    """The screen if it still may show the wall (not revoked), else None."""
    screen = db.session.get(WallScreen, screen_id) if screen_id else None
    return screen if screen is not None and screen.revoked_at is None else None


def list_screens():
    return db.session.scalars(select(WallScreen).order_by(WallScreen.id)).all()


# --- supervisor desk -----------------------------------------------------------------------------

def desk_view():
    """The snapshot plus what a supervisor acts on: running tasks and the pickers to give them to."""
    return {"snapshot": snapshot(), "tasks": queries.running_tasks(), "pickers": queries.pickers(),
            "screens": list_screens()}


def picker_today(picker_id):
    from wms.auth.models import User

    picker = get_or_not_found(User, picker_id, "No such picker")
    now = utcnow()
    tasks, lines = queries.picker_day(picker_id, now - timedelta(hours=24))
    rate = metrics.pick_rates(queries.pick_buckets(queries.since_minutes(now, metrics.WINDOW_MINUTES)), now)
    mine = next((p for p in rate["pickers"] if p["id"] == picker_id), {"units": 0, "lines": 0})
    return {"picker": picker, "tasks": tasks, "lines": lines, "rate": mine}


def carrier_risk(carrier_code):
    stages = dict(metrics.RISK_STAGES)
    wanted = [state for stage in stages.values() for state in stage]
    return {"carrier": carrier_code, "orders": queries.orders_at_risk(carrier_code, wanted)}


def reassign_task(task_id, picker_id, actor=None, expected_version=None):
    """Give a running task to another picker, live (picking's own service does it and tells both handhelds)."""
    from wms.picking import services as picking

    return picking.assign_task(task_id, picker_id, actor=actor, expected_version=expected_version)
