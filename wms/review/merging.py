"""Merge and split: the reviewer actions that touch several orders at once (the split itself is
wms.orders.splitting, which allocation uses too).

Both change what is on an order, so a waybill requested before picking (the 店小秘 flow) that shows the
old contents and weight is voided with its carrier (wms.shipping.early_voids, a job after commit): an
order merged away is cancelled and needs none, and the target, or the original of a split, goes back
to the waybill desk's waiting list for a label of what it now holds (the new part has none yet).

Re-exported by wms.review.services (callers import them from there).
"""
from wms.aftercommit import commit
from wms.errors import ValidationFailed
from wms.orders import next_steps, splitting, states
from wms.orders.models import OrderLine
from wms.review import checks, floor_effects, rules
from wms.review import actions
from wms.shipping import early_voids
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
        states.require_editable(order)
        _require_not_waiting_for_return(order)
    for other in others:
        if other.channel_id != target.channel_id:
            raise ValidationFailed.worded("{order} is from another store", order=other.external_id,
                                          details={"field": "other_ids"})
        if rules.duplicate_key(checks.snapshot(other)) != key:
            raise ValidationFailed.worded("{order} has another buyer or address", order=other.external_id,
                                          details={"field": "other_ids"})
    for order in [target, *others]:  # their lines change: any stock still held is given back first
        floor_effects.release_stock(order.id, wording("merged"), actor)
    changes = [_absorb(target, other, actor) for other in others]
    target.note(wording("merged {orders}", orders=", ".join(o.external_id for o in others)), actor=actor,
                kind="merge")
    for order in [target, *others]:
        early_voids.void_for_changed_order(order, actor)
    for other in others:
        other.updated_at = checks.now()
    return actions.save(target, changes)


def _absorb(target, other, actor):
    by_code = {(line.sku_code, line.is_gift): line for line in target.lines}   # a gift stays a gift line
    for line in list(other.lines):
        if (line.sku_code, line.is_gift) in by_code:
            by_code[line.sku_code, line.is_gift].qty += line.qty
            other.lines.remove(line)
        else:
            other.lines.remove(line)
            target.lines.append(OrderLine(sku_id=line.sku_id, sku_code=line.sku_code, name=line.name,
                                          qty=line.qty, unit_price_cents=line.unit_price_cents,
                                          is_gift=line.is_gift, gift_rule_id=line.gift_rule_id))
            by_code[line.sku_code, line.is_gift] = target.lines[-1]
    target.total_cents += other.total_cents
    if other.buyer_remark and other.buyer_remark not in (target.buyer_remark or ""):
        target.buyer_remark = "\n".join(filter(None, (target.buyer_remark, other.buyer_remark)))
    before = other.status
    other.merged_into_id = target.id
    other.transition_to(states.CANCELLED, reason=wording("merged into {order}", order=target.external_id),
                        actor=actor)
    return actions.change(other, before)


@actions.action
def split_order(order_id, line_qtys, *, actor, expected_version):
    """Move the chosen lines/quantities to a new order `<external_id>-S<n>` in the same state
    (wms.orders.splitting); approved ones (the part, and the original whose lines changed) go on to
    allocation.

    Transitions: the new order imported -> the original's review state (approved / on_hold).
    """
    order = actions.load(order_id, expected_version, actor)
    states.require_editable(order)
    _require_not_waiting_for_return(order)
    moves = splitting.chosen_moves(order, line_qtys)
    floor_effects.release_stock(order.id, wording("split"), actor)
    part = splitting.split_off(order, moves, actor=actor)
    early_voids.void_for_changed_order(order, actor)
    actions.save(order)
    waiting = [o.id for o in (order, part) if o.status == states.APPROVED]
    if waiting:
        actions.allocate_after_commit(waiting)
        commit()
    return part


def _require_not_waiting_for_return(order):
    """Refuse an exchange's replacement held for the returned goods: its lines are the case's, and only the
    case's order is released when the goods come back (a part split off would wait for ever; goods merged
    elsewhere would leave before the return)."""
    if next_steps.AWAITING_RETURN in order.hold_codes:
        raise ValidationFailed.worded("Order {order} waits for the returned goods of its exchange: it cannot be "
                                      "merged or split until they are back", order=order.external_id,
                                      details={"field": "order"})
