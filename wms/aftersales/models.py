"""Intercepts (拦截) of cancelled orders, and return receipts with their inspected lines."""
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow

# What an intercept did, by where the order was
ACTION_CANCELLED = "cancelled"            # still at the desk or allocated: cancelled, stock freed
ACTION_LEFT_WAVE = "left_wave"            # waved, nothing picked: its pick lines withdrawn
ACTION_PUT_BACK = "put_back"              # picking or packing: the floor told to put items back
ACTION_WAYBILL_VOIDED = "waybill_voided"  # labelled: the waybill is cancelled with the carrier
ACTION_CARRIER = "carrier_intercept"      # shipped: ask the carrier to bring it back

# Intercept statuses
INTERCEPT_DONE = "done"        # nothing left to do
INTERCEPT_OPEN = "open"        # a person must act (carrier intercept, waybill not voided yet)


class Intercept(db.Model):
    """One cancellation acted on; one per order (the channel may report it many times)."""

    __tablename__ = "intercepts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="channel")  # channel | reviewer | supervisor
    state_at_intercept: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=INTERCEPT_DONE, index=True)
    put_back: Mapped[list] = mapped_column(JSON, default=list)  # [{"sku", "qty", "bin"}]
    detail: Mapped[str] = mapped_column(Text, default="")       # e.g. why the waybill is not voided yet
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None]

    order = relationship("Order")


RESTOCK = "restock"
WRITE_OFF = "write_off"


class ReturnReceipt(db.Model):
    """Goods that came back for an order, received at the dock."""

    __tablename__ = "return_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(db.ForeignKey("warehouses.id"))
    reference: Mapped[str] = mapped_column(String(80), default="")  # the return's tracking number, RMA
    # the after-sales case it came back for (None: an unannounced parcel, matched to a case later)
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("aftersales_cases.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    received_by: Mapped[str] = mapped_column(String(64), default="system")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    order = relationship("Order")
    lines: Mapped[list["ReturnLine"]] = relationship(back_populates="receipt", order_by="ReturnLine.id",
                                                     cascade="all, delete-orphan")


class ReturnLine(db.Model):
    """One inspected order line: back to a bin (restock) or written off, with the reason."""

    __tablename__ = "return_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(db.ForeignKey("return_receipts.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(db.ForeignKey("order_lines.id"), index=True)
    sku_id: Mapped[int | None] = mapped_column(db.ForeignKey("skus.id"))
    qty: Mapped[int]
    result: Mapped[str] = mapped_column(String(10))  # restock | write_off
    bin_id: Mapped[int | None] = mapped_column(db.ForeignKey("bins.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str] = mapped_column(String(12), default="", server_default="")  # resellable | damaged | wrong_item

    receipt: Mapped[ReturnReceipt] = relationship(back_populates="lines")
    bin = relationship("Bin")
    order_line = relationship("OrderLine")


from wms.aftersales import case_models, refund_models  # noqa: E402,F401  (their tables, for create_all)
