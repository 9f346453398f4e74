"""Put walls (播种墙): a wall of numbered slots per warehouse, one order per slot while its wave is
sorted, and what each slot holds."""
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow


class PutWall(db.Model):
    """A wall of `rows` x `columns` slots; `light_url`: its put-to-light controller ('' = none)."""

    __tablename__ = "put_walls"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    rows: Mapped[int] = mapped_column(default=4)
    columns: Mapped[int] = mapped_column(default=6)
    light_url: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    slots: Mapped[list["PutWallSlot"]] = relationship(back_populates="wall", order_by="PutWallSlot.number")


class PutWallSlot(db.Model):
    """One slot (row, column; its code is on the label the packer scans). `order_id` is the order
    sorted into it, from its wave's release until the slot is cleared or the order has been packed."""

    __tablename__ = "put_wall_slots"
    __table_args__ = (UniqueConstraint("wall_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wall_id: Mapped[int] = mapped_column(db.ForeignKey("put_walls.id"), index=True)
    number: Mapped[int]                     # 1.. row by row: the order of first come, first served
    row: Mapped[int]
    col: Mapped[int]
    code: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int | None] = mapped_column(db.ForeignKey("orders.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(db.ForeignKey("waves.id"), index=True)
    assigned_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    wall: Mapped[PutWall] = relationship(back_populates="slots")
    order = relationship("Order")


class PutWallItem(db.Model):
    """What the slot's order needs of one SKU, and how many were put in so far."""

    __tablename__ = "put_wall_items"
    __table_args__ = (UniqueConstraint("slot_id", "sku_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(db.ForeignKey("put_wall_slots.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"))
    qty: Mapped[int]
    put_qty: Mapped[int] = mapped_column(default=0)


class PutWallWave(db.Model):
    """A wave released to a wall as one pick-all batch."""

    __tablename__ = "put_wall_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(db.ForeignKey("waves.id"), unique=True)
    wall_id: Mapped[int] = mapped_column(db.ForeignKey("put_walls.id"), index=True)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
