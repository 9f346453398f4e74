"""Merge, split and bulk approve: the reviewer actions that touch several orders at once.

Re-exported by wms.review.services (callers import them from there).
"""
from sqlalchemy import func, select

from wms.aftercommit import commit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.review import checks, floor_effects, rules
from wms.review import actions
from wms.wording import wording


@actions.action
def merge_orders(target_id, other_ids, *, actor, expected_version, expected_versions=None):
    """Move the lines of other orders (same channel, buyer and address) into the target.

    Transitions: each other order -> cancelled ("merged into <target>"); the target keeps its state.
    """
    other_ids = [int(i) for i in dict.fromkeys(other_ids or []) if int(i) != int(target_id)]
    if not other_ids:
        raise ValidationFailed("Choose at least one other order to merge", field="other_ids")
    target = actions.load(target_id, expected_version, actor)
    others = [actions.load(oid, (expected_versions or {}).get(oid), actor) for oid in other_ids]
    key = rules.duplicate_key(checks.snapshot(target))
    for order in [target, *others]:
        actions.require_editable(order)
    for other in others:
        if other.channel_id != target.channel_id:
            raise ValidationFailed(f"{other.external_id} is from another store", field="other_ids")
        if rules.duplicate_key(checks.snapshot(other)) != key:
            raise ValidationFailed(f"{other.external_id} has another buyer or address", field="other_ids")
    for order in [target, *others]:  # their lines change: any stock still held is given back first
        floor_effects.release_stock(order.id, wording("merged"), actor)
    changes = [_absorb(target, other, actor) for other in others]
    target.note(wording("merged {orders}", orders=", ".join(o.external_id for o in others)), actor=actor,
                kind="merge")
    for other in others:
        other.updated_at = checks.now()
    return actions.save(target, changes)


def _absorb(target, other, actor):
    by_code = {line.sku_code: line for line in target.lines}
    for line in list(other.lines):
        if line.sku_code in by_code:
            by_code[line.sku_code].qty += line.qty
            other.lines.remove(line)
        else:
            other.lines.remove(line)
            target.lines.append(OrderLine(sku_id=line.sku_id, sku_code=line.sku_code, name=line.name,
                                          qty=line.qty, unit_price_cents=line.unit_price_cents))
            by_code[line.sku_code] = target.lines[-1]
    target.total_cents += other.total_cents
    if other.buyer_remark and other.buyer_remark not in (target.buyer_remark or ""):
        target.buyer_remark = "\n".join(filter(None, (target.buyer_remark, other.buyer_remark)))
    before = other.status
    other.merged_into_id = target.id
    other.transition_to(states.CANCELLED, reason=wording("merged into {order}", order=target.external_id),
                        actor=actor)
    return actions.change(other, before)


@actions.action
def split_order(order_id, line_qtys, *, actor, expected_version, allocate=True):
    """Move the chosen lines/quantities to a new order `<external_id>-S<n>` in the same state; approved
    ones go on to allocation (unless `allocate` is False: allocation's own split allocates its parts).

    Transitions: the new order imported -> the original's review state (approved / on_hold).
    """
    order = actions.load(order_id, expected_version, actor)
    actions.require_editable(order)
    moves = _validate_split(order, line_qtys)
    floor_effects.release_stock(order.id, wording("split"), actor)
    number = 1 + db.session.scalar(select(func.count()).select_from(Order).where(
        Order.split_from_id == order.id))
    part = Order(channel_id=order.channel_id, external_id=f"{order.external_id}-S{number}",
                 status=states.IMPORTED, hold_reasons=[], lines=[], events=[],
                 split_from_id=order.id, **{name: getattr(order, name) for name in _COPIED})
    moved_cents = 0
    for line, qty in moves:
        part.lines.append(OrderLine(sku_id=line.sku_id, sku_code=line.sku_code, name=line.name,
                                    qty=qty, unit_price_cents=line.unit_price_cents))
        moved_cents += qty * line.unit_price_cents
        line.qty -= qty
        if line.qty == 0:
            order.lines.remove(line)
    moved_cents = min(moved_cents, order.total_cents)
    part.total_cents, order.total_cents = moved_cents, order.total_cents - moved_cents
    db.session.add(part)
    part.note(wording("split from {order}", order=order.external_id), actor=actor, kind="split")
    _follow_state(part, order, actor)
    order.note(wording("split off {order}: {lines}", order=part.external_id,
                       lines=", ".join(f"{q} x {l.sku_code}" for l, q in moves)), actor=actor, kind="split")
    actions.save(order)
    # an approved part (and the approved original, whose lines changed) go on to allocation
    waiting = [o.id for o in (order, part) if o.status == states.APPROVED]
    if allocate and waiting:
        actions.allocate_after_commit(waiting)
        commit()
    return part


_COPIED = ("buyer_name", "buyer_phone", "buyer_email", "country", "province", "city", "district",
           "address", "postcode", "currency", "payment_status", "buyer_remark", "seller_note",
           "priority", "carrier_code", "ordered_at", "tags")


def _validate_split(order, line_qtys):
    lines = {line.id: line for line in order.lines}
    moves = []
    for line_id, qty in (line_qtys or {}).items():
        line, qty = lines.get(int(line_id)), int(qty or 0)
        if qty == 0:
            continue
        if line is None:
            raise ValidationFailed(f"Line {line_id} is not on order {order.external_id}", field="lines")
        if not 0 < qty <= line.qty:
            raise ValidationFailed(f"{line.sku_code}: split between 1 and {line.qty}", field="lines")
        moves.append((line, qty))
    if not moves:
        raise ValidationFailed("Choose at least one line and quantity to split off", field="lines")
    if sum(q for _l, q in moves) >= order.item_count:
        raise ValidationFailed("A split must leave something on the original order", field="lines")
    return moves


def _follow_state(part, order, actor):
    reason = wording("split from {order}", order=order.external_id)
    if order.status == states.ON_HOLD:
        part.transition_to(states.ON_HOLD, reason=reason, actor=actor)
        part.hold_reasons = [dict(r) for r in order.hold_reasons or []]
    elif order.status in (states.APPROVED, states.BACKORDER):
        part.transition_to(states.APPROVED, reason=reason, actor=actor)
