"""SKU catalogue desk pages: list and search, create/edit with barcodes and image, CSV/XLSX import jobs."""
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow, require_scope
from wms.catalog import kit_services, kits, refusals, services, sku_imports
from wms.catalog.columns import CUSTOMS_FIELDS
from wms.errors import ValidationFailed, flash_errors
from wms.forms import field_errors
from wms.i18n import _


bp = Blueprint("catalog", __name__, url_prefix="/catalog")
PER_PAGE = 50
_FIELDS = ("name", "weight_g", "length_mm", "width_mm", "height_mm", "image_url", "min_qty")


@bp.get("/skus")
@allow(roles.MANAGE)
def skus():
    """SKUs with search (code, name or barcode) and paging."""
    q = request.args.get("q", "")
    page = request.args.get("page", 1, type=int) or 1
    items, total = services.search_skus(q, page, PER_PAGE)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render_template("catalog/skus.html", skus=items, total=total, q=q, page=page, pages=pages)


@bp.route("/skus/new", methods=["GET", "POST"])
@allow(roles.MANAGE)
def new_sku():
    """Create a SKU; a refused one comes back as typed with each wrong input marked."""
    form = request.form
    if request.method == "POST":
        with flash_errors() as refused:
            sku = services.create_sku(form.get("code"), form.get("name"), barcodes=form.get("barcodes", ""),
                                      **_numbers(form))
        if refused:
            return _sku_page(None, form, refused), refused.status
        flash(_("SKU {code} created", code=sku.code), "success")
        return redirect(url_for("catalog.edit_sku", sku_id=sku.id))
    return _sku_page(None)


@bp.route("/skus/<int:sku_id>", methods=["GET", "POST"])
@allow(roles.MANAGE)
def edit_sku(sku_id):
    """Edit a SKU's name, weight, dimensions, image URL and customs data; its barcodes below. A refused
    save comes back as typed with each wrong input marked, nothing saved."""
    if request.method == "POST":
        with flash_errors() as refused:
            services.update_sku(sku_id, name=request.form.get("name"), **_numbers(request.form))
        if refused:
            return _sku_page(sku_id, request.form, refused), refused.status
        flash(_("Saved"), "success")
        return redirect(url_for("catalog.edit_sku", sku_id=sku_id))
    return _sku_page(sku_id)


def _sku_page(sku_id, form=None, refused=None, names=None):
    """The SKU form (a new SKU's when `sku_id` is None); after a refusal, the posted values and the
    inputs to correct (`names`: a service field -> the page's input, e.g. the barcode form's)."""
    sku = services.get_sku(sku_id) if sku_id else None
    components = kit_services.components_of(sku.id) if sku else []
    return render_template("catalog/sku_form.html", sku=sku, values=_sku_values(sku, form or {}),
                           errors=field_errors(refused, names), components=components,
                           components_text=kits.describe((c.code, q) for c, q in components))


def _sku_values(sku, form):
    """{input name: text} the form shows: what was posted, else the SKU's own values (a new SKU's defaults)."""
    stored = {name: getattr(sku, name) for name in ("name",) + _FIELDS + CUSTOMS_FIELDS} if sku else \
        {"weight_g": 0, "length_mm": 0, "width_mm": 0, "height_mm": 0, "min_qty": 0, "declared_currency": "USD"}
    cents = stored.get("declared_value_cents")
    stored["declared_value_cents"] = "%.2f" % (cents / 100) if cents else ""
    return {**{name: "" if value is None else value for name, value in stored.items()}, **form}


def _numbers(form):
    values = {name: form.get(name, "").strip()
              for name in ("weight_g", "length_mm", "width_mm", "height_mm", "min_qty")}
    values = {name: value or 0 for name, value in values.items()}
    values["image_url"] = form.get("image_url", "").strip() or None
    for name in CUSTOMS_FIELDS:   # customs (报关信息); blank clears a text, a blank value is 0
        values[name] = form.get(name, "").strip()
    values["declared_currency"] = values["declared_currency"] or "USD"
    return values


@bp.post("/skus/<int:sku_id>/barcodes")
@allow(roles.MANAGE)
def add_barcode(sku_id):
    """Add a barcode; one that belongs to another SKU is refused, naming it."""
    with flash_errors() as refused:
        services.add_barcode(sku_id, request.form.get("barcode", ""))
    if refused:   # the typed barcode stays in its input, marked
        return _sku_page(sku_id, {"barcode": request.form.get("barcode", "")}, refused, {"barcodes": "barcode"}), \
            refused.status
    flash(_("Barcode added"), "success")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


@bp.post("/skus/<int:sku_id>/barcodes/delete")
@allow(roles.MANAGE)
def remove_barcode(sku_id):
    """Remove one of a SKU's barcodes."""
    with flash_errors():
        services.remove_barcode(sku_id, request.form.get("barcode", ""))
        flash(_("Barcode removed"), "success")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


@bp.post("/skus/<int:sku_id>/image")
@allow(roles.MANAGE)
def upload_image(sku_id):
    """Upload the SKU's picture (JPG, PNG, WEBP or GIF, at most 5 MB)."""
    upload = request.files.get("image")
    with flash_errors():
        if upload is None or not upload.filename:
            raise ValidationFailed("Choose an image file", field="image")
        services.save_image(sku_id, upload.filename, upload.stream)
        flash(_("Image saved"), "success")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


@bp.route("/kits", methods=["GET", "POST"])
@allow(roles.SUPERVISE)
def kit_list():
    """Kits (组合装): each kit SKU and its components; define or change one (kit code + components)."""
    form = request.form
    if request.method == "POST":
        with flash_errors() as refused:
            kit = kit_services.define_kit_by_code(form.get("kit"), form.get("components", ""))
        if not refused:
            flash(_("Kit {code} saved", code=kit.code), "success")
            return redirect(url_for("catalog.kit_list"))
        return render_template("catalog/kits.html", kits=kit_services.list_kits(), values=form,
                               errors=field_errors(refused)), refused.status
    return render_template("catalog/kits.html", kits=kit_services.list_kits(), values={"kit": request.args.get("kit", "")},
                           errors={})


@bp.post("/kits/<int:sku_id>/clear")
@allow(roles.SUPERVISE)
def clear_kit(sku_id):
    """The SKU is sold and picked as itself again (its components are forgotten)."""
    with flash_errors():
        kit = kit_services.clear_kit(sku_id)
        flash(_("{code} is no longer a kit", code=kit.code), "success")
    return redirect(url_for("catalog.kit_list"))


@bp.get("/images/<name>")
@allow(roles.EVERYONE | {roles.INTEGRATION})
def image(name):
    """An uploaded SKU image (logged-in users, handhelds and API tokens with the catalog:read scope)."""
    require_scope(current_user, roles.CATALOG_READ)
    path = services.image_path(name)
    return send_file(path, mimetype=services.IMAGE_TYPES[path.suffix.lower()], max_age=86400)


@bp.route("/import", methods=["GET", "POST"])
@allow(roles.MANAGE)
def import_skus():
    """Upload a CSV/XLSX of SKUs: stored and imported in the background; on to its progress page."""
    if request.method == "POST":
        with flash_errors(text=lambda error: sentence(error.message)) as refused:
            job = sku_imports.start_import(request.files.get("file"), actor=current_user)
        if refused:
            return render_template("catalog/import.html", imports=sku_imports.recent_imports()), refused.status
        return redirect(url_for("catalog.import_job", import_id=job.id))
    return render_template("catalog/import.html", imports=sku_imports.recent_imports())


@bp.get("/import/<int:import_id>")
@allow(roles.MANAGE)
def import_job(import_id):
    """An import's progress while it runs; its counts, refused rows and report once it is done."""
    job = sku_imports.get_import(import_id)
    return render_template("catalog/import_job.html", job=job, sentence=sentence, stopped_text=stopped_text)


@bp.get("/import/<int:import_id>/status")
@allow(roles.MANAGE)
def import_status(import_id):
    """JSON progress polled by the import's page, its sentences in the reader's language."""
    row = sku_imports.get_import(import_id)
    job = row.to_dict()
    job["status_text"], job["stopped_text"] = _(job["status"]), stopped_text(row)
    job["message_text"] = sentence(job["message"])
    job["errors"] = [{**error, "reason_text": sentence(error["reason"])} for error in job["errors"]]
    return job


@bp.get("/import/<int:import_id>/report.csv")
@allow(roles.MANAGE)
def import_report(import_id):
    """The rows an import refused, as CSV (row, code, field, reason)."""
    return send_file(sku_imports.report_path(import_id), mimetype="text/csv", as_attachment=True,
                     download_name=f"sku-import-{import_id}-refused.csv")


def stopped_text(job):
    """What a failed import left imported, or "" (nothing, or it did not fail)."""
    if job.status != "failed" or not job.last_row:
        return ""
    return _("Imported before it stopped: the rows up to row {row}", row=job.last_row)


def sentence(text):
    """A refusal or failure the import wrote (in English) in the reader's language."""
    template, values = refusals.template_of(text or "")
    return _(template, **values) if text else ""
