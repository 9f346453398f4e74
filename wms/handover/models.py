"""Carrier manifests and the parcels scanned onto them."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow

# Manifest statuses
MANIFEST_OPEN = "open"       # the truck is loading: parcels are being scanned on
MANIFEST_CLOSED = "closed"   # handed over: every parcel on it shipped


class Manifest(db.Model):
    """One carrier's pick-up (交接单): what the driver signs for."""

    __tablename__ = "manifests"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    carrier_code: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(10), default=MANIFEST_OPEN, index=True)
    opened_by: Mapped[str] = mapped_column(String(64), default="system")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    parcel_count: Mapped[int] = mapped_column(default=0)

    parcels: Mapped[list["ManifestParcel"]] = relationship(back_populates="manifest", order_by="ManifestParcel.id")


class ManifestParcel(db.Model):
    """A parcel scanned onto a manifest; a parcel is on one manifest at most (UNIQUE)."""

    __tablename__ = "manifest_parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_id: Mapped[int] = mapped_column(db.ForeignKey("manifests.id"), index=True)
    parcel_id: Mapped[int] = mapped_column(db.ForeignKey("parcels.id"), unique=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    tracking_number: Mapped[str] = mapped_column(String(64))
    weight_g: Mapped[int] = mapped_column(default=0)
    scanned_by: Mapped[str] = mapped_column(String(64), default="system")
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    manifest: Mapped[Manifest] = relationship(back_populates="parcels")
    parcel = relationship("Parcel")
    order = relationship("Order")
