"""Review use cases: the automatic run over imported orders, and every reviewer action.

Each action takes ids and plain values plus the acting User and the Order.version the reviewer
saw. A stale version (or a concurrent commit caught by the version_id_col) becomes
ConcurrentUpdate with who changed the order and when; nothing of the loser is written.
"""
import functools
import importlib
import importlib.util

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import realtime
from wms.aftercommit import commit
from wms.auth.access import require_channel
from wms.errors import ConcurrentUpdate, IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderEvent
from wms.review import checks, floor_effects, rules
from wms.rows import get_or_not_found
from wms.timeutil import to_local
from wms.wording import wording

AUTO_ACTOR = "auto-review"
ROOMS = (realtime.room_for_role("supervisor"), realtime.room_for_role("reviewer"))
SINGLE_EVENTS_UP_TO = 10  # above this, one orders.reviewed summary instead of one event per order
EDITABLE_FIELDS = {"buyer_name": 120, "buyer_phone": 40, "buyer_email": 255, "country": 2,
                   "province": 60, "city": 60, "district": 60, "address": 500, "postcode": 20,
                   "buyer_remark": 2000}
ALLOCATE = "wms.inventory.services.allocate_orders"


def review_orders(order_ids):
    """Run the enabled rules on the given orders still `imported`; approve clean, hold the rest.

    Transitions: imported -> approved (all checks passed) | on_hold (every reason found).
    """
    ids = list(dict.fromkeys(int(i) for i in order_ids))
    orders = db.session.scalars(
        select(Order).where(Order.id.in_(ids), Order.status == states.IMPORTED)
        .options(selectinload(Order.lines), selectinload(Order.events))).all() if ids else []
    outcome = _check_and_decide(orders, actor=AUTO_ACTOR, approve_reason=wording("all checks passed"))
    merges = duplicates.planned(orders)  # twins to merge first: allocated after the merge
    approved = [o.id for o in orders if o.status == states.APPROVED and o.id not in merges]
    _announce(outcome["changes"])
    _allocate_after_commit(approved)
    commit()
    if merges:
        duplicates.merge_automatically(merges, AUTO_ACTOR)
    return {"approved": outcome["approved"], "held": outcome["held"]}


def _check_and_decide(orders, *, actor, approve_reason):
    snapshots = [checks.snapshot(order) for order in orders]
    enabled = checks.enabled_rules()
    ctx = checks.load_context(snapshots, {code for code, _ in enabled})
    counts, changes = {"approved": 0, "held": 0}, []
    for order, snap in zip(orders, snapshots):
        checks.fill_address(order, snap.parsed)
        checks.match_lines(order, ctx)
        found, flags = rules.holds_and_flags(rules.run_rules(snap, ctx, enabled))
        order.flags = rules.with_review_flags(order.flags, flags)  # shown on the desk, not holding
        before = order.status
        if found:
            _hold(order, found, actor)
            counts["held"] += 1
        else:
            order.transition_to(states.APPROVED, reason=approve_reason, actor=actor)
            counts["approved"] += 1
        changes.append(_change(order, before))
    return {**counts, "changes": changes}


def _hold(order, reasons, actor):
    listed = [wording("{code}: {detail}", code=wording(r["code"]), detail=r.get("wording") or r["detail"])
              for r in reasons]
    if order.status == states.ON_HOLD:
        order.note(wording("still held: {reasons}", reasons=listed), actor=actor, kind="review")
    else:
        order.transition_to(states.ON_HOLD, reason=wording("{reasons}", reasons=listed), actor=actor)
    order.hold_reasons = [dict(r) for r in reasons]


def _change(order, before):
    return {"order_id": order.id, "external_id": order.external_id, "from": before,
            "to": order.status, "reasons": order.hold_codes}


def _announce(changes):
    changes = [c for c in changes if c["from"] != c["to"] or c["to"] == states.ON_HOLD]
    if not changes:
        return
    if len(changes) <= SINGLE_EVENTS_UP_TO:
        for change in changes:
            for room in ROOMS:
                realtime.publish("order.state_changed", change, room)
        return
    summary = {"approved": sum(c["to"] == states.APPROVED for c in changes),
               "held": sum(c["to"] == states.ON_HOLD for c in changes),
               "order_ids": [c["order_id"] for c in changes]}
    for room in ROOMS:
        realtime.publish("orders.reviewed", summary, room)


def _allocate_after_commit(order_ids):
    """Hand approved orders to allocation when that module exists (built by another team)."""
    if not order_ids:
        return
    try:
        spec = importlib.util.find_spec("wms.inventory.services")
    except ModuleNotFoundError:
        spec = None
    if spec is None or not hasattr(importlib.import_module("wms.inventory.services"), "allocate_orders"):
        return
    from wms.worker import enqueue

    enqueue(ALLOCATE, list(order_ids))


# --- reviewer actions ------------------------------------------------------------------------

def action(fn):
    """Run a reviewer action without autoflush: lazy loads (the actor, events) must not write a
    half-made change early, so the one flush at commit carries the version check."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with db.session.no_autoflush:
            return fn(*args, **kwargs)

    return run


def _load(order_id, expected_version, actor):
    """The order a reviewer acts on, at the version they saw; an API token bound to other
    channels may not act on it (403)."""
    order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
    require_channel(actor, order.channel.code if order.channel else "")
    if expected_version is not None and int(expected_version) != order.version:
        raise _conflict(order)
    return order


def _conflict(order):
    from flask import current_app, has_request_context

    from wms.i18n import _

    last = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                              .order_by(OrderEvent.id.desc()).limit(1)).first()
    who = last.actor_name if last else "someone"
    when = to_local(last.at if last else order.updated_at, current_app.config["WAREHOUSE_TIMEZONE"])
    return ConcurrentUpdate(
        _("This order was changed by {who} at {time}; reload to see the change",
          locale=None if has_request_context() else "en", who=who, time=when.strftime("%Y-%m-%d %H:%M:%S")),
        order_id=order.id, current_version=order.version, changed_by=who)


def _save(order, changes=()):
    """Bump the version, commit (conflicts -> ConcurrentUpdate), then publish."""
    order.updated_at = checks.now()  # makes the row dirty, so the version check always runs
    for change in changes:
        if change["from"] != change["to"]:
            for room in ROOMS:
                realtime.publish("order.state_changed", change, room)
    order_id = order.id
    try:
        commit()
    except StaleDataError:
        db.session.rollback()
        raise _conflict(db.session.get(Order, order_id)) from None
    return order


def _require(value, field, message):
    if not (value or "").strip():
        raise ValidationFailed(message, field=field)
    return value.strip()


@action
def approve_order(order_id, *, actor, expected_version, reason=""):
    """Approve an imported order, or override a hold (a reason is required then).

    Transitions: imported -> approved; on_hold -> approved.
    """
    order = _load(order_id, expected_version, actor)
    before = order.status
    if before == states.ON_HOLD:
        typed = _require(reason, "reason", "Give a reason to approve a held order")
        reason = wording("override: {reason}", reason=typed)
    order.transition_to(states.APPROVED, reason=reason or wording("approved by reviewer"), actor=actor)
    _allocate_after_commit([order.id])
    return _save(order, [_change(order, before)])


@action
def hold_order(order_id, *, reason, actor, expected_version):
    """Put an order on hold by hand (or add a reason to a held one).

    Transitions: imported | approved | backorder | allocated ... -> on_hold. An order that had stock
    or was on the floor leaves both (floor_effects): approving it again allocates it afresh.
    """
    reason = _require(reason, "reason", "Give a reason for the hold")
    order = _load(order_id, expected_version, actor)
    before = order.status
    reasons = [r for r in order.hold_reasons or [] if order.status == states.ON_HOLD]
    _hold(order, reasons + [states.hold_reason("manual", "{note}", note=reason)], actor)
    try:
        floor_effects.take_out_of_the_flow(order, before, wording("put on hold"), actor)
    except StaleDataError:  # it flushes: a concurrent change shows here rather than at commit
        db.session.rollback()
        raise _conflict(db.session.get(Order, int(order_id))) from None
    return _save(order, [_change(order, before)])


@action
def release_order(order_id, *, actor, expected_version):
    """Re-run the checks on a held order: approve if clean, else keep it held with new reasons.

    Transitions: on_hold -> approved (all checks passed); on_hold stays on_hold otherwise.
    """
    order = _load(order_id, expected_version, actor)
    if order.status != states.ON_HOLD:
        raise IllegalTransition("Only a held order can be released", current=order.status)
    outcome = _check_and_decide([order], actor=actor, approve_reason=wording("released: all checks passed"))
    if order.status == states.APPROVED:
        _allocate_after_commit([order.id])
    return _save(order, outcome["changes"])


@action
def cancel_order(order_id, *, reason, actor, expected_version):
    """Cancel an order that has not reached the floor.

    Transitions: imported | on_hold | approved | backorder -> cancelled.
    """
    reason = _require(reason, "reason", "Give a reason for the cancellation")
    order = _load(order_id, expected_version, actor)
    _editable(order)
    before = order.status
    order.transition_to(states.CANCELLED, reason=reason, actor=actor)
    floor_effects.release_stock(order.id, wording("cancelled"), actor)
    return _save(order, [_change(order, before)])


def _editable(order):
    if order.status not in states.EDITABLE:
        raise IllegalTransition(f"Order {order.external_id} is '{order.status}' and can no longer be changed "
                                "here", current=order.status)


@action
def edit_order(order_id, *, changes, actor, expected_version):
    """Change buyer / address / phone / remark fields; records what changed; re-parses the address."""
    order = _load(order_id, expected_version, actor)
    _editable(order)
    clean = checks.clean_edits(changes, EDITABLE_FIELDS)
    diff = [(name, getattr(order, name), value) for name, value in clean.items()
            if getattr(order, name) != value]
    if not diff:
        raise ValidationFailed("Nothing changed", field="changes")
    for name, _old, value in diff:
        setattr(order, name, value)
    if any(name in checks.ADDRESS_FIELDS for name, _o, _v in diff):
        checks.reparse_address(order)
    order.note(wording("edited: {changes}", changes=[
        wording("{field} '{old}' -> '{new}'", field=wording(name), old=old, new=new) for name, old, new in diff]),
        actor=actor, kind="edit")   # the fields' names are the edit form's catalogue keys
    realtime.publish("order.updated", {"order_id": order.id, "external_id": order.external_id}, ROOMS[1])
    return _save(order)


# merge/split/bulk live in merging.py to keep this module short; re-exported for callers.
from wms.review.merging import bulk_approve, merge_orders, split_order  # noqa: E402,F401
from wms.review import duplicates  # noqa: E402  (the automatic merge after a review run)
