"""The pack station page (tablet or PC) and the stations / cartons setup for admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _, catalogue_for_client, current_locale
from wms.packing import cartons, services
from wms.packing.messages import MESSAGES
from wms.picking.messages import MESSAGES as FLOOR_MESSAGES
from wms.shipping import carrier_services, print_queue, stations
from wms.shipping.labels import PAPER_SIZES

bp = Blueprint("station", __name__, url_prefix="/station")


@bp.get("/")
@allow(roles.PACK)
def station():
    """Scan a tote or order, verify each item, carton, weight, seal; labels print here."""
    active = stations.stations()
    components = {s.code: print_queue.component_settings(s) for s in active if s.print_component_url}
    return render_template("station/station.html", stations=active, components=components,
                           catalogue=catalogue_for_client(current_locale()), messages={**FLOOR_MESSAGES, **MESSAGES},
                           papers=list(PAPER_SIZES))


@bp.get("/setup")
@allow(roles.MANAGE)
def setup():
    """Pack stations (printer, paper, carrier default) and carton types."""
    return _setup_page()


@bp.post("/setup/station")
@allow(roles.MANAGE)
def save_station():
    """Create or update a pack station; a refused post shows the form again as typed, wrong inputs marked."""
    with flash_errors() as refused:
        station = stations.save_station_settings(request.form)
    if refused:
        return _setup_page(request.form, field_errors(refused)), refused.status
    flash(_("Station {code} saved", code=station.code), "success")
    return redirect(url_for(".setup"))


def _setup_page(posted=None, errors=None, carton_values=None, carton_errors=None):
    """One form per station and one for a new station; the refused one (by code) shows what was posted;
    the carton form, empty or as a refused post left it."""
    refused_code = (posted.get("code") or "").strip() if posted is not None else None
    forms = [{"key": s.code, "station": s, "shown": posted if s.code == refused_code else _station_values(s),
              "errors": errors if s.code == refused_code else {}} for s in stations.stations()]
    matched = any(f["station"].code == refused_code for f in forms)
    new = posted if posted is not None and not matched else {"paper": stations.DEFAULT_PAPER, "printer_port": "9100"}
    forms.append({"key": "new", "station": None, "shown": new, "errors": errors if new is posted else {}})
    carriers = [(c.code, f"{c.code} · {c.name}") for c in carrier_services.list_carriers()]
    return render_template("station/setup.html", forms=forms, station_form=stations.STATION_FORM,
                           carrier_choices={"default_carrier_code": carriers}, cartons=services.cartons(),
                           carton_form=cartons.CARTON_FORM, carton_values=carton_values or {},
                           carton_errors=carton_errors or {})


def _station_values(station):
    return {**stations.STATION_FORM.page_values({field.name: getattr(station, field.name)
                                                 for field in stations.STATION_FORM.fields})}


@bp.post("/setup/carton")
@allow(roles.MANAGE)
def save_carton():
    """Create or update a carton type; a refused post shows the form again as typed, wrong inputs marked."""
    with flash_errors() as refused:
        carton = cartons.save_carton_settings(request.form)
    if refused:
        return _setup_page(carton_values=request.form, carton_errors=field_errors(refused)), refused.status
    flash(_("Carton {code} saved", code=carton.code), "success")
    return redirect(url_for(".setup"))
