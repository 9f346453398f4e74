"""The waybill desk's pages (the 店小秘 flow): 运单号申请 (orders waiting, the bulk request and its
progress, the failure queue), 待打单 (有货 / 缺货 / 已打单, batch printing, 虚拟发货) and the setting of
when each warehouse and store requests its waybills."""
import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.picking import queries as picking_queries
from wms.shipping import carrier_services, early_voids, early_waybills, stations
from wms.waybill_desk import batch_print, services

bp = Blueprint("waybill_desk", __name__, url_prefix="/waybill-desk")


@bp.get("/")
@allow(roles.OFFICE)
def requests():
    """Orders waiting for their waybill, the bulk request's progress, and the failures to fix."""
    return _requests_page()


def _requests_page(refused=None, form=None):
    waiting, count = services.waiting_for_waybill()
    batch = request.args.get("batch", type=int)
    progress = None
    if batch:
        with flash_errors():
            progress = early_waybills.batch_progress(batch)
    return render_template("waybill_desk/requests.html", waiting=waiting, waiting_count=count, progress=progress,
                           failures=early_waybills.failure_queue(), carriers=carrier_services.list_carriers(),
                           voids=early_voids.voids_pending(), errors=field_errors(refused), form=form or {})


@bp.post("/request")
@allow(roles.OFFICE)
def request_waybills():
    """Request the waybills of the ticked orders, or of every order waiting ("all")."""
    ids = None if request.form.get("scope") == "all" else request.form.getlist("order_ids")
    with flash_errors() as refused:
        batch = services.request_waybills(ids, actor=current_user)
        flash(_("Waybills requested for {n} orders", n=batch.total), "success")
        return redirect(url_for(".requests", batch=batch.id))
    return _requests_page(refused), refused.status


@bp.post("/waybills/<int:waybill_id>/retry")
@allow(roles.OFFICE)
def retry(waybill_id):
    """Ask the carrier again, with the corrections typed into the failure's address fields."""
    fixes = {name: request.form[name] for name in early_waybills.ADDRESS_FIELDS if name in request.form}
    with flash_errors() as refused:
        early_waybills.retry(waybill_id, fixes, actor=current_user)
        flash(_("Waybill requested again"), "success")
        return redirect(url_for(".requests"))
    return _requests_page(refused, form={"waybill_id": waybill_id, **fixes}), refused.status


@bp.post("/waybills/<int:waybill_id>/carrier")
@allow(roles.OFFICE)
def change_carrier(waybill_id):
    """Give the failure up and ask another carrier."""
    with flash_errors() as refused:
        early_waybills.change_carrier(waybill_id, request.form.get("carrier_code", ""), actor=current_user)
        flash(_("Waybill requested from the other carrier"), "success")
        return redirect(url_for(".requests"))
    return _requests_page(refused), refused.status


@bp.get("/to-print")
@allow(roles.OFFICE)
def to_print():
    """待打单: labels waiting to print, 有货 / 缺货 from the allocation, and those printed."""
    tab = request.args.get("tab", "in_stock")
    rows = []
    with flash_errors() as refused:
        rows = services.to_print(tab)
    if refused:
        tab = "in_stock"
    return render_template("waybill_desk/to_print.html", tab=tab, rows=rows, counts=services.tab_counts(),
                           waves=_open_waves(), stations=[s for s in stations.stations() if s.printer_host or s.print_component_url]), \
        refused.status if refused else 200


def _open_waves():
    return [row["wave"] for row in picking_queries.recent_waves(limit=30) if row["wave"].status in ("released", "picking")]


@bp.post("/print")
@allow(roles.OFFICE)
def print_labels():
    """The ticked orders' labels, or a wave's, in pick-route order: one PDF, or one job to a station."""
    wave_id = request.form.get("wave_id", type=int) if request.form.get("scope") == "wave" else None
    order_ids = request.form.getlist("order_ids")
    station = request.form.get("station", "")
    with flash_errors():
        if station:
            n = batch_print.print_to_station(station, wave_id=wave_id, order_ids=order_ids, actor=current_user)
            flash(_("{n} labels sent to station {station}", n=n, station=station), "success")
        else:
            pdf, n = batch_print.print_pdf(wave_id=wave_id, order_ids=order_ids)
            return send_file(_bytes(pdf), mimetype="application/pdf", download_name=f"labels-{n}.pdf")
    return redirect(url_for(".to_print", tab=request.form.get("tab", "in_stock")))


def _bytes(pdf):
    return io.BytesIO(pdf)


@bp.post("/virtual-ship")
@allow(roles.OFFICE)
def virtual_ship():
    """虚拟发货: write the ticked orders' tracking numbers back to their platforms now."""
    with flash_errors():
        queued, skipped = services.virtual_ship(request.form.getlist("order_ids"), actor=current_user)
        flash(_("Tracking numbers sent to the platform for {n} orders", n=queued), "success")
        if skipped:
            flash(_("{n} orders are from stores without a platform: nothing to send", n=skipped), "warning")
    return redirect(url_for(".to_print", tab=request.form.get("tab", "in_stock")))


@bp.route("/settings", methods=["GET", "POST"])
@allow(roles.MANAGE)
def settings():
    """When each warehouse, and a store that works otherwise, requests its waybills."""
    refused = None
    if request.method == "POST":
        warehouses = {key.split("-", 1)[1]: value for key, value in request.form.items() if key.startswith("wh-")}
        channels = {key.split("-", 1)[1]: value for key, value in request.form.items() if key.startswith("ch-")}
        with flash_errors() as refused:
            services.save_timings(warehouses, channels, actor=current_user)
            flash(_("Saved"), "success")
            return redirect(url_for(".settings"))
    warehouses, channels = services.timing_settings()
    return render_template("waybill_desk/settings.html", warehouses=warehouses, channels=channels,
                           errors=field_errors(refused)), refused.status if refused else 200
