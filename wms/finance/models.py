"""Finance review (财审): its rules' settings, and each order's pass through the finance desk."""
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class FinanceRule(db.Model):
    """One finance rule (wms.finance.rules.RULES code): on/off and its parameters. A rule without a
    row is on with its defaults."""

    __tablename__ = "finance_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# What became of an order's finance review
WAITING = "waiting"     # in finance_review: a finance user has to decide
APPROVED = "approved"   # approved: gone on to allocation
REJECTED = "rejected"   # sent back to the customer review desk, on hold with the reason


class FinanceCheck(db.Model):
    """An order's latest pass through finance: why it waits (the rules' reasons) and who decided
    what. One row per order, written again when it comes back (the timeline keeps every pass)."""

    __tablename__ = "finance_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)   # [{"code", "detail", "wording"}]
    outcome: Mapped[str] = mapped_column(String(10), default=WAITING)
    held_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    order = relationship("Order")
