"""What a buyer paid and what after-sales cases recorded to refund of it: one OrderRefundTotal row per paid
order, made at its first refund, moved only by a conditional UPDATE (refunded + amount <= paid), so two refunds
at once never pass what was paid.

A paid order is a split's root: the parts a desk split makes (``<external_id>-S<n>``, split_from_id) move money
between them, never add to it, so they share the root's row. A merge adds the merged-away order's total to its
target's: the target's paid leaves out what was already refunded on the merged-away orders, and those take no
more refunds (wms.aftersales.refund_steps refuses them).
"""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from wms.aftersales.case_models import OrderRefundTotal
from wms.extensions import db
from wms.orders.models import Order


def refund_total(order_id):
    """(paid, refunded or recorded) cents of an order's after-sales refunds (of its split family)."""
    order = db.session.get(Order, order_id)
    if order is None:
        return 0, 0
    root = split_root(order)
    row = db.session.get(OrderRefundTotal, root.id)
    if row is None:
        return _family_paid(root), 0
    return row.paid_cents, row.refunded_cents


def claim(order, amount):
    """Count ``amount`` against what the order's buyer paid: (counted, paid, refunded now)."""
    root = _ensure_row(order)
    moved = db.session.execute(update(OrderRefundTotal).where(
        OrderRefundTotal.order_id == root.id,
        OrderRefundTotal.refunded_cents + amount <= OrderRefundTotal.paid_cents)
        .values(refunded_cents=OrderRefundTotal.refunded_cents + amount).execution_options(synchronize_session=False))
    paid, already = db.session.execute(select(OrderRefundTotal.paid_cents, OrderRefundTotal.refunded_cents)
                                       .where(OrderRefundTotal.order_id == root.id)).one()
    return moved.rowcount == 1, paid, already


def release(order, amount):
    """Give back ``amount`` counted by claim (a case closed, a refund re-recorded)."""
    db.session.execute(update(OrderRefundTotal).where(OrderRefundTotal.order_id == split_root(order).id)
                       .values(refunded_cents=OrderRefundTotal.refunded_cents - amount)
                       .execution_options(synchronize_session=False))


def split_root(order):
    """The order a buyer paid for: a split part's first order."""
    while order.split_from_id is not None:
        order = db.session.get(Order, order.split_from_id)
    return order


def _family_paid(root):
    """What the buyer paid for the root and every part split from it (their totals add up to it), less what was
    refunded on orders merged into them before (a merge adds the merged order's total to its target's)."""
    ids, frontier = {root.id}, [root.id]
    while frontier:
        found = db.session.execute(select(Order.id).where(Order.split_from_id.in_(frontier))).scalars().all()
        frontier = [i for i in found if i not in ids]
        ids.update(frontier)
    total = db.session.scalar(select(func.coalesce(func.sum(Order.total_cents), 0)).where(Order.id.in_(ids)))
    refunded_before_merge = db.session.scalar(
        select(func.coalesce(func.sum(OrderRefundTotal.refunded_cents), 0))
        .join(Order, Order.id == OrderRefundTotal.order_id).where(Order.merged_into_id.in_(ids)))
    return int(total) - int(refunded_before_merge)


def _ensure_row(order):
    """The refund total row of the order's split root (made at the first refund); returns the root."""
    root = split_root(order)
    if db.session.get(OrderRefundTotal, root.id) is not None:
        return root
    try:
        with db.session.begin_nested():
            db.session.add(OrderRefundTotal(order_id=root.id, paid_cents=_family_paid(root), refunded_cents=0))
    except IntegrityError:
        pass   # another refund made it first
    return root
