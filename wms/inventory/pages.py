"""Admin pages: warehouses and layout, bins, stock, receiving (入库), adjustments and cycle counts."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import ValidationFailed, flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.inventory import allocation_settings, presale_pages
from wms.inventory import stock as stock_services
from wms.inventory import stock_forms, stock_list
from wms.inventory import warehouses as warehouse_services

bp = Blueprint("inventory", __name__, url_prefix="/inventory")

WAREHOUSE_FORM_FIELDS = ("code", "name", "timezone", "address", "region", "priority", "n_aisles", "n_blocks",
                         "aisle_length_m", "aisle_spacing_m", "cross_aisle_width_m", "bay_length_m", "depot_aisle")
NEW_WAREHOUSE = {"code": "", "name": "", "region": "", "address": "", "sender_name": "", "phone": "",
                 "privacy_labels": True, "timezone": "Asia/Shanghai", "priority": 100, "n_aisles": 12, "n_blocks": 1,
                 "aisle_length_m": 30, "aisle_spacing_m": 3, "cross_aisle_width_m": 3, "bay_length_m": 2,
                 "depot_aisle": 0}  # the new-warehouse form's values
CLEARABLE_FIELDS = ("sender_name", "phone")  # an empty input clears these (the others keep their value)


def _form_fields():
    fields = {name: request.form[name] for name in WAREHOUSE_FORM_FIELDS if request.form.get(name, "") != ""}
    fields.update({name: request.form[name] for name in CLEARABLE_FIELDS if name in request.form})
    if "labels_shown" in request.form:  # the form has the checkbox: unticked is "off", not "not asked"
        fields["privacy_labels"] = request.form.get("privacy_labels") == "1"
    return fields


def _int(name):
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        raise ValidationFailed("Enter a whole number", field=name) from None


@bp.get("/warehouses")
@allow(roles.SUPERVISE)
def warehouses():
    """Warehouses, the allocation rule, and (for admins) a form for a new warehouse."""
    return _warehouses_page()


@bp.post("/warehouses")
@allow(roles.MANAGE)
def create_warehouse():
    """Create a warehouse; a refused one comes back as typed with the wrong input marked."""
    with flash_errors() as refused:
        warehouse = warehouse_services.save_warehouse(**_form_fields())
    if refused:
        return _warehouses_page(request.form, refused), refused.status
    flash(_("Warehouse saved"), "success")
    return redirect(url_for("inventory.warehouse", warehouse_id=warehouse.id))


def _warehouses_page(posted=None, refused=None):
    return render_template("inventory/warehouses.html", warehouses=warehouse_services.list_warehouses(),
                           settings=allocation_settings.get_allocation_settings(),
                           values=_warehouse_values(None, posted), errors=field_errors(refused))


@bp.post("/settings")
@allow(roles.MANAGE)
def save_settings():
    """Choose how a warehouse is picked for an order and whether orders may be split."""
    with flash_errors():
        allocation_settings.set_allocation_settings(request.form.get("rule"), request.form.get("allow_split") == "1")
        flash(_("Settings saved"), "success")
    return redirect(url_for("inventory.warehouses"))


@bp.get("/warehouses/<int:warehouse_id>")
@allow(roles.SUPERVISE)
def warehouse(warehouse_id):
    """One warehouse: its parameters, layout import and demo layout."""
    return _warehouse_page(warehouse_id)


@bp.post("/warehouses/<int:warehouse_id>")
@allow(roles.MANAGE)
def update_warehouse(warehouse_id):
    """Save a warehouse's parameters; a refused save comes back as typed with the wrong input marked."""
    with flash_errors() as refused:
        warehouse_services.save_warehouse(warehouse_id, **_form_fields())
    if refused:
        return _warehouse_page(warehouse_id, request.form, refused), refused.status
    flash(_("Warehouse saved"), "success")
    return redirect(url_for("inventory.warehouse", warehouse_id=warehouse_id))


def _warehouse_page(warehouse_id, posted=None, refused=None, levels=3):
    """The warehouse's page: its form (a refused post as typed), the layout import and the demo layout's
    levels; `errors` marks the refused input of whichever form was posted (their names differ)."""
    warehouse = warehouse_services.get_warehouse(warehouse_id)
    return render_template("inventory/warehouse.html", warehouse=warehouse, values=_warehouse_values(warehouse, posted),
                           errors=field_errors(refused), levels=levels,
                           bin_count=warehouse_services.count_bins(warehouse_id))


def _warehouse_values(warehouse, posted):
    """{input: value} of the warehouse form: a refused post as typed, else the warehouse's (a new one's defaults)."""
    if posted is not None:
        return {**posted, "privacy_labels": posted.get("privacy_labels") == "1"}
    if warehouse is None:
        return dict(NEW_WAREHOUSE)
    return {name: getattr(warehouse, name) for name in NEW_WAREHOUSE}


@bp.post("/warehouses/<int:warehouse_id>/layout")
@allow(roles.MANAGE)
def import_layout(warehouse_id):
    """Import bins from a layout CSV (all rows or none); a refused file is marked on the page."""
    with flash_errors() as refused:
        result = warehouse_services.import_layout_file(warehouse_id, request.files.get("file"))
    if refused:
        return _warehouse_page(warehouse_id, refused=refused), refused.status
    flash(_("Layout imported: {created} new bins, {updated} updated", **result), "success")
    return redirect(url_for("inventory.warehouse", warehouse_id=warehouse_id))


@bp.post("/warehouses/<int:warehouse_id>/demo-layout")
@allow(roles.MANAGE)
def demo_layout(warehouse_id):
    """Generate bins on every aisle of the warehouse (demo layout); refused levels stay typed, marked."""
    with flash_errors() as refused:
        result = warehouse_services.generate_demo_layout(warehouse_id, levels=_int("levels"))
    if refused:
        return _warehouse_page(warehouse_id, refused=refused, levels=request.form.get("levels", "")), refused.status
    flash(_("Layout imported: {created} new bins, {updated} updated", **result), "success")
    return redirect(url_for("inventory.warehouse", warehouse_id=warehouse_id))


@bp.get("/warehouses/<int:warehouse_id>/bins")
@allow(roles.SUPERVISE)
def bins(warehouse_id):
    """Bins of a warehouse in walking order, searchable by code or barcode."""
    q = request.args.get("q", "")
    return render_template("inventory/bins.html", warehouse=warehouse_services.get_warehouse(warehouse_id), q=q,
                           bins=warehouse_services.find_bins(warehouse_id, q))


@bp.get("/stock")
@allow(roles.SUPERVISE)
def stock():
    """Stock by SKU and bin, a page at a time, filtered by SKU, bin, zone or below minimum; the latest ledger rows."""
    args = request.args
    filters = stock_list.StockFilters(
        warehouse_id=args.get("warehouse", type=int), sku=args.get("q", "")[:100], bin=args.get("bin", "")[:100],
        zone_id=args.get("zone", type=int), below_minimum=args.get("below") == "1", page=args.get("page", 1, type=int))
    return render_template("inventory/stock.html", filters=filters, page=stock_list.stock_page(filters),
                           warehouses=warehouse_services.list_warehouses(), zones=stock_list.zones(filters.warehouse_id),
                           movements=stock_services.recent_movements(50))


@bp.route("/receive", methods=["GET", "POST"])
@allow(roles.SUPERVISE)
def receive():
    """Receiving (入库): scan or type SKU, bin and quantity; backorders the stock covers are released.
    A refused receipt comes back as typed with each wrong input marked, nothing booked."""
    if request.method == "POST":
        with flash_errors() as refused:
            result = stock_forms.receive(request.form, actor=_actor())
        if refused:
            return _stock_form("inventory/receive.html", request.form, refused), refused.status
        flash(_("Received {qty} pcs; {n} backordered orders released", qty=result["qty"],
                n=len(result["released"])), "success")
        return redirect(url_for("inventory.receive", warehouse=request.form.get("warehouse")))
    return _stock_form("inventory/receive.html", {"warehouse": request.args.get("warehouse", "")})


@bp.route("/adjust", methods=["GET", "POST"])
@allow(roles.SUPERVISE)
def adjust():
    """Stock adjustment (with a reason) and cycle count of one SKU in one bin. A refused one comes back
    as typed with each wrong input marked, nothing changed."""
    if request.method == "POST":
        with flash_errors() as refused:
            mode = stock_forms.adjust_or_count(request.form, actor=_actor())
        if refused:
            return _stock_form("inventory/adjust.html", request.form, refused), refused.status
        flash(_("Count saved") if mode == stock_forms.COUNT else _("Adjustment saved"), "success")
        return redirect(url_for("inventory.adjust", warehouse=request.form.get("warehouse")))
    return _stock_form("inventory/adjust.html", {"warehouse": request.args.get("warehouse", "")})


def _stock_form(template, values, refused=None):
    """A receiving or adjust / count form with `values` (the warehouse chosen before, or a refused post)."""
    choices = [(w.id, f"{w.code} · {w.name}") for w in warehouse_services.list_warehouses(active_only=True)]
    return render_template(template, warehouse_choices=choices, values=values, errors=field_errors(refused))


def _actor():
    from flask_login import current_user

    return current_user._get_current_object()


presale_pages.routes(bp)   # the presales page: each store's release on date or stock (wms.inventory.presale_pages)
