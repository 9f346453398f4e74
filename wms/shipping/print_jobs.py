"""Label print jobs of the pack stations: announce a ready label to the station, deliver it to a
network printer, record the browser's print, reprint, and what a station's page catches up on after a
reconnect. (printing.py is the raw printer transport.)"""
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from wms import aftercommit, job_names, realtime, worker
from wms.errors import IllegalTransition, NotFound
from wms.extensions import db
from wms.shipping.lookups import get_parcel
from wms.shipping.models import (
    PARCEL_LABELLED, PRINT_FAILED, PRINT_PRINTED, PRINT_READY, PRINT_SENT, EarlyWaybill, PrintJob)
from wms.shipping.printing import PrinterError, send_zpl
from wms.shipping.stations import find_station
from wms.timeutil import utcnow
from wms.wording import wording

# How long a label sent to a station's network printer is still in the station's catch-up list. A network
# printer's label goes out in the request that labelled the parcel, so the page learns of it only by its
# label.ready push; a page whose socket was reconnecting then (a Wi-Fi dropout at the bench) asks the list
# instead. Ten minutes outlasts such a dropout and the page's own asking for a sealed parcel (2 min,
# station.js), yet a page opened later does not list a shift's labels. The page shows each job once.
SENT_CATCH_UP = timedelta(minutes=10)


def station_room(code):
    """The realtime room of a pack station: its label.ready, print.failed and waybill.failed events."""
    return f"station:{code}"


def reprint(parcel_id, station_code=None, actor=None):
    """Print the label again at a station (the parcel's own by default)."""
    parcel = get_parcel(parcel_id)
    if parcel.status != PARCEL_LABELLED and not (parcel.tracking_number and parcel.status in ("manifested", "shipped")):
        raise IllegalTransition.worded("parcel {parcel} has no label to print ({status})", parcel=parcel.id,
                                       status=wording(parcel.status), details={"current": parcel.status})
    job = PrintJob(parcel_id=parcel.id, station_code=station_code or parcel.station_code, kind="reprint",
                   status=PRINT_READY, requested_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    announce(job)
    worker.enqueue(job_names.SEND_LABEL_TO_PRINTER, job.id, queue="labels")
    aftercommit.commit()
    return job


def deliver_to_printer(job_id):
    """Send a ready job's ZPL to its station's network printer, if it has one (else the browser prints).

    At most once: the job is marked sent before the label goes out (a conditional update), so a second
    run - the job pushed again, or running twice at once - never prints a second label for the parcel.
    A run that dies in between leaves a job marked sent that did not print: the packer reprints."""
    job = db.session.get(PrintJob, job_id)
    station = find_station(job.station_code) if job else None
    if job is None or station is None or not station.printer_host or job.status != PRINT_READY:
        return "browser"
    claimed = db.session.execute(
        update(PrintJob).where(PrintJob.id == job_id, PrintJob.status == PRINT_READY)
        .values(status=PRINT_SENT, done_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return "already"
    job = db.session.get(PrintJob, job_id)
    try:
        send_zpl(station.printer_host, job.label.label_zpl, station.printer_port, timeout=3.0)
    except PrinterError as error:
        job.status, job.error, job.done_at = PRINT_FAILED, str(error)[:300], None
        realtime.publish("print.failed", {"print_job_id": job.id, "parcel_id": job.parcel_id, "error": job.error},
                         station_room(job.station_code))
    aftercommit.commit()
    return job.status


def mark_printed(job_id, station_code):
    """The station's browser printed the PDF."""
    job = db.session.get(PrintJob, job_id)
    if job is None or job.station_code != station_code:
        raise NotFound("no such print job at this station")
    if job.status == PRINT_READY:
        job.status, job.done_at = PRINT_PRINTED, utcnow()
        early_label_printed(job)
        aftercommit.commit()
    return job


def early_label_printed(job):
    """A printed early waybill's label moves from 待打单 to 已打单 (its first print only). No commit."""
    if job.early_waybill_id is not None:
        db.session.execute(update(EarlyWaybill).where(EarlyWaybill.id == job.early_waybill_id,
                                                      EarlyWaybill.printed_at.is_(None))
                           .values(printed_at=utcnow()).execution_options(synchronize_session=False))


def catch_up_print_jobs(station_code):
    """What a station's page may have missed while its socket was down: labels ready but not printed yet
    (its browser prints them), and labels its network printer was sent within SENT_CATCH_UP (the page only
    shows them: they printed already)."""
    return db.session.scalars(select(PrintJob).where(
        PrintJob.station_code == station_code,
        or_(PrintJob.status == PRINT_READY,
            and_(PrintJob.status == PRINT_SENT, PrintJob.done_at >= utcnow() - SENT_CATCH_UP)))
        .order_by(PrintJob.id)).all()


def label_pdf_url(job):
    """Where the station's browser fetches the job's label as PDF."""
    if job.parcel_id is not None:
        return f"/shipping/parcels/{job.parcel_id}/label.pdf"
    return f"/shipping/early-waybills/{job.early_waybill_id}/label.pdf"


def print_job_payload(job):
    """What a station is told about a print job (label.ready, the pending list, API answers); parcel_id is
    None for an early waybill's label (printed before picking: no parcel yet)."""
    label = job.label
    return {"print_job_id": job.id, "parcel_id": job.parcel_id, "order_id": label.order_id,
            "tracking_number": label.tracking_number, "carrier": label.carrier_code, "paper": label.paper,
            "pdf_url": label_pdf_url(job), "status": job.status}


def announce(job):
    """Tell the job's station its label is ready (published after the caller's commit)."""
    if job.station_code:
        realtime.publish("label.ready", print_job_payload(job), station_room(job.station_code))
