"""Carriers: who takes the parcels away, and when the truck leaves (cut-off, local time of day)."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow


class Carrier(db.Model):
    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # matches Order.carrier_code
    name: Mapped[str] = mapped_column(String(120))
    # Local times of day ("HH:MM", warehouse time zone) when the carrier's truck leaves.
    cutoffs: Mapped[list] = mapped_column(JSON, default=list)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Parcel statuses
PARCEL_SEALED = "sealed"            # packed and closed; waybill requested
PARCEL_LABELLED = "labelled"        # tracking number and label exist
PARCEL_WAYBILL_FAILED = "waybill_failed"  # the carrier refused or timed out (运单号申请失败)
PARCEL_MANIFESTED = "manifested"    # scanned onto a carrier manifest at the dock
PARCEL_SHIPPED = "shipped"          # manifest closed: the carrier has it
PARCEL_VOIDED = "voided"            # waybill cancelled (order intercepted)


class Parcel(db.Model):
    """One sealed carton of one order, and its waybill."""

    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    carrier_code: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PARCEL_SEALED, index=True)
    # Client UUID of the seal action: sealing twice (outbox replay) never makes two parcels.
    seal_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    carton_code: Mapped[str] = mapped_column(String(40), default="")
    weight_g: Mapped[int] = mapped_column(default=0)
    station_code: Mapped[str | None] = mapped_column(String(64))
    packed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    waybill_error: Mapped[str] = mapped_column(String(500), default="")
    label_pdf_path: Mapped[str | None] = mapped_column(String(500))
    label_zpl: Mapped[str | None] = mapped_column(String)
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    labelled_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
