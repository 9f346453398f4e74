"""Shipping pages: the waybill-failed queue (运单号申请失败), labels, carriers, an order's carrier and
its customs declaration (报关信息) with the CN 22 / CN 23 form."""
import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import NotFound, flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.orders import stores
from wms.shipping import (
    carrier_services, carrier_settings, customs, declarations, early_waybills, label_files, parcel_list, print_jobs,
    station_access, waybill_failures, waybills)

bp = Blueprint("shipping", __name__, url_prefix="/shipping")


@bp.get("/waybills/failed")
@allow(roles.SUPERVISE)
def failed():
    """Parcels whose waybill request failed, with the reason and a retry."""
    return render_template("shipping/failed.html", **waybill_failures.failed_desk())


@bp.post("/parcels/<int:parcel_id>/retry")
@allow(roles.SUPERVISE)
def retry(parcel_id):
    """Ask the carrier again (one waybill per parcel, whatever happens)."""
    with flash_errors():
        waybill_failures.retry_waybill(parcel_id, actor=current_user)
        flash(_("Waybill requested again for parcel {id}", id=parcel_id), "success")
    return redirect(url_for(".failed"))


@bp.post("/parcels/<int:parcel_id>/fix")
@allow(roles.SUPERVISE)
def fix_and_retry(parcel_id):
    """Another carrier and/or the order's address corrected, then ask again."""
    form = request.form
    with flash_errors():
        waybill_failures.fix_and_retry_waybill(
            parcel_id, carrier_code=form.get("carrier_code", ""), actor=current_user,
            address={name: form[name] for name in waybill_failures.FIXABLE_ADDRESS if name in form})
        flash(_("Waybill requested again for parcel {id}", id=parcel_id), "success")
    return redirect(url_for(".failed"))


@bp.post("/parcels/<int:parcel_id>/by-hand")
@allow(roles.SUPERVISE)
def ship_by_hand(parcel_id):
    """手动填写运单号: the number of a waybill made elsewhere labels the parcel for handover."""
    form = request.form
    with flash_errors():
        waybill_failures.ship_by_hand(parcel_id, carrier_code=form.get("carrier_code", ""),
                              tracking_number=form.get("tracking_number", ""), reason=form.get("reason", ""),
                              actor=current_user)
        flash(_("Parcel {id} labelled with the number typed", id=parcel_id), "success")
    return redirect(url_for(".failed"))


@bp.post("/parcels/<int:parcel_id>/void-failed")
@allow(roles.SUPERVISE)
def void_failed(parcel_id):
    """Void a parcel that has no waybill; its order is sealed again."""
    with flash_errors():
        waybill_failures.void_failed_parcel(parcel_id, request.form.get("reason", ""), actor=current_user)
        flash(_("Parcel {id} voided: seal the order again", id=parcel_id), "success")
    return redirect(url_for(".failed"))


@bp.post("/parcels/<int:parcel_id>/void")
@allow(roles.SUPERVISE)
def void(parcel_id):
    """Cancel the waybill at the carrier; the order goes back to packed."""
    with flash_errors():
        waybills.void_label(parcel_id, actor=current_user, reason=request.form.get("reason", "voided")[:200])
        flash(_("Label voided"), "success")
    return redirect(request.referrer or url_for(".failed"))


@bp.get("/parcels")
@allow(roles.SUPERVISE)
def parcels():
    """Parcels in any state (filtered by state, or one order / tracking number), paged: label, reprint, void."""
    q, status = request.args.get("q", ""), request.args.get("status", "")
    listed, store = None, None
    with flash_errors() as refused:
        store = stores.store_id(request.args.get("channel"))
        listed = parcel_list.parcel_page(q, status, page=request.args.get("page", 1, type=int) or 1, channel_id=store)
    return render_template("shipping/parcels.html", listed=listed, q=q, status=status, store=store,
                           stores=stores.store_groups(), states=parcel_list.PARCEL_STATES), \
        refused.status if refused else 200


@bp.post("/parcels/<int:parcel_id>/reprint")
@allow(roles.SUPERVISE)
def reprint(parcel_id):
    """Print the label again at the parcel's station."""
    with flash_errors():
        print_jobs.reprint(parcel_id, request.form.get("station") or None, actor=current_user)
        flash(_("Label sent to the station again"), "success")
    return redirect(request.referrer or url_for(".parcels"))


@bp.get("/parcels/<int:parcel_id>/label.pdf")
@allow(roles.PACK)
def label_pdf(parcel_id):
    """The parcel's label as PDF (the station prints it through the browser; a packer: their station's)."""
    station_access.require_label(current_user, parcel_id)
    path = label_files.label_path(parcel_id)
    return send_file(path, mimetype="application/pdf", download_name=f"label-{parcel_id}.pdf")


@bp.get("/early-waybills/<int:waybill_id>/label.pdf")
@allow(roles.PACK)
def early_label_pdf(waybill_id):
    """The label of a waybill requested before picking, as PDF (a station prints a batch of them through the
    browser; a packer: one sent to their station)."""
    row = station_access.require_early_label(current_user, waybill_id)
    return send_file(early_waybills.label_path(row), mimetype="application/pdf",
                     download_name=f"label-{row.tracking_number}.pdf")


@bp.get("/carriers")
@allow(roles.MANAGE)
def carriers():
    """Carriers: name, cut-offs, rules (regions, weight, price, sender) and API settings, as forms."""
    return _carriers_page()


@bp.post("/carriers")
@allow(roles.MANAGE)
def save_carrier():
    """Create or update a carrier; a refused post shows the form again as typed, the wrong inputs marked."""
    form = request.form
    with flash_errors() as refused:
        carrier_services.save_carrier(form.get("code", ""), name=form.get("name", "").strip(),
                                      cutoffs=form.get("cutoffs", ""), settings_form=form,
                                      active=bool(form.get("active")))
    if refused:
        return _carriers_page(form, field_errors(refused)), refused.status
    flash(_("Carrier saved"), "success")
    return redirect(url_for(".carriers"))


def _carriers_page(posted=None, errors=None):
    """One form per carrier and one for a new carrier; the refused one (by code) shows what was posted."""
    refused_code = (posted.get("code") or "").strip() if posted is not None else None
    forms, matched = [], False
    for carrier in carrier_services.list_carriers():
        mine = carrier.code == refused_code
        matched = matched or mine
        form = carrier_settings.form_for(carrier_settings.adapter_of(carrier.settings))
        forms.append({"key": carrier.code, "carrier": carrier, "shown": posted if mine else _carrier_values(carrier),
                      "errors": errors if mine else {}, "saved_secrets": form.stored_secrets(carrier.settings)})
    new = posted if posted is not None and not matched else {"adapter": carrier_settings.DEFAULT_ADAPTER,
                                                               "active": "1", "settings": "{}"}
    forms.append({"key": "new", "carrier": None, "shown": new, "errors": errors if new is posted else {},
                  "saved_secrets": set()})
    adapters = [(kind, _(carrier_settings.ADAPTER_LABELS.get(kind, kind)))
                for kind in carrier_settings.CARRIER_SETTINGS.forms]
    return render_template("shipping/carriers.html", forms=forms, adapters=adapters,
                           family=carrier_settings.CARRIER_SETTINGS)


def _carrier_values(carrier):
    """A stored carrier as its form's values: the settings as fields, the rest as JSON."""
    adapter = carrier_settings.adapter_of(carrier.settings)
    form = carrier_settings.form_for(adapter)
    return {"code": carrier.code, "name": carrier.name, "cutoffs": ", ".join(carrier.cutoffs or []),
            "active": "1" if carrier.active else "", "adapter": adapter, **form.page_values(carrier.settings),
            "settings": form.advanced_text(carrier.settings)}


@bp.get("/orders/<int:order_id>/carrier")
@allow(roles.REVIEW)
def order_carrier(order_id):
    """The carrier the rules choose for an order, why, and a form to change it."""
    order, choice = carrier_services.order_carrier_view(order_id)
    if order is None:
        raise NotFound("order not found")
    return render_template("shipping/order_carrier.html", order=order, choice=choice,
                           carriers=carrier_services.list_carriers())


@bp.post("/orders/<int:order_id>/carrier")
@allow(roles.REVIEW)
def change_order_carrier(order_id):
    """Change the order's carrier (until its label exists)."""
    with flash_errors():
        carrier_services.change_carrier(order_id, request.form.get("carrier_code", ""), actor=current_user)
        flash(_("Carrier changed"), "success")
    return redirect(url_for(".order_carrier", order_id=order_id))


@bp.app_template_global("customs_status")
def customs_status(order):
    """For any page showing an order (the review desk's, the failed queue): its customs declaration's
    gaps and form, or None for an order that stays in China."""
    return declarations.status_of(order)


@bp.route("/orders/<int:order_id>/customs", methods=["GET", "POST"])
@allow(roles.REVIEW)
def order_customs(order_id):
    """An order's customs declaration (报关信息): what is missing, each line's declared names, HS code,
    value, origin and material, the IOSS / VAT number; a reviewer corrects it here."""
    if request.method == "POST":
        with flash_errors() as refused:
            declarations.save_declaration(order_id, request.form, actor=current_user)
        if refused:
            order, status = declarations.declaration_view(order_id)
            return render_template("shipping/customs.html", order=order, status=status, form=request.form,
                                   field=getattr(refused.error, "details", {}).get("field"),
                                   categories=customs.CATEGORIES, currencies=customs.CURRENCIES,
                                   category_labels=customs.CATEGORY_LABELS), refused.status
        flash(_("Customs declaration saved"), "success")
        return redirect(url_for(".order_customs", order_id=order_id))
    order, status = declarations.declaration_view(order_id)
    return render_template("shipping/customs.html", order=order, status=status, form={}, field=None,
                           categories=customs.CATEGORIES, currencies=customs.CURRENCIES,
                                   category_labels=customs.CATEGORY_LABELS)


@bp.post("/orders/<int:order_id>/customs/reset")
@allow(roles.REVIEW)
def reset_order_customs(order_id):
    """Forget the reviewer's changes: the declaration follows the catalogue again."""
    with flash_errors():
        declarations.reset_declaration(order_id, actor=current_user)
        flash(_("Customs declaration taken from the catalogue again"), "success")
    return redirect(url_for(".order_customs", order_id=order_id))


@bp.get("/orders/<int:order_id>/customs.pdf")
@allow(roles.REVIEW | roles.PACK)
def order_customs_pdf(order_id):
    """The order's CN 22 (contents up to 300 SDR) or CN 23, to print and fix to the parcel."""
    with flash_errors() as refused:
        name, pdf = declarations.form_pdf(order_id)
    if refused:
        return redirect(url_for(".order_customs", order_id=order_id))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=name)
