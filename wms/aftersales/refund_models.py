"""Refunds and after-sales requests raised on a sales platform, as our orders know them (issue 19 item 3).

One row per platform refund (unique per channel + the platform's refund id), written by the channels
feature's refund poll (wms.channels.refunds) and read here below it: the order's timeline says what
each did, and the returns screen lists the returns expected after shipping so that receiving finds the
parcel by its return tracking number. Kept small on purpose: full after-sales cases (issue 21) may grow
from it (lines, messages, the seller's answer).
"""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class PlatformRefund(db.Model):
    """A platform's refund / after-sales request on one of our orders, and what it did to the order.

    kind: refund_only | return_refund | exchange | reship; status: requested | agreed | refused | closed |
    done (the platform's, as wms.channels.base.RefundSource words them); action: intercepted | held |
    expect_return | noted (wms.channels.refunds_rules). An expected return is one whose action is
    expect_return and whose status is still live.
    """

    __tablename__ = "platform_refunds"
    __table_args__ = (db.UniqueConstraint("channel_id", "refund_id", name="uq_platform_refund_channel_refund"),
                      db.Index("ix_platform_refunds_return_tracking", "return_tracking_number"),
                      db.Index("ix_platform_refunds_action_id", "action", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id"))
    refund_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    amount_cents: Mapped[int] = mapped_column(default=0)
    return_carrier: Mapped[str] = mapped_column(String(40), default="")
    return_tracking_number: Mapped[str] = mapped_column(String(64), default="")
    requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order = relationship("Order")
    channel = relationship("Channel")
