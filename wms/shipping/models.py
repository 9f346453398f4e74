"""Carriers (who takes the parcels away, and when the truck leaves), the pack stations' label printers,
parcels and their print jobs."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class PackStation(db.Model):
    """A pack bench as shipping prints for it: its label printer, paper and ZPL font, its default carrier.

    Packing verifies and seals at a station (and shows `has_scale`); the labels of the parcels sealed
    there print here. The row lives in shipping so that printing a label never needs packing."""

    __tablename__ = "pack_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    printer_host: Mapped[str] = mapped_column(String(120), default="")  # "" = print PDFs in the browser
    printer_port: Mapped[int] = mapped_column(default=9100)
    zpl_font: Mapped[str] = mapped_column(String(60), default="")  # "" = CJK as bitmaps; else e.g. E:SIMSUN.TTF
    paper: Mapped[str] = mapped_column(String(10), default="100x150")
    default_carrier_code: Mapped[str] = mapped_column(String(40), default="")
    has_scale: Mapped[bool] = mapped_column(default=False)
    # The local print component on the station's PC (CAINIAO 打印组件 protocol, print_component.py):
    # its WebSocket address ("" = none), the printer it prints on ("" = its default) and the label
    # template it fills (an address from its template editor).
    print_component_url: Mapped[str] = mapped_column(String(200), default="")
    print_component_printer: Mapped[str] = mapped_column(String(120), default="")
    print_component_template: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)


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
    # Waybill details (pack station / labels)
    paper: Mapped[str] = mapped_column(String(10), default="100x150")  # label size, PAPER_SIZES key
    expected_weight_g: Mapped[int] = mapped_column(default=0)
    carrier_order_id: Mapped[str] = mapped_column(String(64), default="")  # the carrier's id (cancel)
    sort_code: Mapped[str] = mapped_column(String(64), default="")        # 大头笔, printed big
    package_centre: Mapped[str] = mapped_column(String(64), default="")   # 集包地, from the carrier's answer
    waybill_attempts: Mapped[int] = mapped_column(default=0)
    # The last waybill failure's kind (wms.failures: temporary = the job asks again by itself, permanent = the
    # carrier refused and a person decides); "" while none.
    waybill_failure_kind: Mapped[str] = mapped_column(String(10), default="", server_default="")
    voided_at: Mapped[datetime | None]

    order = relationship("Order")
    print_jobs: Mapped[list["PrintJob"]] = relationship(back_populates="parcel", order_by="PrintJob.id")


# Print job statuses
PRINT_QUEUED = "queued"    # waiting for the label (waybill not there yet, or the station is offline)
PRINT_READY = "ready"      # label rendered; label.ready sent to the station
PRINT_SENT = "sent"        # ZPL delivered to the station's network printer
PRINT_SUBMITTED = "submitted"  # handed to the station's print component; its result not in yet
PRINT_PRINTED = "printed"  # the station confirmed it printed (browser PDF dialog, or the print component's notice)
PRINT_FAILED = "failed"    # the printer or the print component failed (reason kept); reprint to retry


class PrintJob(db.Model):
    """One label print asked for by a seal, a reprint or a batch, for one station: of a parcel's label, or
    of an early waybill's (the 店小秘 flow's batch print before picking, when there is no parcel yet).
    Exactly one of parcel_id and early_waybill_id is set."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int | None] = mapped_column(db.ForeignKey("parcels.id"), index=True)
    early_waybill_id: Mapped[int | None] = mapped_column(db.ForeignKey("early_waybills.id"), index=True)
    station_code: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="seal")  # seal | reprint | batch
    status: Mapped[str] = mapped_column(String(10), default=PRINT_QUEUED, index=True)
    error: Mapped[str] = mapped_column(String(300), default="")
    requested_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    parcel: Mapped[Parcel | None] = relationship(back_populates="print_jobs")
    early_waybill = relationship("EarlyWaybill")

    @property
    def label(self):
        """What it prints: the parcel, or the early waybill (the same label fields)."""
        return self.parcel if self.parcel_id is not None else self.early_waybill


class CustomsDeclaration(db.Model):
    """An order's customs declaration (报关信息) as a reviewer saved it. Without a row the declaration
    is derived from the order's lines and their SKUs' customs data (wms.shipping.declarations); a
    reviewer's edit keeps its own copy here, so later SKU changes never alter a declared parcel."""

    __tablename__ = "customs_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    # [{sku_code, qty, name_cn, name_en, hs_code, unit_value_cents, currency, origin, material, unit_weight_g}]
    items: Mapped[list] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    category: Mapped[str] = mapped_column(String(12), default="sale")   # customs.CATEGORIES
    ioss_number: Mapped[str] = mapped_column(String(20), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    edited_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Early waybill statuses (the 店小秘 flow: 运单号申请 before picking, wms.shipping.early_waybills)
EARLY_REQUESTING = "requesting"  # asked for, the carrier's answer not in yet (申请中)
EARLY_FAILED = "failed"          # the carrier refused or timed out; its words kept (申请失败)
EARLY_ISSUED = "issued"          # tracking number and label exist (申请成功), waiting for the pack station
EARLY_VOIDING = "voiding"        # claimed by the job cancelling it with the carrier (one claim, one cancel)
EARLY_VOIDED = "voided"          # cancelled with the carrier (order cancelled or intercepted)
EARLY_USED = "used"              # sealed: its parcel carries the number (Parcel.tracking_number)
EARLY_DROPPED = "dropped"        # never had a number and never will (cancelled, replaced by a carrier change)
EARLY_LIVE = (EARLY_REQUESTING, EARLY_FAILED, EARLY_ISSUED, EARLY_VOIDING)


class WaybillBatch(db.Model):
    """One bulk waybill request (运单号申请): its progress is the statuses of its early waybills."""

    __tablename__ = "waybill_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EarlyWaybill(db.Model):
    """A waybill requested for an order before it is packed (the 店小秘 flow). Its own id is the
    carrier's orderId ("E<id>"), so a resend after a timeout returns the waybill already made; at
    most one live row per order (live_order_id, unique, is the order's id while live, NULL after)."""

    __tablename__ = "early_waybills"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    live_order_id: Mapped[int | None] = mapped_column(unique=True)
    batch_id: Mapped[int | None] = mapped_column(db.ForeignKey("waybill_batches.id"), index=True)
    carrier_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=EARLY_REQUESTING, index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    carrier_order_id: Mapped[str] = mapped_column(String(64), default="")
    sort_code: Mapped[str] = mapped_column(String(64), default="")
    package_centre: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(String(500), default="")     # "<reason>: <the carrier's words>"
    attempts: Mapped[int] = mapped_column(default=0)
    void_wanted: Mapped[bool] = mapped_column(default=False)  # cancelled while its request was in flight
    weight_g: Mapped[int] = mapped_column(default=0)          # from the SKUs' weights (nothing is weighed yet)
    paper: Mapped[str] = mapped_column(String(10), default="100x150")
    label_pdf_path: Mapped[str | None] = mapped_column(String(500))
    label_zpl: Mapped[str | None] = mapped_column(String)
    parcel_id: Mapped[int | None] = mapped_column(db.ForeignKey("parcels.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]       # first batch print (待打单 -> 已打单)
    voided_at: Mapped[datetime | None]

    order = relationship("Order")
    carton_code = ""   # what label_data reads of a parcel: no carton before packing
