"""Cart types: what a picker's cart really holds (its totes and their size, lines and units), as OCA
shopfloor's device types say it. A wave planned with a cart type takes its limits from here
(waves.CartCapacity); the supervisor keeps them on the cart types page."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db


class CartType(db.Model):
    __tablename__ = "cart_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    totes: Mapped[int] = mapped_column(default=8)                # tote slots on the cart (orders per batch)
    tote_volume_cm3: Mapped[int] = mapped_column(default=20_000)  # inside volume of one tote
    tote_max_weight_g: Mapped[int] = mapped_column(default=5_000)  # what one tote may carry
    max_lines: Mapped[int | None]                                 # pick lines per cart; None: no limit
    max_units: Mapped[int | None]                                 # units per cart; None: no limit
    active: Mapped[bool] = mapped_column(default=True)
