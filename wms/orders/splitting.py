"""Splitting an order: the chosen lines / quantities move to a new order `<external_id>-S<n>` that
follows the original's review state.

Here in orders, below the two features that split and called by both with plain arguments: the
review desk (a reviewer's split, wms.review.merging) and allocation (an order no warehouse can ship
whole becomes one order per warehouse of its split plan, wms.inventory.allocation_splits). Part of the
caller's transaction: it neither commits, gives stock back nor allocates; each caller does around
it what its feature needs (the desk gives the stock back first, saves with the version check and
sends approved parts to allocation after commit; allocation commits each part and allocates the
parts in the same run).
"""
from sqlalchemy import func, select

from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.timeutil import utcnow
from wms.wording import wording

# What a part copies from its original (buyer, address, money settings, remarks, carrier, tags).
COPIED = ("buyer_name", "buyer_phone", "buyer_email", "country", "province", "city", "district",
          "address", "postcode", "currency", "payment_status", "buyer_remark", "seller_note",
          "priority", "carrier_code", "ordered_at", "ship_by", "tags")


def chosen_moves(order, line_qtys):
    """[(line, qty)] for {line_id: qty} (zeros skipped); refuses (ValidationFailed, field `lines`) a
    line not on the order, a quantity out of 1..the line's, nothing chosen, or everything chosen."""
    lines = {line.id: line for line in order.lines}
    moves = []
    for line_id, qty in (line_qtys or {}).items():
        line, qty = lines.get(int(line_id)), int(qty or 0)
        if qty == 0:
            continue
        if line is None:
            raise ValidationFailed.worded("Line {line} is not on order {order}", line=line_id,
                                          order=order.external_id, details={"field": "lines"})
        if not 0 < qty <= line.qty:
            raise ValidationFailed.worded("{sku}: split between 1 and {qty}", sku=line.sku_code, qty=line.qty,
                                          details={"field": "lines"})
        moves.append((line, qty))
    if not moves:
        raise ValidationFailed("Choose at least one line and quantity to split off", field="lines")
    if sum(q for _l, q in moves) >= order.item_count:
        raise ValidationFailed("A split must leave something on the original order", field="lines")
    return moves


def split_off(order, moves, *, actor):
    """Move `moves` (from chosen_moves) to a new order, added to the session and returned; money
    follows the moved lines (never more than the original's total). Both timelines say so.

    Transitions: the new order imported -> the original's review state (on_hold with its reasons |
    approved, also for a backorder original); an imported original's part stays imported.
    """
    number = 1 + db.session.scalar(select(func.count()).select_from(Order).where(
        Order.split_from_id == order.id))
    part = Order(channel_id=order.channel_id, external_id=f"{order.external_id}-S{number}",
                 status=states.IMPORTED, hold_reasons=[], lines=[], events=[],
                 split_from_id=order.id, **{name: getattr(order, name) for name in COPIED})
    moved_cents = 0
    for line, qty in moves:
        part.lines.append(OrderLine(sku_id=line.sku_id, sku_code=line.sku_code, name=line.name,
                                    qty=qty, unit_price_cents=line.unit_price_cents,
                                    is_gift=line.is_gift, gift_rule_id=line.gift_rule_id))
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
    order.updated_at = utcnow()  # the original's row always changes, so its version check runs
    return part


def _follow_state(part, order, actor):
    reason = wording("split from {order}", order=order.external_id)
    if order.status == states.ON_HOLD:
        part.transition_to(states.ON_HOLD, reason=reason, actor=actor)
        part.hold_reasons = [dict(r) for r in order.hold_reasons or []]
    elif order.status in (states.APPROVED, states.BACKORDER):
        part.transition_to(states.APPROVED, reason=reason, actor=actor)
