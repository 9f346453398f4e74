"""Dock pages: the clerk's scan screen (big type, one always-focused input) and the manifests list."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.handover import services
from wms.i18n import _

bp = Blueprint("handover", __name__, url_prefix="/handover")


@bp.get("/")
@allow(roles.HANDOVER)
def index():
    """Open manifests, parcels waiting per carrier, recent closed manifests; open a new one."""
    from wms.shipping.models import Carrier
    from wms.extensions import db
    from sqlalchemy import select

    carriers = db.session.scalars(select(Carrier).where(Carrier.active.is_(True)).order_by(Carrier.code)).all()
    return render_template("handover/index.html", manifests=services.list_manifests(), carriers=carriers,
                           waiting=services.waiting_at_dock())


@bp.post("/manifests")
@allow(roles.HANDOVER)
def open_manifest():
    """Open a manifest for the chosen carrier."""
    with flash_errors() as refused:
        manifest = services.open_manifest(request.form.get("carrier", ""), actor=current_user)
    if refused:
        return redirect(url_for("handover.index"))
    return redirect(url_for("handover.manifest", manifest_id=manifest.id))


@bp.get("/manifests/<int:manifest_id>")
@allow(roles.HANDOVER)
def manifest(manifest_id):
    """The scan screen of one manifest."""
    return render_template("handover/manifest.html", manifest=services.get_manifest(manifest_id))


@bp.post("/manifests/<int:manifest_id>/scan")
@allow(roles.HANDOVER)
def scan(manifest_id):
    """A scanned tracking number (wedge scanner + Enter): on the manifest, or refused with the reason."""
    with flash_errors():
        parcel = services.scan_parcel(manifest_id, request.form.get("code", ""), actor=current_user)
        flash(_("On the manifest: {number}", number=parcel.tracking_number), "success")
    return redirect(url_for("handover.manifest", manifest_id=manifest_id))


@bp.post("/manifests/<int:manifest_id>/remove/<int:parcel_id>")
@allow(roles.HANDOVER)
def remove(manifest_id, parcel_id):
    """Take a parcel off an open manifest."""
    with flash_errors():
        services.remove_parcel(manifest_id, parcel_id, actor=current_user)
    return redirect(url_for("handover.manifest", manifest_id=manifest_id))


@bp.post("/manifests/<int:manifest_id>/close")
@allow(roles.HANDOVER)
def close(manifest_id):
    """The driver signed: ship everything on the manifest, then print it."""
    with flash_errors() as refused:
        result = services.close_manifest(manifest_id, actor=current_user)
    if refused:
        return redirect(url_for("handover.manifest", manifest_id=manifest_id))
    flash(_("Manifest closed: {count} parcels shipped", count=len(result["shipped"])), "success")
    if result["skipped"]:
        flash(_("Left off (cancelled): {orders}", orders=", ".join(result["skipped"])), "error")
    return redirect(url_for("handover.manifest", manifest_id=manifest_id, printed=1))


@bp.get("/manifests/<int:manifest_id>.pdf")
@allow(roles.HANDOVER)
def manifest_pdf(manifest_id):
    """The manifest as a PDF for the driver to sign."""
    filename, data = services.manifest_pdf(manifest_id, current_app.config["WAREHOUSE_TIMEZONE"])
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
