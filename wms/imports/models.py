"""An import a person started: its file(s), progress, totals and the report of rejected rows."""
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow

DRAFT = "mapping"      # uploaded, its columns not yet mapped
PENDING = "pending"    # mapped, waiting for a worker
RUNNING = "running"    # a worker is reading the file
DONE = "done"          # finished; every block's outcome is in the report
FAILED = "failed"      # the file itself could not be read (encoding, headers, type)

ERRORS_KEPT = 200      # errors kept in the row for the page; all of them are in the report CSV


class ImportJob(db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="system")
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="file")
    filename: Mapped[str] = mapped_column(String(255), default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    lines_filename: Mapped[str | None] = mapped_column(String(255))
    lines_path: Mapped[str | None] = mapped_column(String(500))
    # {our field: their header (or [headers])} used for this run (a copy of the saved mapping)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    lines_mapping: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    rows_total: Mapped[int] = mapped_column(default=0)      # estimate (data rows in the file)
    rows_done: Mapped[int] = mapped_column(default=0)
    orders_done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)          # orders rejected
    held: Mapped[int] = mapped_column(default=0)            # orders created or updated on hold
    duplicate: Mapped[int] = mapped_column(default=0)       # blocks repeating an earlier block: imported once
    orphans: Mapped[int] = mapped_column(default=0)         # line rows attached to no order
    # the export layout recognised on upload (wms.imports.presets code), "" for our template / a custom one
    preset: Mapped[str] = mapped_column(String(20), default="")
    error_count: Mapped[int] = mapped_column(default=0)     # rows in the report with a reason
    errors: Mapped[list] = mapped_column(JSON, default=list)  # first ERRORS_KEPT report rows
    report_path: Mapped[str | None] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(Text, default="")  # why a FAILED job failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def percent(self):
        if self.status == DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))

    @property
    def blocks(self):
        """Order blocks read so far: each ended as exactly one outcome."""
        return (self.created or 0) + (self.updated or 0) + (self.unchanged or 0) + (self.held or 0) + (
            self.failed or 0) + (self.duplicate or 0)

    @property
    def finished(self):
        return self.status in (DONE, FAILED)

    def to_dict(self):
        return {
            "id": self.id, "status": self.status, "percent": self.percent, "filename": self.filename,
            "rows_total": self.rows_total, "rows_done": self.rows_done, "orders_done": self.orders_done,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "failed": self.failed, "held": self.held, "duplicate": self.duplicate, "orphans": self.orphans,
            "blocks": self.blocks, "preset": self.preset, "error_count": self.error_count,
            "errors": self.errors[:50],
            "message": self.message, "finished": self.finished,
        }


class ImportMapping(db.Model):
    """A saved column mapping for a channel's export: our field -> their column header."""

    __tablename__ = "import_mappings"
    __table_args__ = (db.UniqueConstraint("channel_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), default="default")
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
