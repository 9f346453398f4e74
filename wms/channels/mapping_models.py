"""The SKU mapping queue: platform SKU keys we could not match, and the SKU a person mapped them to."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class SkuMapping(db.Model):
    """One platform SKU key of one channel; `sku_id` NULL = still waiting in the queue.

    Once mapped, every later import of the channel rewrites lines with this key to the SKU's code.
    """

    __tablename__ = "sku_mappings"
    __table_args__ = (db.UniqueConstraint("channel_id", "platform_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    platform_sku: Mapped[str] = mapped_column(String(64))   # the key the platform sent (outer_sku_id, tb-...)
    sku_id: Mapped[int | None] = mapped_column(db.ForeignKey("skus.id"), index=True)
    sample_title: Mapped[str] = mapped_column(String(255), default="")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None]

    channel = relationship("Channel")
    sku = relationship("Sku")
