"""Returns the platforms told us to expect (issue 19 item 3), for the returns screen: the ones still on
their way, newest first, and the one a parcel's return tracking number names when it arrives at the dock.

An expected return is a PlatformRefund (wms.aftersales.refund_models) whose action is expect_return, whose
status is still live (requested, agreed or done: not refused or closed) and whose order has not been
received back yet (not returned). Reads only; both reads are index-backed (the action and id, the
return tracking number) and limited.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from wms.aftersales.refund_models import PlatformRefund
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order

EXPECT_RETURN = "expect_return"          # wms.channels.refunds_rules.EXPECT_RETURN (channels sits above us)
LIVE = ("requested", "agreed", "done")   # wms.channels.refunds_rules.LIVE
MAX_TRACKING = 64
SHOWN = 50


def waiting(channel_id=None, limit=SHOWN):
    """The expected returns not received yet, newest first (at most `limit`), of one store or all."""
    statement = (select(PlatformRefund).join(Order, Order.id == PlatformRefund.order_id)
                 .where(PlatformRefund.action == EXPECT_RETURN, PlatformRefund.status.in_(LIVE),
                        Order.status != states.RETURNED)
                 .options(joinedload(PlatformRefund.order), joinedload(PlatformRefund.channel))
                 .order_by(PlatformRefund.id.desc()).limit(limit))
    if channel_id:
        statement = statement.where(PlatformRefund.channel_id == channel_id)
    return db.session.scalars(statement).all()


def find(tracking_number):
    """The platform refunds whose return travels under `tracking_number` (any state: a return already
    received is still found, with its order's state), newest first."""
    text = (tracking_number or "").strip().upper()
    if not text or len(text) > MAX_TRACKING:
        return []
    return db.session.scalars(select(PlatformRefund).where(PlatformRefund.return_tracking_number == text)
                              .options(joinedload(PlatformRefund.order), joinedload(PlatformRefund.channel))
                              .order_by(PlatformRefund.id.desc()).limit(SHOWN)).all()
