"""Same buyer and address, not yet shipped: the merge the desk offers, and the automatic merge.

The duplicate rule (rules.check_duplicate) finds the twins; the supervisor's choice decides whether
they are offered (a flag with a one-click merge on the queue, the default), held, or merged
automatically right after the review run. A group always merges into its oldest order (the lowest
id), so the chips of both twins do the same thing. A merge that cannot happen (a twin already on
the floor, another store) leaves the flag and the order where the review put it.
"""
from sqlalchemy import select

from wms.aftercommit import commit
from wms.errors import DomainError
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.review import queue as desk
from wms.review import actions
from wms.review.merging import merge_orders
from wms.wording import wording

CODE = "duplicate"


def merge_twins(order_id, *, actor, expected_version=None):
    """The queue's one-click merge: the order and every mergeable twin into the oldest of them.

    Returns (target order, merged external ids); with nothing left to merge the stale chip is cleared
    and the ids are empty.
    Transitions: every twin but the oldest -> cancelled ("merged into <target>").
    """
    order = actions.load(order_id, expected_version, actor)
    group = sorted([order, *desk.mergeable_with(order)], key=lambda o: o.id)
    if len(group) == 1:
        _clear_flag(order)
        actions.save(order)
        return order, []
    target, others = group[0], group[1:]
    versions = {order.id: expected_version} if expected_version is not None else {}
    merge_orders(target.id, [o.id for o in others], actor=actor,
                      expected_version=versions.get(target.id), expected_versions=versions)
    merged = [o.external_id for o in others]
    target = db.session.get(Order, target.id)
    if _clear_flag(target):
        actions.save(target)
    return target, merged


def planned(orders):
    """{order id: [twin ids]} of the reviewed orders the run approved whose duplicate flag says merge."""
    found = {}
    for order in orders:
        if order.status != states.APPROVED:
            continue
        for flag in order.flags or []:
            if flag.get("code") == CODE and flag.get("merge_with"):
                found[order.id] = [int(i) for i in flag["merge_with"]]
    return found


def merge_automatically(plans, actor):
    """After the review committed: merge each planned group into its oldest order, then hand what is
    approved to allocation. One failed merge never stops the others. Returns the merges made
    [(target id, [merged ids])]."""
    done, absorbed = [], set()
    for order_id in sorted(plans):
        if order_id in absorbed:
            continue
        group = sorted({order_id, *plans[order_id]} - absorbed)
        target, others = group[0], group[1:]
        try:
            merge_orders(target, others, actor=actor, expected_version=None)
        except DomainError:
            db.session.rollback()
            continue
        absorbed.update(others)
        done.append((target, others))
        order = db.session.get(Order, target)
        if _clear_flag(order):
            order.note(wording("merged automatically: same buyer and address"), actor=actor, kind="merge")
            actions.save(order)
    _allocate(set(plans) | {target for target, _others in done})
    return done


def _allocate(order_ids):
    approved = db.session.scalars(select(Order.id).where(Order.id.in_(sorted(order_ids)),
                                                          Order.status == states.APPROVED)).all()
    actions.allocate_after_commit(list(approved))
    commit()


def _clear_flag(order):
    """Drop the duplicate flag (the twins are merged or gone); True when there was one."""
    kept = [flag for flag in order.flags or [] if flag.get("code") != CODE]
    if len(kept) == len(order.flags or []):
        return False
    order.flags = kept
    return True
