"""Warehouses and their layout (zones, bins), stock per bin and SKU, the movement ledger, reservations.

Invariants kept by the database itself (CHECK constraints), not only by the services:
on_hand >= 0, reserved >= 0, reserved <= on_hand, so available = on_hand - reserved is never negative.
StockItem rows are always locked in ascending id order (see services).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow

# Ledger kinds: every change of on_hand is one StockMovement row with a signed qty.
RECEIVE = "receive"    # goods in from a supplier (入库)
PUTAWAY = "putaway"    # from the receiving dock into a bin
PICK = "pick"          # out of a bin into a tote
ADJUST = "adjust"      # correction by an admin, with a reason
COUNT = "count"        # cycle count: the difference between the count and the books
SHIP = "ship"          # leaves the building with a parcel (stock is deducted at ship)
RETURN = "return"      # a customer return restocked
MOVE = "move"          # bin to bin (two rows: - from, + to)
SHORT = "short"        # not found at a short pick: out of the available stock, pending the bin's count
MOVEMENT_KINDS = (RECEIVE, PUTAWAY, PICK, ADJUST, COUNT, SHIP, RETURN, MOVE, SHORT)

# Count task statuses
COUNT_OPEN = "open"    # the bin's stock of the SKU is in doubt: allocation skips it until it is counted
COUNT_DONE = "done"    # counted: on_hand set through the ledger, backorders retried


class Warehouse(db.Model):
    """A site that ships orders; its layout parameters match wms.picking.layout.build_layout."""

    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    address: Mapped[str] = mapped_column(String(500), default="")  # full postal address: the labels' sender
    region: Mapped[str] = mapped_column(String(60), default="")  # province, for the distance rule
    # The labels' sender (寄): the name printed ("" = the warehouse's name) and the phone carriers call.
    sender_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # 隐私面单: the buyer's name and phone masked on labels (张** / 138****5678). On unless turned off.
    privacy_labels: Mapped[bool] = mapped_column(default=True)
    # When its orders' waybills are requested (wms.shipping.waybill_timing): at seal, or in bulk after
    # review / allocation (the 店小秘 flow); a channel may say otherwise (Channel.waybill_timing).
    waybill_timing: Mapped[str] = mapped_column(String(20), default="at_seal", server_default="at_seal")
    priority: Mapped[int] = mapped_column(default=100)  # lower first (priority rule, tie-break)
    active: Mapped[bool] = mapped_column(default=True)
    n_aisles: Mapped[int] = mapped_column(default=12)
    n_blocks: Mapped[int] = mapped_column(default=1)
    aisle_length_m: Mapped[float] = mapped_column(default=30.0)  # storage length, cross aisles excluded
    aisle_spacing_m: Mapped[float] = mapped_column(default=3.0)
    cross_aisle_width_m: Mapped[float] = mapped_column(default=3.0)
    bay_length_m: Mapped[float] = mapped_column(default=2.0)
    depot_aisle: Mapped[int] = mapped_column(default=0)  # 0-based aisle the depot faces
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    zones: Mapped[list["Zone"]] = relationship(back_populates="warehouse", order_by="Zone.code")

    @property
    def block_lengths(self):
        return (self.aisle_length_m / self.n_blocks,) * self.n_blocks

    def layout_params(self):
        """Keyword arguments for wms.picking.layout.build_layout."""
        return dict(n_aisles=self.n_aisles, n_blocks=self.n_blocks, aisle_length=self.aisle_length_m,
                    aisle_spacing=self.aisle_spacing_m, cross_aisle_width=self.cross_aisle_width_m,
                    depot_aisle=self.depot_aisle, slot_length=self.bay_length_m)


class Zone(db.Model):
    """A named area of a warehouse (ambient, cold, high value...)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("warehouse_id", "code", name="uq_zone_warehouse_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120), default="")

    warehouse: Mapped[Warehouse] = relationship(back_populates="zones")


class Bin(db.Model):
    """A storage location with a scannable barcode; aisle/block are 0-based like picking.layout."""

    __tablename__ = "bins"
    __table_args__ = (UniqueConstraint("warehouse_id", "code", name="uq_bin_warehouse_code"),
                      CheckConstraint("side in ('L', 'R')", name="ck_bin_side"))

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(db.ForeignKey("zones.id"))
    code: Mapped[str] = mapped_column(String(40))            # A-03-02-1 = aisle-bay-level-slot
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    aisle: Mapped[int]                                        # 0-based aisle index
    block: Mapped[int] = mapped_column(default=0)             # 0-based block index
    position_m: Mapped[float] = mapped_column(default=0.0)    # metres from the start of the block's storage
    side: Mapped[str] = mapped_column(String(1), default="L")
    level: Mapped[int] = mapped_column(default=1)
    bay: Mapped[int] = mapped_column(default=0)
    slot: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)

    warehouse: Mapped[Warehouse] = relationship()
    zone: Mapped[Zone | None] = relationship()

    def location_args(self):
        """(aisle, block, position, side): the arguments of wms.picking.layout.Location."""
        return (self.aisle, self.block, self.position_m, self.side)


class StockItem(db.Model):
    """How much of one SKU lies in one bin and how much of it is promised to orders."""

    __tablename__ = "stock_items"
    __table_args__ = (
        UniqueConstraint("bin_id", "sku_id", name="uq_stock_bin_sku"),
        CheckConstraint("on_hand >= 0", name="ck_stock_on_hand_nonnegative"),
        CheckConstraint("reserved >= 0", name="ck_stock_reserved_nonnegative"),
        CheckConstraint("reserved <= on_hand", name="ck_stock_reserved_within_on_hand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bin_id: Mapped[int] = mapped_column(db.ForeignKey("bins.id"), index=True)
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"), index=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    first_received_at: Mapped[datetime] = mapped_column(default=utcnow)  # FIFO key
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bin: Mapped[Bin] = relationship()
    sku = relationship("Sku")

    @property
    def available(self):
        return self.on_hand - self.reserved


class StockMovement(db.Model):
    """Append-only ledger: the sum of qty per (bin, sku) is that stock row's on_hand."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    bin_id: Mapped[int] = mapped_column(db.ForeignKey("bins.id"), index=True)
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"), index=True)
    qty: Mapped[int]  # signed change of on_hand
    reason: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(80), default="")  # receipt no., "order:42", ...
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="system")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    bin: Mapped[Bin] = relationship()
    sku = relationship("Sku")


class Reservation(db.Model):
    """qty of one order line promised from one stock row (so picking knows which bins)."""

    __tablename__ = "reservations"
    __table_args__ = (UniqueConstraint("order_line_id", "stock_item_id", name="uq_reservation_line_stock"),
                      CheckConstraint("qty > 0", name="ck_reservation_qty_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(db.ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    stock_item_id: Mapped[int] = mapped_column(db.ForeignKey("stock_items.id"), index=True)
    qty: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stock_item: Mapped[StockItem] = relationship()


class OrderAllocation(db.Model):
    """The warehouse an order ships from (one row per allocated order)."""

    __tablename__ = "order_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)

    warehouse: Mapped[Warehouse] = relationship()


class WarehouseDistance(db.Model):
    """Distance table for the 'nearest' rule: km from a warehouse to a region (province)."""

    __tablename__ = "warehouse_distances"
    __table_args__ = (UniqueConstraint("warehouse_id", "region", name="uq_distance_warehouse_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    region: Mapped[str] = mapped_column(String(60))
    km: Mapped[int]


class AllocationSettings(db.Model):
    """One row: how a warehouse is chosen and whether the supervisor allows splitting."""

    __tablename__ = "allocation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(20), default="distance")  # distance | priority
    allow_split: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CountTask(db.Model):
    """A request to count one SKU in one bin, raised by a short pick and done from the handheld's
    counting screen. While it is open, allocation does not reserve that SKU in that bin."""

    __tablename__ = "count_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    bin_id: Mapped[int] = mapped_column(db.ForeignKey("bins.id"), index=True)
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=COUNT_OPEN, index=True)
    missing_qty: Mapped[int] = mapped_column(default=0)  # taken out of on_hand ('short' rows), pending the count
    counted_qty: Mapped[int | None]                      # what the counter found in the bin
    raised_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    counted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    bin: Mapped[Bin] = relationship()
    sku = relationship("Sku")


def awaiting_count():
    """A clause for a StockItem query: its bin and SKU wait for a count (allocation does not use them)."""
    return exists().where(CountTask.bin_id == StockItem.bin_id, CountTask.sku_id == StockItem.sku_id,
                          CountTask.status == COUNT_OPEN)
