"""Printing through a station's print component, and what a station has not printed yet.

The print component runs on the packing PC, so the station's page (not the server) sends it each
label as a `print` task (print_component.py) and reports what became of it: `submitted` when the
component took the task, `printed` when it said so, `failed` with its words. A print nobody confirmed
never disappears: the station's not-printed list is the latest print job of each parcel there that
is still ready, submitted or failed, and its reprint asks for a new job (print_jobs.reprint).

`print_parcels` is the service other pages use to print labels at a station (the batch print of a
wave's labels in pick order): one job per parcel, in the order given, each announced to the station.
`print_early_labels` does the same for waybills requested before picking (the 店小秘 flow's batch print,
the waybill desk's): their jobs name the early waybill, as there is no parcel yet, and go the same way
(the station's print component, its browser or its network printer). `reprint_job` prints a job's
label again, whichever of the two it is.
"""
from sqlalchemy import func, select, update

from wms import aftercommit, job_names, realtime, worker
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.shipping import labels, print_component, print_jobs
from wms.shipping.lookups import get_parcel
from wms.shipping.models import (
    EARLY_ISSUED, PARCEL_LABELLED, PRINT_FAILED, PRINT_PRINTED, PRINT_READY, PRINT_SUBMITTED, Carrier, EarlyWaybill,
    PrintJob)
from wms.shipping.print_jobs import announce, early_label_printed, label_pdf_url, print_job_payload, station_room
from wms.shipping.stations import active_station, find_station
from wms.shipping.label_files import label_data
from wms.timeutil import utcnow
from wms.wording import wording

OUTCOMES = (PRINT_SUBMITTED, PRINT_PRINTED, PRINT_FAILED)
NOT_PRINTED = (PRINT_READY, PRINT_SUBMITTED, PRINT_FAILED)
# Which status an outcome may follow: a printed job stays printed (a late failure notice changes nothing).
_FROM = {PRINT_SUBMITTED: (PRINT_READY,), PRINT_PRINTED: NOT_PRINTED, PRINT_FAILED: (PRINT_READY, PRINT_SUBMITTED)}
MAX_BATCH = 500
LIST_LIMIT = 200


def component_settings(station):
    """The station's print component as its page needs it, or None when it has none."""
    if station is None or not station.print_component_url:
        return None
    return {"url": station.print_component_url, "printer": station.print_component_printer or "",
            "template": station.print_component_template or ""}


def component_task(job, station):
    """The `print` task (without its request header) that prints this job's label on the component."""
    holder = job.label   # a parcel, or an early waybill printed before picking
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == holder.carrier_code))
    label = label_data(holder, carrier)
    name, phone = labels.printed_recipient(label)
    data = print_component.document_data(label, name, phone, pdf_url=label_pdf_url(job))
    document = print_component.document(holder.tracking_number, station.print_component_template, data)
    return {"taskID": print_component.task_id_for(job.id), "printer": station.print_component_printer or "",
            "preview": False, "documents": [document]}


def station_payload(job, station=None):
    """print_job_payload plus, at a station with a print component, the task that prints it there."""
    payload = {**print_job_payload(job), "error": job.error or "", "kind": job.kind}
    station = station if station is not None else find_station(job.station_code)
    if component_settings(station) and job.label.tracking_number:
        payload["task"] = component_task(job, station)
    return payload


def parcel_label(parcel, station_code):
    """Where a sealed parcel's label stands for a station awaiting it (its page asks while the label.ready or
    waybill.failed push may have gone by a socket that was down): the parcel's status, its waybill failure
    (words and kind: temporary ones are asked again by the job itself) and its latest print job at this station
    (queued while its waybill is asked for; None if it has none here)."""
    job = db.session.scalars(select(PrintJob).where(PrintJob.parcel_id == parcel.id, PrintJob.station_code == station_code)
                             .order_by(PrintJob.id.desc()).limit(1)).first()
    return {"parcel_id": parcel.id, "status": parcel.status, "waybill_error": parcel.waybill_error or "",
            "failure_kind": parcel.waybill_failure_kind or "", "job": station_payload(job) if job else None}


def station_job(job_id, station_code):
    """A print job of this station, or NotFound."""
    job = db.session.get(PrintJob, job_id)
    if job is None or job.station_code != station_code:
        raise NotFound("no such print job at this station")
    return job


def record_outcome(job_id, station_code, outcome, error=""):
    """What the station's print component did with a job: submitted, printed or failed (its words kept).

    Transitions: ready -> submitted; ready | submitted | failed -> printed; ready | submitted -> failed.
    An outcome that comes too late for the job's status (failed after printed, a second submitted)
    changes nothing and answers the job as it is: the page may send the same notice twice."""
    if outcome not in OUTCOMES:
        raise ValidationFailed.worded("outcome must be one of {outcomes}", outcomes=", ".join(OUTCOMES),
                                      details={"field": "outcome"})
    job = station_job(job_id, station_code)
    error = (error or "").strip()[:300] if outcome == PRINT_FAILED else ""
    values = {"status": outcome, "error": error, "done_at": None if outcome == PRINT_SUBMITTED else utcnow()}
    moved = db.session.execute(
        update(PrintJob).where(PrintJob.id == job_id, PrintJob.status.in_(_FROM[outcome]))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if moved and outcome == PRINT_PRINTED:
        early_label_printed(job)
    if moved and outcome == PRINT_FAILED:
        realtime.publish("print.failed", {"print_job_id": job.id, "parcel_id": job.parcel_id, "error": error},
                         station_room(station_code))
    aftercommit.commit()
    db.session.refresh(job)
    return job


def not_printed(station_code):
    """The latest job of each label (a parcel's, or an early waybill's) at this station that is not printed
    yet (ready, submitted, failed)."""
    latest = (select(func.max(PrintJob.id)).where(PrintJob.station_code == station_code)
              .group_by(PrintJob.parcel_id, PrintJob.early_waybill_id).scalar_subquery())
    return db.session.scalars(select(PrintJob).where(PrintJob.id.in_(latest), PrintJob.status.in_(NOT_PRINTED))
                              .order_by(PrintJob.id).limit(LIST_LIMIT)).all()


def print_parcels(station_code, parcel_ids, actor=None, kind="batch"):
    """Print these parcels' labels at a station's printer, in the order given (a batch: a wave's labels in
    pick order). Each gets a job announced to the station (label.ready), whose page prints it on its
    print component or in the browser; a station with a network printer gets the ZPL from the worker.
    Every parcel must have a label; one without refuses the whole batch and creates nothing."""
    station = active_station(station_code)
    ids = [int(parcel_id) for parcel_id in parcel_ids]
    if not ids or len(ids) > MAX_BATCH:
        raise ValidationFailed.worded("Print between 1 and {limit} labels at a time", limit=MAX_BATCH,
                                      details={"field": "parcel_ids"})
    parcels = [get_parcel(parcel_id) for parcel_id in ids]
    unlabelled = [p.id for p in parcels if not p.tracking_number or p.status != PARCEL_LABELLED]
    if unlabelled:
        raise IllegalTransition.worded("parcels {parcels} have no label to print", parcels=", ".join(map(str, unlabelled)),
                                       details={"parcel_ids": unlabelled})
    jobs = [PrintJob(parcel_id=p.id, station_code=station.code, kind=kind, status=PRINT_READY,
                     requested_by_id=getattr(actor, "id", None)) for p in parcels]
    db.session.add_all(jobs)
    db.session.flush()
    for job in jobs:
        announce(job)
        worker.enqueue(job_names.SEND_LABEL_TO_PRINTER, job.id, queue="labels")
    aftercommit.commit()
    return jobs


def print_early_labels(station_code, waybill_ids, actor=None):
    """Print early waybills' labels at a station, in the order given (the waybill desk's batch in pick-route
    order): one job each, announced to the station like print_parcels'. Every one must be issued and not
    being voided; otherwise the whole batch is refused and nothing is created. A label counts as printed
    (已打单) when the station confirms it."""
    station = active_station(station_code)
    ids = [int(waybill_id) for waybill_id in waybill_ids]
    if not ids or len(ids) > MAX_BATCH:
        raise ValidationFailed.worded("Print between 1 and {limit} labels at a time", limit=MAX_BATCH,
                                      details={"field": "waybill_ids"})
    rows = {row.id: row for row in db.session.scalars(select(EarlyWaybill).where(EarlyWaybill.id.in_(ids)))}
    unusable = [str(i) for i in ids if i not in rows or rows[i].status != EARLY_ISSUED or rows[i].void_wanted]
    if unusable:
        raise IllegalTransition.worded("waybills {waybills} have no label to print", waybills=", ".join(unusable),
                                       details={"waybill_ids": unusable})
    return _queue(station, [dict(early_waybill_id=i) for i in ids], "batch", actor)


def reprint_job(job_id, station_code, actor=None):
    """Print a job's label again at this station (a parcel's, or an early waybill's still issued)."""
    job = station_job(job_id, station_code)
    if job.parcel_id is not None:
        return print_jobs.reprint(job.parcel_id, station_code, actor=actor)
    row = job.early_waybill
    if row.status != EARLY_ISSUED or row.void_wanted:
        raise IllegalTransition.worded("Label {number} cannot be printed: it is {status}", number=row.tracking_number,
                                       status=wording("voided" if row.void_wanted else row.status),
                                       details={"current": row.status})
    [again] = _queue(active_station(station_code), [dict(early_waybill_id=row.id)], "reprint", actor)
    return again


def _queue(station, labels_wanted, kind, actor):
    jobs = [PrintJob(station_code=station.code, kind=kind, status=PRINT_READY, requested_by_id=getattr(actor, "id", None),
                     **wanted) for wanted in labels_wanted]
    db.session.add_all(jobs)
    db.session.flush()
    for job in jobs:
        announce(job)
        worker.enqueue(job_names.SEND_LABEL_TO_PRINTER, job.id, queue="labels")
    aftercommit.commit()
    return jobs
