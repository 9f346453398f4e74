"""Review use cases: the automatic run over imported orders, and every reviewer action.

Each action takes ids and plain values plus the acting User and the Order.version the reviewer
saw. A stale version (or a concurrent commit caught by the version_id_col) becomes
ConcurrentUpdate with who changed the order and when; nothing of the loser is written.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import realtime
from wms.aftercommit import commit
from wms.errors import DomainError, IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.finance import gate as finance
from wms.orders import next_steps, states
from wms.orders.conflicts import conflict
from wms.orders.models import Order
from wms.orders.reason_labels import reason_label
from wms.review import actions, checks, duplicates, floor_effects, gifts, rules, tagging
from wms.review.actions import action, change, load, save
from wms.review.merging import merge_orders, split_order  # noqa: F401  (reviewer actions, called from here)
from wms.wording import wording

AUTO_ACTOR = "auto-review"
SINGLE_EVENTS_UP_TO = 10  # above this, one orders.reviewed summary instead of one event per order
EDITABLE_FIELDS = {"buyer_name": 120, "buyer_phone": 40, "buyer_email": 255, "country": 2,
                   "province": 60, "city": 60, "district": 60, "address": 500, "postcode": 20,
                   "buyer_remark": 2000}


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
    actions.allocate_after_commit(approved)
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
            finance.pass_customer_review(order, reason=approve_reason, actor=actor)  # approved, or to 财审
            counts["approved"] += 1
        changes.append(change(order, before))
    tagging.tag_orders([o for o in orders if o.status != states.ON_HOLD], actor=actor)  # tag rules (订单分类)
    gifts.add_gifts(orders, actor=actor)   # each matching gift rule once per order (wms.review.gifts)
    return {**counts, "changes": changes}


def _hold(order, reasons, actor):
    listed = [wording("{code}: {detail}", code=wording(reason_label(r["code"])), detail=r.get("wording") or r["detail"])
              for r in reasons]  # the reason's name as the desk's chips show it, never its code
    if order.status == states.ON_HOLD:
        order.note(wording("still held: {reasons}", reasons=listed), actor=actor, kind="review")
    else:
        order.transition_to(states.ON_HOLD, reason=wording("{reasons}", reasons=listed), actor=actor)
    order.hold_reasons = [dict(r) for r in reasons]


def _announce(changes):
    changes = [c for c in changes if c["from"] != c["to"] or c["to"] == states.ON_HOLD]
    if not changes:
        return
    if len(changes) <= SINGLE_EVENTS_UP_TO:
        for change in changes:
            for room in actions.ROOMS:
                realtime.publish("order.state_changed", change, room)
        return
    summary = {"approved": sum(c["to"] == states.APPROVED for c in changes),
               "held": sum(c["to"] == states.ON_HOLD for c in changes),
               "order_ids": [c["order_id"] for c in changes]}
    for room in actions.ROOMS:
        realtime.publish("orders.reviewed", summary, room)


# --- reviewer actions ------------------------------------------------------------------------

def _require(value, field, message):
    if not (value or "").strip():
        raise ValidationFailed(message, field=field)
    return value.strip()


@action
def approve_order(order_id, *, actor, expected_version, reason=""):
    """Approve an imported order, or override a hold (a reason is required then).

    Transitions: imported -> approved; on_hold -> approved; either -> finance_review instead when the
    store has finance review on and a finance rule matches (wms.finance.gate).
    """
    order = load(order_id, expected_version, actor)
    before = order.status
    if before == states.ON_HOLD:
        typed = _require(reason, "reason", "Give a reason to approve a held order")
        reason = wording("override: {reason}", reason=typed)
    finance.pass_customer_review(order, reason=reason or wording("approved by reviewer"), actor=actor)
    tagging.tag_orders([order], actor=actor)   # tag rules (订单分类)
    gifts.add_gifts([order], actor=actor)      # a reviewer's approval is its review too: the gift rules, once
    actions.allocate_after_commit([order.id] if order.status == states.APPROVED else [])
    return save(order, [change(order, before)])


@action
def hold_order(order_id, *, reason, actor, expected_version):
    """Put an order on hold by hand (or add a reason to a held one).

    Transitions: imported | approved | backorder | allocated ... -> on_hold. An order that had stock
    or was on the floor leaves both (floor_effects): approving it again allocates it afresh.
    """
    reason = _require(reason, "reason", "Give a reason for the hold")
    order = load(order_id, expected_version, actor)
    before = order.status
    reasons = [r for r in order.hold_reasons or [] if order.status == states.ON_HOLD]
    _hold(order, reasons + [states.hold_reason("manual", "{note}", note=reason)], actor)
    try:
        floor_effects.take_out_of_the_flow(order, before, wording("put on hold"), actor)
    except StaleDataError:  # it flushes: a concurrent change shows here rather than at commit
        db.session.rollback()
        raise conflict(db.session.get(Order, int(order_id))) from None
    return save(order, [change(order, before)])


@action
def release_order(order_id, *, actor, expected_version):
    """Re-run the checks on a held order: approve if clean, else keep it held with new reasons.

    Transitions: on_hold -> approved (all checks passed); on_hold stays on_hold otherwise. An exchange's
    replacement waiting for the returned goods is refused: no check put that hold on, receiving the goods
    lifts it (or a reviewer's approval overrides it).
    """
    order = load(order_id, expected_version, actor)
    if order.status != states.ON_HOLD:
        raise IllegalTransition("Only a held order can be released", current=order.status)
    if next_steps.AWAITING_RETURN in order.hold_codes:
        raise ValidationFailed.worded("Order {order} waits for the returned goods of its exchange: receiving them "
                                      "releases it (approve it to send it sooner)", order=order.external_id,
                                      details={"field": "status"})
    outcome = _check_and_decide([order], actor=actor, approve_reason=wording("released: all checks passed"))
    if order.status == states.APPROVED:
        actions.allocate_after_commit([order.id])
    return save(order, outcome["changes"])


@action
def cancel_order(order_id, *, reason, actor, expected_version):
    """Cancel an order that has not reached the floor.

    Transitions: imported | on_hold | approved | backorder -> cancelled.
    """
    reason = _require(reason, "reason", "Give a reason for the cancellation")
    order = load(order_id, expected_version, actor)
    states.require_editable(order)
    before = order.status
    order.transition_to(states.CANCELLED, reason=reason, actor=actor)
    floor_effects.release_stock(order.id, wording("cancelled"), actor)
    floor_effects.void_early_waybill(order.id)
    return save(order, [change(order, before)])


@action
def edit_order(order_id, *, changes, actor, expected_version):
    """Change buyer / address / phone / remark fields; records what changed; re-parses the address."""
    order = load(order_id, expected_version, actor)
    states.require_editable(order)
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
    realtime.publish("order.updated", {"order_id": order.id, "external_id": order.external_id}, actions.ROOMS[1])
    return save(order)


def bulk_approve(order_ids, actor, *, reason="", expected_versions=None):
    """Approve each order on its own; one failure never stops the rest.

    Returns [{"order_id", "external_id", "outcome": "approved" | "skipped", "reason"}].
    Transitions: imported -> approved; on_hold -> approved (only with a reason).
    """
    results = []
    for order_id in dict.fromkeys(int(i) for i in order_ids):
        order = db.session.get(Order, order_id)
        row = {"order_id": order_id, "external_id": order.external_id if order else None}
        try:
            if order is None:
                raise DomainError("not found")
            if order.status not in (states.IMPORTED, states.ON_HOLD):
                raise DomainError.worded("is {status}", status=wording(order.status))
            if order.status == states.ON_HOLD and not (reason or "").strip():
                raise DomainError("held: give a reason to override the hold")
            approve_order(order_id, actor=actor, reason=reason,
                               expected_version=(expected_versions or {}).get(order_id))
            results.append({**row, "outcome": "approved", "reason": ""})
        except DomainError as error:
            db.session.rollback()
            results.append({**row, "outcome": "skipped", "reason": error.message})
    return results

