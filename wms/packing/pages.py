"""The pack station page (tablet or PC) and the stations / cartons setup for admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.i18n import _, catalogue_for_client, current_locale
from wms.packing import services
from wms.packing.messages import MESSAGES
from wms.picking.messages import MESSAGES as FLOOR_MESSAGES
from wms.shipping import stations
from wms.shipping.labels import PAPER_SIZES

bp = Blueprint("station", __name__, url_prefix="/station")


@bp.get("/")
@allow(roles.PACK)
def station():
    """Scan a tote or order, verify each item, carton, weight, seal; labels print here."""
    return render_template("station/station.html", stations=stations.stations(),
                           catalogue=catalogue_for_client(current_locale()), messages={**FLOOR_MESSAGES, **MESSAGES},
                           papers=list(PAPER_SIZES))


@bp.get("/setup")
@allow(roles.MANAGE)
def setup():
    """Pack stations (printer, paper, carrier default) and carton types."""
    return render_template("station/setup.html", stations=stations.stations(), cartons=services.cartons(),
                           papers=list(PAPER_SIZES))


@bp.post("/setup/station")
@allow(roles.MANAGE)
def save_station():
    """Create or update a pack station."""
    form = request.form
    with flash_errors():
        stations.save_station(form.get("code", "").strip(), name=form.get("name", ""),
                              printer_host=form.get("printer_host", "").strip(),
                              printer_port=form.get("printer_port", type=int) or 9100,
                              zpl_font=form.get("zpl_font", "").strip(),
                              paper=form.get("paper") if form.get("paper") in PAPER_SIZES else "100x150",
                              default_carrier_code=form.get("default_carrier_code", "").strip(),
                              has_scale=bool(form.get("has_scale")))
    return redirect(url_for(".setup"))


@bp.post("/setup/carton")
@allow(roles.MANAGE)
def save_carton():
    """Create or update a carton type."""
    form = request.form
    code = form.get("code", "").strip()
    if not code:
        flash(_("A carton code is required"), "error")
        return redirect(url_for(".setup"))
    services.save_carton(code, name=form.get("name", ""), length_mm=form.get("length_mm", type=int) or 0,
                         width_mm=form.get("width_mm", type=int) or 0, height_mm=form.get("height_mm", type=int) or 0,
                         tare_g=form.get("tare_g", type=int) or 0, max_weight_g=form.get("max_weight_g", type=int) or 0)
    return redirect(url_for(".setup"))
