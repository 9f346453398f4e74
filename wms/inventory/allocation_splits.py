"""Allocation's automatic split: a backorder no warehouse can ship whole becomes one order per
warehouse of its split plan (the split itself is wms.orders.splitting: `<ref>-S1`...).

Its own module because it is the one place allocation changes an order's contents rather than its
stock: each part is committed on its own, and wms.inventory.allocating allocates the parts again.
"""
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, job_names, worker
from wms.errors import ConcurrentUpdate, DomainError
from wms.extensions import db
from wms.inventory.models import Reservation
from wms.orders import splitting, states
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.wording import wording

AUTO_SPLIT = "auto-split"  # the actor on the timelines of an automatic split


def split_off_parts(plans, summary):
    """Split every order of {order_id: split plan} into its parts; the new parts' ids. An order split
    goes to summary["split"]; one a reviewer changed meanwhile stays a backorder, in summary["failed"]."""
    parts = []
    for order_id, split in plans.items():
        try:
            for plan in split[1:]:
                line_qtys = {}
                for pick in plan.picks:
                    line_qtys[pick.line_id] = line_qtys.get(pick.line_id, 0) + pick.qty
                parts.append(split_off(order_id, line_qtys))
        except DomainError as error:  # a reviewer changed it meanwhile: it stays a backorder
            db.session.rollback()
            summary["failed"].append({"order_id": order_id, "error": f"split: {error.message}"[:500]})
            continue
        summary["split"].append(order_id)
    return parts


def split_off(order_id, line_qtys):
    """One part of a backorder's split plan as its own order, committed; returns the part's id. The
    order must still be before the floor; a concurrent change of it is a ConcurrentUpdate."""
    with db.session.no_autoflush:
        order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
        states.require_editable(order)
        moves = splitting.chosen_moves(order, line_qtys)
        if db.session.scalar(select(Reservation.id).where(Reservation.order_id == order.id).limit(1)) is not None:
            # reservations -> stock -> allocating imports this module
            from wms.inventory.reservations import release_reservation

            release_reservation(order.id, reason=wording("split"), actor=AUTO_SPLIT, commit=False)
        part = splitting.split_off(order, moves, actor=AUTO_SPLIT)
        # a waybill requested before picking shows the old contents: shipping voids it (by name: no import sideways)
        worker.enqueue(job_names.VOID_EARLY_WAYBILL_AFTER_SPLIT, order.id, AUTO_SPLIT, queue="labels")
    try:
        aftercommit.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentUpdate.worded("Order {order} was changed meanwhile", order=order_id,
                                      details={"order_id": int(order_id)}) from None
    return part.id
