"""Carton types, and the verification of an order at a station (the stations themselves, with their
label printers, are wms.shipping.models.PackStation)."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow


class CartonType(db.Model):
    __tablename__ = "carton_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    length_mm: Mapped[int] = mapped_column(default=0)
    width_mm: Mapped[int] = mapped_column(default=0)
    height_mm: Mapped[int] = mapped_column(default=0)
    tare_g: Mapped[int] = mapped_column(default=0)
    max_weight_g: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


# Pack session statuses
SESSION_OPEN = "open"      # items being verified (复核)
SESSION_SEALED = "sealed"  # a parcel was sealed from it


class PackSession(db.Model):
    """One order being verified at a station: how many of each SKU were scanned."""

    __tablename__ = "pack_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    station_code: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default=SESSION_OPEN, index=True)
    verified: Mapped[dict] = mapped_column(JSON, default=dict)  # {sku_code: qty scanned}
    version: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    sealed_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}
