"""SKU catalogue desk pages: list and search, create/edit with barcodes and image, CSV/XLSX import."""
import tempfile
from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow, require_scope
from wms.catalog import services
from wms.errors import DomainError, ValidationFailed
from wms.i18n import _

def error_text(error):
    """A service's refusal in the user's language (templated refusals keep their values)."""
    return _(getattr(error, "template", error.message), **getattr(error, "values", {}))


bp = Blueprint("catalog", __name__, url_prefix="/catalog")
PER_PAGE = 50
_FIELDS = ("name", "weight_g", "length_mm", "width_mm", "height_mm", "image_url")


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
    """Create a SKU."""
    form = request.form
    if request.method == "POST":
        try:
            sku = services.create_sku(form.get("code"), form.get("name"), barcodes=form.get("barcodes", ""),
                                      **_numbers(form))
        except DomainError as error:
            flash(error_text(error), "error")
            return render_template("catalog/sku_form.html", sku=None, form=form), error.status
        flash(_("SKU {code} created", code=sku.code), "success")
        return redirect(url_for("catalog.edit_sku", sku_id=sku.id))
    return render_template("catalog/sku_form.html", sku=None, form={})


@bp.route("/skus/<int:sku_id>", methods=["GET", "POST"])
@allow(roles.MANAGE)
def edit_sku(sku_id):
    """Edit a SKU's name, weight, dimensions and image URL; its barcodes below."""
    sku = services.get_sku(sku_id)
    if request.method == "POST":
        try:
            services.update_sku(sku_id, name=request.form.get("name"), **_numbers(request.form))
        except DomainError as error:
            flash(error_text(error), "error")
            return render_template("catalog/sku_form.html", sku=sku, form=request.form), error.status
        flash(_("Saved"), "success")
        return redirect(url_for("catalog.edit_sku", sku_id=sku_id))
    return render_template("catalog/sku_form.html", sku=sku, form={})


def _numbers(form):
    values = {name: form.get(name, "").strip() for name in ("weight_g", "length_mm", "width_mm", "height_mm")}
    values = {name: value or 0 for name, value in values.items()}
    values["image_url"] = form.get("image_url", "").strip() or None
    return values


@bp.post("/skus/<int:sku_id>/barcodes")
@allow(roles.MANAGE)
def add_barcode(sku_id):
    """Add a barcode; one that belongs to another SKU is refused, naming it."""
    try:
        services.add_barcode(sku_id, request.form.get("barcode", ""))
        flash(_("Barcode added"), "success")
    except DomainError as error:
        flash(error_text(error), "error")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


@bp.post("/skus/<int:sku_id>/barcodes/delete")
@allow(roles.MANAGE)
def remove_barcode(sku_id):
    """Remove one of a SKU's barcodes."""
    try:
        services.remove_barcode(sku_id, request.form.get("barcode", ""))
        flash(_("Barcode removed"), "success")
    except DomainError as error:
        flash(error_text(error), "error")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


@bp.post("/skus/<int:sku_id>/image")
@allow(roles.MANAGE)
def upload_image(sku_id):
    """Upload the SKU's picture (JPG, PNG, WEBP or GIF, at most 5 MB)."""
    upload = request.files.get("image")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed("Choose an image file", field="image")
        services.save_image(sku_id, upload.filename, upload.stream)
        flash(_("Image saved"), "success")
    except DomainError as error:
        flash(error_text(error), "error")
    return redirect(url_for("catalog.edit_sku", sku_id=sku_id))


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
    """Import SKUs from CSV/XLSX: good rows are upserted by code, bad rows listed with the reason."""
    if request.method == "GET":
        return render_template("catalog/import.html", report=None, report_id=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV or XLSX file"), "error")
        return render_template("catalog/import.html", report=None, report_id=None), 422
    suffix = Path(upload.filename).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        upload.save(tmp.name)
        try:
            report = services.import_skus(tmp.name, upload.filename)
        except DomainError as error:
            flash(error_text(error), "error")
            return render_template("catalog/import.html", report=None, report_id=None), error.status
    report_id = services.store_report(report) if report.errors else None
    return render_template("catalog/import.html", report=report, report_id=report_id)


@bp.get("/import/reports/<report_id>.csv")
@allow(roles.MANAGE)
def import_report(report_id):
    """The rows an import refused, as CSV (row, code, field, reason)."""
    path = services.report_path(report_id)
    return Response(path.read_bytes(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=sku-import-errors-{report_id[:8]}.csv"})

