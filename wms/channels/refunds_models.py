"""The refund poll's cursor per channel (issue 19 item 3): the newest refund change read from the platform.

Apart from the order sync's cursor (Channel.sync_cursor): a platform reports refunds on their own list
with their own change times, and the two polls move on independently.
"""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db


class RefundCursor(db.Model):
    """Where a channel's refund poll stands: the newest change seen (as the adapter's cursor text)."""

    __tablename__ = "refund_cursors"

    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    cursor: Mapped[str | None] = mapped_column(String(64))
    polled_at: Mapped[datetime | None]
