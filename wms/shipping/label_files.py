"""A label's contents and files: what the label of a parcel (or an early waybill) with a tracking number
shows, its PDF written under UPLOAD_DIR/labels and its ZPL kept on the row, and finding a parcel's PDF."""
from pathlib import Path

from flask import current_app

from wms.errors import NotFound
from wms.shipping import label_pdf, label_zpl, labels
from wms.shipping.lookups import get_parcel
from wms.shipping.ship_from import printed_at, sender_address, ship_from
from wms.shipping.waybill_requests import cargo, recipient


def render_label(holder, carrier, name, zpl_font=None, origin=None):
    """Render the label of `holder` (a parcel, or an early waybill: the same fields) as a PDF file named
    <name>-<tracking number>.pdf under UPLOAD_DIR/labels and as ZPL, both kept on the holder."""
    data = label_data(holder, carrier, origin)
    directory = Path(current_app.config["UPLOAD_DIR"]) / "labels"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{holder.tracking_number}.pdf"
    path.write_bytes(label_pdf.render_pdf(data))
    holder.label_pdf_path = str(path)
    holder.label_zpl = label_zpl.render_zpl(data, zpl_font=zpl_font)


def label_data(parcel, carrier, origin=None):
    """What the label of a parcel with a tracking number shows: the sender and print time of the warehouse
    it ships from (in its time zone), the buyer masked unless that warehouse turned privacy labels off."""
    order = parcel.order
    origin = origin or ship_from(order.id)
    sender = sender_address(carrier, origin)
    return labels.LabelData(
        tracking_number=parcel.tracking_number, carrier_name=carrier.name, order_ref=order.external_id,
        recipient=labels.Party(order.buyer_name, order.buyer_phone, recipient(order).full),
        sender=labels.Party(sender.name, sender.phone, sender.full), weight_g=parcel.weight_g,
        carton=parcel.carton_code, cargo=cargo(order, limit=400), sort_code=parcel.sort_code,
        printed_at=printed_at(origin), paper=parcel.paper, package_centre=parcel.package_centre,
        service=_service(carrier), item_count=sum(line.qty for line in order.lines), privacy=origin.privacy)


def _service(carrier):
    """The carrier's product printed in the label's header: the Kuaidi100 expType the request names."""
    settings = carrier.settings or {}
    default = "标准快递" if settings.get("adapter", "kuaidi100") == "kuaidi100" else ""
    return str(settings.get("exp_type") or default)


def label_path(parcel_id):
    """The file of the parcel's PDF label, or NotFound while it has none."""
    parcel = get_parcel(parcel_id)
    if not parcel.label_pdf_path or not Path(parcel.label_pdf_path).exists():
        raise NotFound.worded("parcel {parcel} has no label yet", parcel=parcel_id)
    return parcel.label_pdf_path
