"""The SKU catalogue: SKUs with several barcodes, weight, dimensions and an image."""
from datetime import datetime

from sqlalchemy import String
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
