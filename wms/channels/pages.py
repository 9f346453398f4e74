"""Channel sync desk pages: every channel's sync at a glance, where one stands, and "Sync now"."""
from flask import Blueprint, flash, redirect, render_template, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.channels import refunds, services, sync_overview
from wms.errors import flash_errors
from wms.i18n import _

bp = Blueprint("channels", __name__, url_prefix="/channels")


@bp.get("/")
@allow(roles.SUPERVISE)
def index():
    """Every channel under its platform: last successful sync, a sync under way, the way to its sync page."""
    return render_template("channels/index.html", groups=sync_overview.by_platform(sync_overview.sync_overview()))


@bp.route("/<int:channel_id>/sync", methods=["GET"])
@allow(roles.SUPERVISE)
def sync_page(channel_id):
    """The channel's sync status: its orders' and its refunds' (issue 19 item 3)."""
    return render_template("channels/sync.html", **services.sync_status(channel_id), **refunds.refund_status(channel_id))


@bp.route("/<int:channel_id>/sync", methods=["POST"])
@allow(roles.SUPERVISE)
def sync_now(channel_id):
    """Enqueue a sync now (or say one is already queued)."""
    with flash_errors():
        _job, is_new = services.request_sync(channel_id)
        flash(_("Sync queued") if is_new else _("A sync is already queued or running"), "success")
    return redirect(url_for("channels.sync_page", channel_id=channel_id))


from wms.channels import mapping_pages, stock_pages  # noqa: E402,F401  (the SKU mapping queue and stock sync pages: routes on this blueprint)
