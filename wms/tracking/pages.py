"""Supervisors' tracking page: carrier exceptions and tracking write-backs that have not gone through."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.i18n import _
from wms.tracking import notice_texts, notices, services, writeback

bp = Blueprint("tracking", __name__, url_prefix="/tracking")


@bp.get("/exceptions")
@allow(roles.SUPERVISE)
def exceptions():
    """Parcels with a carrier exception or coming back, and failed write-backs."""
    return render_template("tracking/exceptions.html", exceptions=services.exceptions_page(
        request.args.get("page", 1, type=int)), writebacks=writeback.writeback_desk())


@bp.post("/exceptions/<int:tracked_id>/ack")
@allow(roles.SUPERVISE)
def acknowledge(tracked_id):
    """Take an exception off the list."""
    with flash_errors():
        services.acknowledge_exception(tracked_id, actor=current_user, note=request.form.get("note", ""))
    return redirect(url_for("tracking.exceptions"))


@bp.post("/writebacks/<int:task_id>/dismiss")
@allow(roles.SUPERVISE)
def dismiss(task_id):
    """忽略失败信息: a failed write-back leaves the list, with the reason typed."""
    with flash_errors():
        writeback.dismiss_writeback(task_id, request.form.get("reason", ""), actor=current_user)
        flash(_("Write-back failure dismissed"), "success")
    return redirect(url_for("tracking.exceptions"))


@bp.post("/writebacks/<int:task_id>/fix")
@allow(roles.SUPERVISE)
def fix_and_retry(task_id):
    """Write back another carrier and/or tracking number, now."""
    with flash_errors():
        writeback.fix_and_retry_writeback(task_id, carrier_code=request.form.get("carrier_code", ""),
                                          tracking_number=request.form.get("tracking_number", ""), actor=current_user)
        flash(_("Write-back retried"), "success")
    return redirect(url_for("tracking.exceptions"))


@bp.post("/writebacks/<int:task_id>/retry")
@allow(roles.SUPERVISE)
def retry(task_id):
    """Push a tracking number to the channel again now."""
    with flash_errors():
        writeback.retry_writeback(task_id, actor=current_user)
        flash(_("Write-back retried"), "success")
    return redirect(url_for("tracking.exceptions"))


@bp.get("/notices")
@allow(roles.SUPERVISE)
def notices_page():
    """Which events reach each store's buyers, by email and by text message; the newest notices sent."""
    return render_template("tracking/notices.html", stores=notices.stores_and_choices(), events=notice_texts.EVENTS,
                           media=notice_texts.MEDIA, event_words=notices.EVENT_WORDS, recent=notices.recent_notices(),
                           mask_phone=notice_texts.mask_phone)


@bp.post("/notices/<int:channel_id>")
@allow(roles.SUPERVISE)
def save_notices(channel_id):
    """One store's choice of buyer notices."""
    with flash_errors():
        store = notices.set_choices(channel_id, request.form, actor=current_user)
        flash(_("Buyer notices of {store} saved", store=store.code), "success")
    return redirect(url_for("tracking.notices_page"))
