"""The presales page (预售): how each store's presales go to allocation, and how many wait, on the
inventory blueprint (pages.py calls `routes(bp)` once).

A supervisor chooses per store: on their ship-from date (the default), or as soon as their stock is
all there (their date at the latest); wms.orders.presale is the rule, wms.inventory.presales the use cases.
"""
from flask import flash, redirect, render_template, request, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.catalog import services as catalog
from wms.errors import flash_errors
from wms.i18n import _
from wms.inventory import presales


@allow(roles.SUPERVISE)
def presale_settings():
    """Each store's presale release (on the date, or on stock) and its presales waiting."""
    return render_template("inventory/presales.html", stores=presales.stores_overview(), skus=catalog.presale_skus())


@allow(roles.SUPERVISE)
def set_presale_release(channel_id):
    """Choose how a store's presales go to allocation: `date` or `stock`."""
    with flash_errors() as refused:
        presales.set_presale_release(channel_id, request.form.get("presale_release"))
    if not refused:
        flash(_("Saved"), "success")
    return redirect(url_for("inventory.presale_settings"))


@allow(roles.SUPERVISE)
def set_presale_sku():
    """Make a SKU a presale until a day (blank: no longer): its lines wait for that day before allocation."""
    with flash_errors() as refused:
        catalog.set_presale_until(request.form.get("sku_code"), request.form.get("presale_until"))
    if not refused:
        flash(_("Saved"), "success")
    return redirect(url_for("inventory.presale_settings"))


def routes(bp):
    """Put the presale views on the inventory blueprint (called once by wms.inventory.pages)."""
    bp.add_url_rule("/presales", view_func=presale_settings, endpoint="presale_settings")
    bp.add_url_rule("/presales/<int:channel_id>", view_func=set_presale_release, endpoint="set_presale_release",
                    methods=["POST"])
    bp.add_url_rule("/presales/skus", view_func=set_presale_sku, endpoint="set_presale_sku", methods=["POST"])
