"""The store's stock sync page (库存同步): last pushed quantities and refusals, pause / resume, push all
now, the store's share. Routes live on the channel pages blueprint (`channels.*`)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.channels import stock_sync_desk
from wms.channels.pages import bp
from wms.errors import flash_errors
from wms.i18n import _
from wms.orders.models import Channel
from wms.rows import get_or_not_found


@bp.route("/<int:channel_id>/stock", methods=["GET"])
@allow(roles.SUPERVISE)
def stock_page(channel_id):
    """Where the store's stock sync stands: figures, latest pushes, refusals, and its controls."""
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    return render_template("channels/stock.html", channel=channel, stock=stock_sync_desk.stock_status(channel_id))


@bp.route("/<int:channel_id>/stock/pause", methods=["POST"])
@allow(roles.SUPERVISE)
def stock_pause(channel_id):
    """Pause (paused=1) or resume (paused=0) the store's stock sync."""
    paused = request.form.get("paused") == "1"
    with flash_errors():
        stock_sync_desk.set_paused(channel_id, paused, actor=current_user)
        flash(_("Stock sync paused") if paused else _("Stock sync resumed"), "success")
    return redirect(url_for("channels.stock_page", channel_id=channel_id))


@bp.route("/<int:channel_id>/stock/push-all", methods=["POST"])
@allow(roles.SUPERVISE)
def stock_push_all(channel_id):
    """Push every platform SKU of the store now, changed or not."""
    with flash_errors():
        count = stock_sync_desk.push_all_now(channel_id, actor=current_user)
        flash(_("{count} platform SKU(s) queued for a push", count=count), "success")
    return redirect(url_for("channels.stock_page", channel_id=channel_id))


@bp.route("/<int:channel_id>/stock/rule", methods=["POST"])
@allow(roles.SUPERVISE)
def stock_rule(channel_id):
    """The store's share of the free stock (%) or a fixed quantity."""
    with flash_errors():
        stock_sync_desk.set_rule(channel_id, request.form.get("share_pct", ""), request.form.get("fixed_qty") or None,
                                 actor=current_user)
        flash(_("Stock rule saved"), "success")
    return redirect(url_for("channels.stock_page", channel_id=channel_id))
