"""What every reviewer action shares: load the order at the version the reviewer saw (and only if
the caller may act for its channel), save with the version check
(a concurrent change becomes ConcurrentUpdate naming who and when), announce, and hand approved
orders to allocation after the commit. Used by services.py (approve, hold, release, cancel, edit),
merging.py (merge, split) and duplicates.py (the one-click merge).
"""
import functools

from sqlalchemy.orm.exc import StaleDataError

from wms import realtime
from wms.aftercommit import commit
from wms.auth.access import require_channel
from wms.extensions import db
from wms.inventory import jobs as inventory_jobs
from wms.orders.conflicts import conflict
from wms.orders.models import Order
from wms.review import checks
from wms.rows import get_or_not_found
from wms.worker import enqueue

ROOMS = (realtime.room_for_role("supervisor"), realtime.room_for_role("reviewer"))


def action(fn):
    """Run a reviewer action without autoflush: lazy loads (the actor, events) must not write a
    half-made change early, so the one flush at commit carries the version check."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with db.session.no_autoflush:
            return fn(*args, **kwargs)

    return run


def load(order_id, expected_version, actor):
    """The order a reviewer acts on, at the version they saw; an API token bound to other
    channels may not act on it (403)."""
    order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
    require_channel(actor, order.channel.code if order.channel else "")
    if expected_version is not None and int(expected_version) != order.version:
        raise conflict(order)
    return order


def save(order, changes=()):
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
        raise conflict(db.session.get(Order, order_id)) from None
    return order


def change(order, before):
    """An order's state change as the desk's pushes carry it."""
    return {"order_id": order.id, "external_id": order.external_id, "from": before,
            "to": order.status, "reasons": order.hold_codes}



def allocate_after_commit(order_ids):
    """Hand approved orders to allocation once this transaction commits (a job)."""
    if not order_ids:
        return
    enqueue(inventory_jobs.allocate_orders, list(order_ids))
