"""Turning form/JSON input into wave filters and limits, and the automatic wave rule's service."""
from datetime import datetime

from sqlalchemy import func, select

from wms import aftercommit
from wms.errors import DomainError, ValidationFailed
from wms.extensions import db
from wms.inventory.models import OrderAllocation
from wms.orders import states
from wms.orders import tags as order_tags
from wms.orders.models import Order
from wms.picking import cart_types, waves
from wms.picking.models import WaveRule
from wms.timeutil import utcnow

LIMIT_FIELDS = ("max_orders", "max_lines", "tote_slots", "single_units_per_cart", "max_batch_lines",
                "max_batch_weight_g", "max_batch_volume_cm3")


def filter_from(data):
    """A WaveFilter from a form or JSON mapping (empty values mean no restriction)."""
    carriers = [c.strip() for c in str(data.get("carriers") or "").split(",") if c.strip()]
    zones = [z.strip() for z in str(data.get("zones") or "").split(",") if z.strip()]
    order_type = data.get("order_type") or waves.ANY
    if order_type not in (waves.ANY, waves.SINGLE, waves.MULTI):
        raise ValidationFailed("Order type must be any, single or multi", field="order_type")
    cutoff = data.get("cutoff_before") or None
    try:
        cutoff = datetime.fromisoformat(cutoff) if cutoff else None
    except ValueError:
        raise ValidationFailed("Cut-off must be a date and time", field="cutoff_before")
    return waves.WaveFilter(
        carriers=frozenset(carriers) or None, zones=_zone_ids(zones), order_type=order_type,
        min_priority=_int(data, "min_priority", None, low=-100), cutoff_before=cutoff,
        include_tags=_tag_keys(data, "include_tags"), exclude_tags=_tag_keys(data, "exclude_tags"),
        priority_first=str(data.get("priority_first") or "").lower() in ("on", "1", "true", "yes"))


def _tag_keys(data, name):
    """The keys of the tags typed in `name` (comma separated), None for none; a tag no order could
    carry (too long, control characters) is refused."""
    raw = data.get(name) or ""
    typed = order_tags.split(",".join(raw) if isinstance(raw, (list, tuple)) else str(raw))
    for tag in typed:
        problem = order_tags.problem(tag)
        if problem:
            raise ValidationFailed.worded(problem[0], **problem[1], details={"field": name})
    return order_tags.keys_of(typed) or None


def limits_from(data):
    """WaveLimits from a mapping; every field optional, positive integers only; a `cart_type` (id) sets
    each batch's limits from that cart type."""
    defaults = waves.WaveLimits()
    values = {name: _int(data, name, getattr(defaults, name), low=1) for name in LIMIT_FIELDS}
    return cart_types.with_cart_type(data, waves.WaveLimits(**values))


def _zone_ids(codes):
    if not codes:
        return None
    from wms.inventory.models import Zone

    ids = db.session.scalars(select(Zone.id).where(Zone.code.in_(codes))).all()
    if not ids:
        raise ValidationFailed("Unknown zone", field="zones")
    return frozenset(ids)


def _int(data, name, default, low):
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or value < low:   # the form marks the input `name`; the wording names no code
        raise ValidationFailed.worded("Enter a whole number of at least {minimum}", minimum=low,
                                      details={"field": name})
    return value


def known_tags(limit=100, orders_read=5_000):
    """Tags the waiting (allocated) orders carry, for the wave form's suggestions: the first spelling
    of each, from at most `orders_read` orders."""
    seen = {}
    for tags in db.session.scalars(select(Order.tags).where(Order.status == states.ALLOCATED).limit(orders_read)):
        for tag in tags or ():
            seen.setdefault(order_tags.key(tag), tag)
            if len(seen) >= limit:
                return sorted(seen.values())
    return sorted(seen.values())


def auto_filters(data):
    """The automatic rule's filter as stored: the tags typed (checked as filter_from checks them) and
    priority first."""
    wave_filter = filter_from({name: data.get(name) for name in ("include_tags", "exclude_tags", "priority_first")})
    typed = {name: order_tags.split(data.get(name) or "") for name in ("include_tags", "exclude_tags")}
    return {**{name: tags for name, tags in typed.items() if tags},
            **({"priority_first": True} if wave_filter.priority_first else {})}


def get_rule(warehouse_id):
    rule = db.session.scalar(select(WaveRule).where(WaveRule.warehouse_id == warehouse_id))
    if rule is None:
        rule = WaveRule(warehouse_id=warehouse_id, limits={})
        db.session.add(rule)
        db.session.flush()
    return rule


def save_rule(warehouse_id, enabled, every_minutes, at_orders, limits_data):
    """Supervisor: switch the automatic wave rule on/off and set its trigger and limits."""
    rule = get_rule(warehouse_id)
    limits = limits_from(limits_data)
    every = _int({"every_minutes": every_minutes}, "every_minutes", 30, low=1)
    at = _int({"at_orders": at_orders}, "at_orders", 200, low=1)
    rule.enabled, rule.every_minutes, rule.at_orders = bool(enabled), every, at
    rule.limits = {name: getattr(limits, name) for name in LIMIT_FIELDS}
    rule.filters = auto_filters(limits_data)
    aftercommit.commit()
    return rule


def run_auto_waves():
    """Release a wave in every warehouse whose rule is due (called by the worker's ticker)."""
    from wms.picking.services import release_wave

    results = {}
    for rule in db.session.scalars(select(WaveRule).where(WaveRule.enabled.is_(True))).all():
        waiting = db.session.scalar(
            select(func.count(Order.id)).join(OrderAllocation, OrderAllocation.order_id == Order.id)
            .where(Order.status == states.ALLOCATED, OrderAllocation.warehouse_id == rule.warehouse_id))
        policy = waves.AutoWaveRule(True, rule.every_minutes, rule.at_orders)
        if not waves.auto_wave_due(policy, utcnow(), rule.last_run_at, waiting):
            continue
        warehouse_id, limits = rule.warehouse_id, limits_from(rule.limits or {})
        try:
            wave = release_wave(warehouse_id, filter_from(rule.filters or {}), limits=limits)
            outcome = f"released {wave.code} ({wave.orders_count} orders)"
        except DomainError as error:
            db.session.rollback()
            outcome = f"no wave: {error.message}"
        rule = get_rule(warehouse_id)
        rule.last_run_at, rule.last_result = utcnow(), outcome[:200]
        aftercommit.commit()
        results[warehouse_id] = outcome
    return results
