"""Shipping pages: the waybill-failed queue (运单号申请失败), labels, carriers and an order's carrier."""
import json

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import NotFound, flash_errors
from wms.i18n import _
from wms.shipping import carrier_services, print_jobs, station_access, waybills

bp = Blueprint("shipping", __name__, url_prefix="/shipping")


@bp.get("/waybills/failed")
@allow(roles.SUPERVISE)
def failed():
    """Parcels whose waybill request failed, with the reason and a retry."""
    return render_template("shipping/failed.html", parcels=waybills.waybill_failed_queue())


@bp.post("/parcels/<int:parcel_id>/retry")
@allow(roles.SUPERVISE)
def retry(parcel_id):
    """Ask the carrier again (one waybill per parcel, whatever happens)."""
    with flash_errors():
        waybills.retry_waybill(parcel_id, actor=current_user)
        flash(_("Waybill requested again for parcel {id}", id=parcel_id), "success")
    return redirect(url_for(".failed"))


@bp.post("/parcels/<int:parcel_id>/void")
@allow(roles.SUPERVISE)
def void(parcel_id):
    """Cancel the waybill at the carrier; the order goes back to packed."""
    with flash_errors():
        waybills.void_label(parcel_id, actor=current_user, reason=request.form.get("reason", "voided")[:200])
        flash(_("Label voided"), "success")
    return redirect(request.referrer or url_for(".failed"))


@bp.get("/parcels")
@allow(roles.SUPERVISE)
def parcels():
    """Recent parcels (or one order / tracking number): label, reprint, void."""
    return render_template("shipping/parcels.html", parcels=waybills.find_parcels(request.args.get("q", "")),
                           q=request.args.get("q", ""))


@bp.post("/parcels/<int:parcel_id>/reprint")
@allow(roles.SUPERVISE)
def reprint(parcel_id):
    """Print the label again at the parcel's station."""
    with flash_errors():
        print_jobs.reprint(parcel_id, request.form.get("station") or None, actor=current_user)
        flash(_("Label sent to the station again"), "success")
    return redirect(request.referrer or url_for(".parcels"))


@bp.get("/parcels/<int:parcel_id>/label.pdf")
@allow(roles.PACK)
def label_pdf(parcel_id):
    """The parcel's label as PDF (the station prints it through the browser; a packer: their station's)."""
    station_access.require_label(current_user, parcel_id)
    path = waybills.label_path(parcel_id)
    return send_file(path, mimetype="application/pdf", download_name=f"label-{parcel_id}.pdf")


@bp.get("/carriers")
@allow(roles.MANAGE)
def carriers():
    """Carriers: name, cut-offs, rules (regions, weight, price) and API settings."""
    return render_template("shipping/carriers.html", carriers=carrier_services.list_carriers())


@bp.post("/carriers")
@allow(roles.MANAGE)
def save_carrier():
    """Create or update a carrier."""
    form = request.form
    try:
        settings = json.loads(form.get("settings") or "{}")
        if not isinstance(settings, dict):
            raise ValueError
    except ValueError:
        flash(_("Settings must be a JSON object"), "error")
        return redirect(url_for(".carriers"))
    with flash_errors():
        carrier_services.save_carrier(form.get("code", "").strip(), name=form.get("name", "").strip(),
                                      cutoffs=form.get("cutoffs", ""), settings=settings,
                                      active=bool(form.get("active")))
        flash(_("Carrier saved"), "success")
    return redirect(url_for(".carriers"))


@bp.get("/orders/<int:order_id>/carrier")
@allow(roles.REVIEW)
def order_carrier(order_id):
    """The carrier the rules choose for an order, why, and a form to change it."""
    order, choice = carrier_services.order_carrier_view(order_id)
    if order is None:
        raise NotFound("order not found")
    return render_template("shipping/order_carrier.html", order=order, choice=choice,
                           carriers=carrier_services.list_carriers())


@bp.post("/orders/<int:order_id>/carrier")
@allow(roles.REVIEW)
def change_order_carrier(order_id):
    """Change the order's carrier (until its label exists)."""
    with flash_errors():
        carrier_services.change_carrier(order_id, request.form.get("carrier_code", ""), actor=current_user)
        flash(_("Carrier changed"), "success")
    return redirect(url_for(".order_carrier", order_id=order_id))
