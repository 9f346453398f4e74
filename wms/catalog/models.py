"""The SKU catalogue: SKUs with several barcodes, weight, dimensions and an image."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class Sku(db.Model):
    __tablename__ = "skus"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    weight_g: Mapped[int] = mapped_column(default=0)
    length_mm: Mapped[int] = mapped_column(default=0)
    width_mm: Mapped[int] = mapped_column(default=0)
    height_mm: Mapped[int] = mapped_column(default=0)
    image_url: Mapped[str | None] = mapped_column(String(500))
    # Units the warehouses should not go below (available, all bins): the stock page's "below minimum"
    # filter lists the SKUs under it. 0 = no minimum.
    min_qty: Mapped[int] = mapped_column(default=0, server_default="0")
    # What one unit costs us (成本价, CNY cents), None: unknown; the finance review holds an order that
    # sells it below this (wms.finance.rules).
    cost_cents: Mapped[int | None]
    # Customs (报关信息) for parcels leaving China (wms.shipping.customs): what a forwarder declares.
    customs_name_cn: Mapped[str] = mapped_column(String(120), default="", server_default="")
    customs_name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    hs_code: Mapped[str] = mapped_column(String(16), default="", server_default="")
    declared_value_cents: Mapped[int] = mapped_column(default=0, server_default="0")   # one unit
    declared_currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    origin_country: Mapped[str] = mapped_column(String(2), default="", server_default="")  # ISO alpha-2
    material: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # Presale (预售): lines of this SKU wait for this day before allocation (wms.orders.presale); None: none.
    presale_until: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    barcodes: Mapped[list["SkuBarcode"]] = relationship(
        back_populates="sku", cascade="all, delete-orphan", order_by="SkuBarcode.id")

    @property
    def volume_cm3(self):
        return self.length_mm * self.width_mm * self.height_mm / 1000


class SkuBarcode(db.Model):
    """One of a SKU's barcodes (EAN-13, UPC, the supplier's code...); unique across SKUs."""

    __tablename__ = "sku_barcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id", ondelete="CASCADE"), index=True)
    barcode: Mapped[str] = mapped_column(String(64), unique=True)

    sku: Mapped[Sku] = relationship(back_populates="barcodes")


class SkuKitComponent(db.Model):
    """One component of a kit SKU (组合装): `qty` units of `component_sku_id` go into one kit. A SKU
    with rows here is a kit: sold as itself, allocated, picked, checked and restocked as these
    (wms.catalog.kits). Kept flat: a component is never a kit itself."""

    __tablename__ = "sku_kit_components"
    __table_args__ = (UniqueConstraint("kit_sku_id", "component_sku_id", name="uq_sku_kit_component"),
                      CheckConstraint("qty > 0", name="ck_sku_kit_component_qty_positive"),
                      CheckConstraint("kit_sku_id <> component_sku_id", name="ck_sku_kit_component_not_itself"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id", ondelete="CASCADE"), index=True)
    component_sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"), index=True)
    qty: Mapped[int] = mapped_column(default=1)

    component: Mapped[Sku] = relationship(foreign_keys=[component_sku_id])


# A SKU import's life (the same words as the order import's, so both read alike):
IMPORT_PENDING = "pending"   # uploaded, waiting for a worker
IMPORT_RUNNING = "running"   # a worker is reading it (or died reading it: the next run resumes)
IMPORT_DONE = "done"         # every row imported or refused; the report is complete
IMPORT_FAILED = "failed"     # stopped: the file could not be read, or a chunk could not be written

REFUSALS_KEPT = 200          # refused rows kept on the row for the page; all of them are in the report CSV


class SkuImportJob(db.Model):
    """A catalogue file a person (or the command line) imported: its progress, counts and report.

    The run commits chunk by chunk; `last_row` and `report_bytes` say how far the committed chunks
    reached, so a run that died is resumed from there. `runs` counts claims: a run writes only
    while the row still carries its own claim."""

    __tablename__ = "sku_import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="system")
    filename: Mapped[str] = mapped_column(String(255), default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=IMPORT_PENDING, index=True)
    runs: Mapped[int] = mapped_column(default=0)           # claims so far; the current run's token
    rows_total: Mapped[int] = mapped_column(default=0)     # estimate (data rows in the file)
    rows_done: Mapped[int] = mapped_column(default=0)      # data rows in committed chunks
    last_row: Mapped[int] = mapped_column(default=0)       # file row number the committed chunks reached
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)        # rows refused (each with one or more reasons)
    errors: Mapped[list] = mapped_column(JSON, default=list)  # first REFUSALS_KEPT report rows
    report_path: Mapped[str | None] = mapped_column(String(500))
    report_bytes: Mapped[int] = mapped_column(default=0)   # the report's length at the last committed chunk
    message: Mapped[str] = mapped_column(Text, default="")  # why a FAILED import stopped
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self):
        return self.status in (IMPORT_DONE, IMPORT_FAILED)

    @property
    def percent(self):
        if self.status == IMPORT_DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    def to_dict(self):
        return {"id": self.id, "status": self.status, "filename": self.filename, "percent": self.percent,
                "rows_total": self.rows_total, "rows_done": self.rows_done, "last_row": self.last_row,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "refused": self.refused, "errors": list(self.errors or []), "message": self.message,
                "finished": self.finished, "has_report": bool(self.refused and self.report_path)}
