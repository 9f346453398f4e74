"""Sales channels (stores) and the column mappings their exports need."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow


class Channel(db.Model):
    """A store on a sales platform; orders are unique per channel + external id."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    platform: Mapped[str] = mapped_column(String(20), default="manual")  # manual | shopify | taobao
    # Adapter settings (API base URL, shop, credentials reference); never shown to non-admins.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    notifies_buyers: Mapped[bool] = mapped_column(default=False)
    virtual_shipping: Mapped[bool] = mapped_column(default=False)  # 虚拟发货: write back at label time
    active: Mapped[bool] = mapped_column(default=True)
    sync_cursor: Mapped[str | None] = mapped_column(String(64))  # last updated_at seen by a sync
    last_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportMapping(db.Model):
    """A saved column mapping for a channel's export: our field -> their column header."""

    __tablename__ = "import_mappings"
    __table_args__ = (db.UniqueConstraint("channel_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), default="default")
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
