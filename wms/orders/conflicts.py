"""The answer to the one who lost a race on an order: who changed it, and when (the review desk and the
finance desk both act on an order at the version their user saw)."""
from flask import current_app, has_request_context
from sqlalchemy import select

from wms.errors import ConcurrentUpdate
from wms.extensions import db
from wms.orders.models import OrderEvent
from wms.timeutil import to_local


def conflict(order):
    """A ConcurrentUpdate naming the newest timeline entry's actor and time, in the reader's language
    (English outside a request)."""
    from wms.i18n import _

    last = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                              .order_by(OrderEvent.id.desc()).limit(1)).first()
    who = last.actor_name if last else "someone"
    when = to_local(last.at if last else order.updated_at, current_app.config["WAREHOUSE_TIMEZONE"])
    return ConcurrentUpdate(
        _("This order was changed by {who} at {time}; reload to see the change",
          locale=None if has_request_context() else "en", who=who, time=when.strftime("%Y-%m-%d %H:%M:%S")),
        order_id=order.id, current_version=order.version, changed_by=who)
