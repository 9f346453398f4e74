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
