"""Batch printing (批量打单) of early labels: a wave's, or a selection's, in pick-route order.

The stack comes off the printer in the order the picker meets the orders (route_order.py), so the
labels double as the pick slip. As one PDF for the browser's print dialog, as one ZPL job to a pack
station's network printer, or as print jobs to a station's print component (打印组件: the same path as the
station's own labels, wms.shipping.print_queue). The first print moves a label from 待打单 to 已打单
(printed_at; through the print component when it confirms); printing again (a jam, a lost stack) is
allowed and changes nothing else.
"""
import io
from pathlib import Path

from pypdf import PdfWriter
from sqlalchemy import select, update

from wms import aftercommit
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, Reservation, StockItem
from wms.orders.models import Order
from wms.picking.models import PickLine, PickTask, Wave
from wms.shipping.models import EARLY_ISSUED, EarlyWaybill
from wms.shipping import print_queue
from wms.shipping.printing import PrinterError, send_zpl
from wms.shipping.stations import find_station
from wms.timeutil import utcnow
from wms.waybill_desk import route_order

PRINT_LIMIT = 1000


def labels_in_walk_order(wave_id=None, order_ids=None):
    """The issued early waybills of a wave (its orders that have one) or of the chosen orders (each must
    have one), in the order the picker meets them."""
    if wave_id is not None:
        wave = db.session.get(Wave, int(wave_id))
        if wave is None:
            raise NotFound.worded("No such wave")
        ids = _wave_order_ids(wave.id)
    else:
        ids = [int(order_id) for order_id in order_ids or ()]
    if not ids:
        raise ValidationFailed.worded("Select the orders whose labels to print", details={"field": "order_ids"})
    if len(ids) > PRINT_LIMIT:
        raise ValidationFailed.worded("At most {limit} labels in one print", limit=PRINT_LIMIT,
                                      details={"field": "order_ids"})
    rows = {row.order_id: row for row in db.session.scalars(
        select(EarlyWaybill).where(EarlyWaybill.live_order_id.in_(ids), EarlyWaybill.status == EARLY_ISSUED,
                                  EarlyWaybill.void_wanted.is_(False)))}
    missing = [order_id for order_id in ids if order_id not in rows]
    if wave_id is None and missing:
        refs = db.session.scalars(select(Order.external_id).where(Order.id.in_(missing[:20]))).all()
        raise ValidationFailed.worded("These orders have no label to print: {orders}", orders=", ".join(refs) or "-",
                                      details={"field": "order_ids"})
    if not rows:
        raise ValidationFailed.worded("No label of this wave was printed before picking", details={"field": "wave_id"})
    return [rows[order_id] for order_id in route_order.in_walk_order(_places(list(rows)))]


def _wave_order_ids(wave_id):
    return list(dict.fromkeys(db.session.scalars(
        select(PickLine.order_id).join(PickTask, PickTask.id == PickLine.task_id).where(PickTask.wave_id == wave_id)
        .order_by(PickLine.order_id))))


def _places(order_ids):
    """Where each order is met: its first stop in a wave's tasks, else the bins of its reservations."""
    places = {order_id: route_order.OrderPlace(order_id) for order_id in order_ids}
    for order_id, task_id, seq in db.session.execute(
            select(PickLine.order_id, PickLine.task_id, PickLine.seq).where(PickLine.order_id.in_(order_ids))
            .order_by(PickLine.task_id, PickLine.seq)):
        place = places[order_id]
        if place.task_id is None:
            place.task_id, place.seq = task_id, seq
    for order_id, block, aisle, position in db.session.execute(
            select(Reservation.order_id, Bin.block, Bin.aisle, Bin.position_m)
            .join(StockItem, StockItem.id == Reservation.stock_item_id).join(Bin, Bin.id == StockItem.bin_id)
            .where(Reservation.order_id.in_(order_ids))):
        places[order_id].bins.append(route_order.Stop(block, aisle, position))
    return list(places.values())


def print_pdf(wave_id=None, order_ids=None):
    """(one PDF of the labels in walk order, how many); they count as printed."""
    rows = labels_in_walk_order(wave_id, order_ids)
    writer = PdfWriter()
    for row in rows:
        if not row.label_pdf_path or not Path(row.label_pdf_path).exists():
            raise NotFound.worded("The label of {number} is missing: request it again", number=row.tracking_number)
        writer.append(row.label_pdf_path)
    buffer = io.BytesIO()
    writer.write(buffer)
    _printed([row.id for row in rows])
    return buffer.getvalue(), len(rows)


def print_to_station(station_code, wave_id=None, order_ids=None, actor=None):
    """Print the labels in walk order at a station; how many. A station with a print component (打印组件) gets
    one print job per label, in that order, through the same path as its own labels (its page sends them
    to the component, which answers for each; a label counts as printed when it confirms); else one ZPL
    job goes to its network printer."""
    station = find_station(station_code)
    if station is None or not (station.printer_host or station.print_component_url):
        raise ValidationFailed.worded("Station {station} has no network label printer", station=station_code or "-",
                                      details={"field": "station"})
    rows = labels_in_walk_order(wave_id, order_ids)
    if station.print_component_url:
        return len(print_queue.print_early_labels(station.code, [row.id for row in rows], actor=actor))
    zpl = "\n".join(row.label_zpl or "" for row in rows)
    host, port = station.printer_host, station.printer_port
    db.session.commit()   # no transaction open while the printer takes the job
    try:
        send_zpl(host, zpl, port)
    except PrinterError as error:
        raise ValidationFailed.worded("The printer did not take the labels: {error}", error=str(error),
                                      details={"field": "station"}) from None
    _printed([row.id for row in rows])
    return len(rows)


def _printed(ids):
    db.session.execute(update(EarlyWaybill).where(EarlyWaybill.id.in_(ids), EarlyWaybill.printed_at.is_(None))
                       .values(printed_at=utcnow()).execution_options(synchronize_session=False))
    aftercommit.commit()
