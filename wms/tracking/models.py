"""Tracking events, the tracking summary of each shipped parcel, write-back tasks, buyer notices."""
from datetime import datetime

from sqlalchemy import JSON, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class TrackingEvent(db.Model):
    """One carrier scan, normalised; the same (number, time, status) is stored once."""

    __tablename__ = "tracking_events"
    __table_args__ = (db.UniqueConstraint("tracking_number", "at", "status", name="uq_tracking_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(64), index=True)
    carrier_code: Mapped[str] = mapped_column(String(40), default="")
    order_id: Mapped[int | None] = mapped_column(db.ForeignKey("orders.id"), index=True)
    at: Mapped[datetime]                                   # when the carrier says it happened (UTC)
    status: Mapped[str] = mapped_column(String(20))        # statuses.ALL
    raw_status: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(10), default="webhook")  # webhook | poll
    raw: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrackedParcel(db.Model):
    """What we last heard of a shipped parcel, and when we last asked (drives the polling job)."""

    __tablename__ = "tracked_parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(64), unique=True)
    carrier_code: Mapped[str] = mapped_column(String(40), index=True)
    parcel_id: Mapped[int | None] = mapped_column(db.ForeignKey("parcels.id"))
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    shipped_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status: Mapped[str | None] = mapped_column(String(20), index=True)
    last_description: Mapped[str] = mapped_column(Text, default="")
    last_event_at: Mapped[datetime | None]
    last_polled_at: Mapped[datetime | None]
    poll_error: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)  # False once delivered/completed/returned
    acknowledged_at: Mapped[datetime | None]                       # a supervisor handled its exception

    order = relationship("Order")


# The supervisors' exception list (services.exceptions_page): only the open exceptions, in the list's
# order; a year of handled ones stays out of it.
_OPEN_EXCEPTION = text("acknowledged_at IS NULL AND last_status IN ('exception', 'returned')")
db.Index("ix_tracked_parcels_open_exceptions", TrackedParcel.last_event_at.desc(), TrackedParcel.id.desc(),
         postgresql_where=_OPEN_EXCEPTION, sqlite_where=_OPEN_EXCEPTION)
# auto_complete: parcels still on their way, by when they left (not every parcel ever shipped).
db.Index("ix_tracked_parcels_active_shipped", TrackedParcel.shipped_at,
         postgresql_where=text("active"), sqlite_where=text("active"))


# Write-back statuses
WB_PENDING = "pending"    # waiting for its first push
WB_PUSHING = "pushing"    # a worker claimed it
WB_DONE = "done"          # the channel has the tracking number
WB_FAILED = "failed"      # the last push failed; next_attempt_at says when it is tried again (None: gave up)
WB_DISMISSED = "dismissed"  # a supervisor dismissed the failure with a reason (忽略失败信息); may be retried later


class WritebackTask(db.Model):
    """Tracking number to write back to the sales channel for one order, retried with backoff."""

    __tablename__ = "writeback_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), unique=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id"), index=True)
    carrier_code: Mapped[str] = mapped_column(String(40))
    tracking_number: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(10), default="handover")  # label (虚拟发货) | handover
    status: Mapped[str] = mapped_column(String(10), default=WB_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last failure's kind (wms.failures: temporary | permanent; "" before any failure) and, while
    # dismissed, who dismissed it, when and why.
    failure_kind: Mapped[str] = mapped_column(String(10), default="", server_default="")
    dismissed_at: Mapped[datetime | None]
    dismissed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    dismissed_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    order = relationship("Order")
    channel = relationship("Channel")
    dismissed_by = relationship("User")


# The supervisors' list of write-backs not done (writeback.open_writebacks): a year of done ones stays out.
db.Index("ix_writeback_tasks_not_done", WritebackTask.attempts.desc(), WritebackTask.id,
         postgresql_where=text("status <> 'done'"), sqlite_where=text("status <> 'done'"))


class BuyerNotice(db.Model):
    """One notice to a buyer: an event (kind: shipped, shortage, out_for_delivery, ...; notice_texts.EVENTS) by one
    medium (email | sms); the row, unique per order, event and medium, makes a re-run job send nothing twice."""

    __tablename__ = "buyer_notices"
    __table_args__ = (db.UniqueConstraint("order_id", "kind", "medium", name="uq_buyer_notice_medium"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(20), default="shipped")
    medium: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    to_address: Mapped[str] = mapped_column(String(255), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the event's template values (order, carrier...)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")  # what the buyer read, masked
    provider_id: Mapped[str] = mapped_column(String(64), default="", server_default="")  # the SMS BizId
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
