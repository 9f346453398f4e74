"""The SKU mapping queue page (reviewers and admins): platform SKU keys to map to our SKUs.

Routes live on the channel pages blueprint (`channels.*`); wms/channels/pages.py imports this module.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.channels import mapping_services as services
from wms.channels.pages import bp
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _


@bp.route("/sku-mappings", methods=["GET"])
@allow(roles.REVIEW)
def sku_mappings():
    """The queue: open (unmapped) keys first, with a SKU search box per row."""
    return _queue_page(request.args)


def _queue_page(args, refused_row=None, typed="", refused=None):
    """The queue as `args` filter it; after a refused mapping, that row's input as typed and marked."""
    show = args.get("show", "open")
    show = show if show in ("open", "resolved", "all") else "open"
    channel_id = args.get("channel_id", type=int)
    return render_template("channels/sku_mappings.html", refused_row=refused_row, typed=typed,
                           errors=field_errors(refused), **services.mapping_queue(channel_id=channel_id, show=show))


@bp.route("/sku-mappings/<int:mapping_id>", methods=["POST"])
@allow(roles.REVIEW)
def map_sku(mapping_id):
    """Map one platform key to the SKU with the code (or barcode) typed in its row."""
    with flash_errors() as refused:
        result = services.map_sku_by_code(mapping_id, request.form.get("sku", ""), current_user)
    if refused:   # the row keeps what was typed, marked
        return _queue_page(request.form, mapping_id, request.form.get("sku", ""), refused), refused.status
    flash(_("{key} mapped to {sku}: {orders} order(s) re-linked, {released} released from hold",
            key=result["mapping"].platform_sku, sku=result["sku"].code, orders=len(result["orders"]),
            released=len(result["released"])), "success")
    return redirect(url_for("channels.sku_mappings", **_filters()))


@bp.route("/sku-mappings/skus", methods=["GET"])
@allow(roles.REVIEW)
def sku_search():
    """JSON for the search box: active SKUs by code, name or exact barcode."""
    return {"skus": [{"id": sku.id, "code": sku.code, "name": sku.name}
                     for sku in services.search_skus(request.args.get("q", ""))]}


def _filters():
    return {key: value for key in ("show", "channel_id") if (value := request.form.get(key) or request.args.get(key))}
