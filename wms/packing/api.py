"""Pack station JSON API (session cookie + X-CSRFToken from the station page).

The station's scans and seals are floor events: POST /api/station/events replays its outbox through
the same exactly-once path as the handheld (one answer per event, duplicates answered as before).
"""
from flask import Blueprint, request
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import ValidationFailed
from wms.packing import services
from wms.picking import floor
from wms.shipping import print_jobs as label_print_jobs

bp = Blueprint("station_api", __name__, url_prefix="/api/station")


@bp.get("/queue")
@allow(roles.PACK)
def queue():
    """Orders waiting to be packed, with everything needed to verify them offline."""
    return {"tasks": services.pack_queue()}


@bp.get("/lookup")
@allow(roles.PACK)
def lookup():
    """The pack task behind a scanned tote / order number."""
    return services.task_payload(services.find_order(request.args.get("code", "")))


@bp.post("/events")
@allow(roles.PACK)
def events():
    """Outbox replay: pack_scan and seal events in order, one answer each."""
    body = request.get_json(silent=True) or {}
    station = body.get("station")
    if not isinstance(station, str) or not station:
        raise ValidationFailed("station is required", field="station")
    return {"answers": floor.apply_events(current_user, station[:64], body.get("events"))}


@bp.get("/<code>/print-jobs")
@allow(roles.PACK)
def print_jobs(code):
    """Labels ready and not yet printed at this station (fetched again after every reconnect)."""
    return {"jobs": [label_print_jobs.print_job_payload(job) for job in label_print_jobs.pending_print_jobs(code)]}


@bp.post("/<code>/print-jobs/<int:job_id>/printed")
@allow(roles.PACK)
def printed(code, job_id):
    """The browser printed this label."""
    return label_print_jobs.print_job_payload(label_print_jobs.mark_printed(job_id, code))


@bp.post("/<code>/parcels/<int:parcel_id>/reprint")
@allow(roles.PACK)
def reprint(code, parcel_id):
    """Print a parcel's label again at this station."""
    return label_print_jobs.print_job_payload(label_print_jobs.reprint(parcel_id, code, actor=current_user))
