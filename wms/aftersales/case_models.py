"""After-sales cases (售后单): the case, its lines, its timeline, and each order's refund total.

States and kinds: wms.aftersales.case_states. A case belongs to one order; an exchange or re-shipment
links the replacement order it made (replacement_order_id; the replacement's timeline names the case).
A case that came from a platform links its PlatformRefund (one case per platform refund).
"""
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class AfterSalesCase(db.Model):
    __tablename__ = "aftersales_cases"
    __table_args__ = (db.Index("ix_aftersales_cases_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))           # case_states.KINDS
    state: Mapped[str] = mapped_column(String(24))          # case_states.STATES
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="reviewer")   # reviewer | platform
    platform_refund_id: Mapped[int | None] = mapped_column(db.ForeignKey("platform_refunds.id"), unique=True)
    return_carrier: Mapped[str] = mapped_column(String(40), default="")
    return_tracking_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    waits_for_return: Mapped[bool] = mapped_column(default=False)   # an exchange's replacement waits
    replacement_order_id: Mapped[int | None] = mapped_column(db.ForeignKey("orders.id"), index=True)
    refund_cents: Mapped[int] = mapped_column(default=0)
    refund_status: Mapped[str] = mapped_column(String(20), default="")   # case_states.REFUND_STATUSES
    refund_reference: Mapped[str] = mapped_column(String(120), default="")  # the platform's refund id / note
    opened_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order = relationship("Order", foreign_keys=[order_id])
    replacement_order = relationship("Order", foreign_keys=[replacement_order_id])
    channel = relationship("Channel")
    lines: Mapped[list["CaseLine"]] = relationship(back_populates="case", order_by="CaseLine.id",
                                                   cascade="all, delete-orphan")
    events: Mapped[list["CaseEvent"]] = relationship(back_populates="case", order_by="CaseEvent.id",
                                                     cascade="all, delete-orphan")


class CaseLine(db.Model):
    """One order line on a case, and how many of it."""

    __tablename__ = "aftersales_case_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("aftersales_cases.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(db.ForeignKey("order_lines.id"), index=True)
    sku_id: Mapped[int | None] = mapped_column(db.ForeignKey("skus.id"))
    sku_code: Mapped[str] = mapped_column(String(64))
    qty: Mapped[int]

    case: Mapped[AfterSalesCase] = relationship(back_populates="lines")


class CaseEvent(db.Model):
    """The case's timeline: who did what, when (a state change, a refund, a receipt, a note)."""

    __tablename__ = "aftersales_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("aftersales_cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="state")   # state | refund | receipt | order | note
    from_state: Mapped[str] = mapped_column(String(24), default="")
    to_state: Mapped[str] = mapped_column(String(24), default="")
    text: Mapped[str] = mapped_column(Text, default="")              # English
    wording: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    actor_name: Mapped[str] = mapped_column(String(64), default="system")

    case: Mapped[AfterSalesCase] = relationship(back_populates="events")


class OrderRefundTotal(db.Model):
    """What one order's buyer paid and how much of it the after-sales cases have refunded or recorded to
    refund: moved only by a conditional UPDATE (refunded + amount <= paid), so two refunds at once never
    pass the total together."""

    __tablename__ = "aftersales_refund_totals"

    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), primary_key=True)
    paid_cents: Mapped[int] = mapped_column(default=0)
    refunded_cents: Mapped[int] = mapped_column(default=0)
