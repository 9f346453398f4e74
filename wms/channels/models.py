"""What the channels feature keeps of its own: the platform pushes already received.

The Channel itself is wms.orders.models.Channel (every feature reads it); a channel export's saved
column mapping is the import's (wms.imports.models.ImportMapping).
"""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow


class PushReceipt(db.Model):
    """A platform push already received (Taobao TMC): the same signature again is a replay, refused.

    Kept for twice the push's freshness window (older pushes are refused by their timestamp anyway).
    """

    __tablename__ = "push_receipts"
    __table_args__ = (db.UniqueConstraint("channel_id", "sign"),
                      db.Index("ix_push_receipts_channel_message", "channel_id", "message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"))
    sign: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
