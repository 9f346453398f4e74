"""Pack station JSON API: the station page's session cookie (+ X-CSRFToken), or a bearer token as
the handheld's API takes (no CSRF token then: wms.security).

The station's scans and seals are floor events: POST /api/station/events replays its outbox through
the same exactly-once path as the handheld (one answer per event, duplicates answered as before).
"""
from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from wms import floor_limits, openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.errors import ValidationFailed
from wms.packing import services
from wms.packing.schemas import (
    LookupArgs, PackQueue, PackTask, ParcelLabel, PrintBatch, PrintJob, PrintJobs, PrintOutcome, SignedIn, StationEvents,
    StationPrintJob, StationPrintJobs)
from wms.picking import floor
from wms.picking.event_shape import text_problem
from wms.picking.schemas import FloorAnswers
from wms.shipping import print_jobs as label_print_jobs
from wms.shipping import print_queue
from wms.shipping import station_access

bp = Blueprint("station_api", __name__, url_prefix="/api/station",
               description="The pack station (打包台): queue, look-up, outbox replay, label print jobs")


@bp.get("/queue")
@allow(roles.PACK)
@bp.alt_response(200, schema=PackQueue, success=True)
@openapi.errors(bp, 401, 403)
def queue():
    """Orders waiting to be packed, with everything needed to verify them offline."""
    return {"tasks": services.pack_queue()}


@bp.get("/lookup")
@allow(roles.PACK)
@bp.arguments(LookupArgs, location="query", as_kwargs=True)
@bp.alt_response(200, schema=PackTask, success=True)
@openapi.errors(bp, 401, 403, 404)
def lookup(code):
    """The pack task behind a scanned tote / order number."""
    return services.task_payload(services.find_order(code))


@bp.post("/events")
@allow(roles.PACK)
@bp.doc(**openapi.body(StationEvents))
@bp.alt_response(200, schema=FloorAnswers, success=True)
@openapi.errors(bp, 401, 403, 413, 422)
def events():
    """Outbox replay: pack_scan and seal events in order, one answer each."""
    body = floor_limits.events_body(floor.MAX_BATCH_BYTES)
    station, events = body.get("station"), body.get("events")
    if not isinstance(station, str) or not station:
        raise ValidationFailed("station is required", field="station")
    problem = text_problem("station", station, 64)
    if problem:
        raise ValidationFailed(problem, field="station")
    allowed = floor_limits.batch(floor_limits.token_key(current_user.id, g.get("device_code") or station),
                                 len(events) if isinstance(events, list) else 1)
    return {"answers": floor.apply_events(current_user, station, events, allowed)}


@bp.post("/<code>/sign-in")
@allow(roles.PACK)
@bp.alt_response(200, schema=SignedIn, success=True)
@openapi.errors(bp, 401, 403, 404)
def sign_in(code):
    """This login works at station `code` now: its print jobs and labels (only these, for a packer)."""
    return {"station": station_access.sign_in(code[:64])}


@bp.get("/<code>/print-jobs")
@allow(roles.PACK)
@bp.alt_response(200, schema=StationPrintJobs, success=True)
@openapi.errors(bp, 401, 403)
def print_jobs(code):
    """Labels ready and not yet printed at this station, and those sent lately to its network printer (status
    sent: shown, never printed again); fetched after every reconnect. Each with its print component task when
    the station has one."""
    station_access.require_station(current_user, code)
    return {"jobs": [print_queue.station_payload(job) for job in label_print_jobs.catch_up_print_jobs(code)]}


@bp.get("/<code>/print-jobs/<int:job_id>")
@allow(roles.PACK)
@bp.alt_response(200, schema=StationPrintJob, success=True)
@openapi.errors(bp, 401, 403, 404)
def print_job(code, job_id):
    """One print job of this station, with the print component's task when the station has one."""
    station_access.require_station(current_user, code)
    return print_queue.station_payload(print_queue.station_job(job_id, code))


@bp.get("/<code>/not-printed")
@allow(roles.PACK)
@bp.alt_response(200, schema=StationPrintJobs, success=True)
@openapi.errors(bp, 401, 403)
def not_printed(code):
    """Labels of this station nobody confirmed printed (ready, handed to the print component, failed)."""
    station_access.require_station(current_user, code)
    return {"jobs": [print_queue.station_payload(job) for job in print_queue.not_printed(code)]}


@bp.post("/<code>/print-batch")
@allow(roles.PACK)
@bp.arguments(PrintBatch)
@bp.alt_response(200, schema=StationPrintJobs, success=True)
@openapi.errors(bp, 401, 403, 404, 409, 422)
def print_batch(body, code):
    """Print these parcels' labels at this station's printer, in the order given (a packer: labels of their station)."""
    station_access.require_station(current_user, code)
    for parcel_id in body["parcel_ids"]:
        station_access.require_label(current_user, parcel_id)
    jobs = print_queue.print_parcels(code, body["parcel_ids"], actor=current_user)
    return {"jobs": [print_queue.station_payload(job) for job in jobs]}


@bp.post("/<code>/print-jobs/<int:job_id>/outcome")
@allow(roles.PACK)
@bp.arguments(PrintOutcome)
@bp.alt_response(200, schema=StationPrintJob, success=True)
@openapi.errors(bp, 401, 403, 404, 422)
def print_outcome(body, code, job_id):
    """What the station's print component did with this job: submitted, printed or failed."""
    station_access.require_station(current_user, code)
    job = print_queue.record_outcome(job_id, code, body["outcome"], body["error"])
    return print_queue.station_payload(job)


@bp.post("/<code>/print-jobs/<int:job_id>/printed")
@allow(roles.PACK)
@bp.alt_response(200, schema=PrintJob, success=True)
@openapi.errors(bp, 401, 403, 404)
def printed(code, job_id):
    """The browser printed this label."""
    station_access.require_station(current_user, code)
    return label_print_jobs.print_job_payload(label_print_jobs.mark_printed(job_id, code))


@bp.post("/<code>/parcels/<int:parcel_id>/reprint")
@allow(roles.PACK)
@bp.alt_response(200, schema=PrintJob, success=True)
@openapi.errors(bp, 401, 403, 404, 409)
def reprint(code, parcel_id):
    """Print a parcel's label again at this station (a packer: a parcel of their own station)."""
    station_access.require_station(current_user, code)
    station_access.require_label(current_user, parcel_id)
    return label_print_jobs.print_job_payload(label_print_jobs.reprint(parcel_id, code, actor=current_user))


@bp.get("/<code>/parcels/<int:parcel_id>/label")
@allow(roles.PACK)
@bp.alt_response(200, schema=ParcelLabel, success=True)
@openapi.errors(bp, 401, 403, 404)
def parcel_label(code, parcel_id):
    """Where a parcel sealed here stands: its waybill failure or its latest print job (the page asks for a parcel
    whose label it awaits; a packer: a parcel of their own station)."""
    station_access.require_station(current_user, code)
    return print_queue.parcel_label(station_access.require_label(current_user, parcel_id), code)


@bp.post("/<code>/print-jobs/<int:job_id>/reprint")
@allow(roles.PACK)
@bp.alt_response(200, schema=PrintJob, success=True)
@openapi.errors(bp, 401, 403, 404, 409)
def reprint_job(code, job_id):
    """Print a job's label again at this station: a parcel's, or one printed before picking (no parcel yet)."""
    station_access.require_station(current_user, code)
    return label_print_jobs.print_job_payload(print_queue.reprint_job(job_id, code, actor=current_user))
