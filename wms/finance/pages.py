"""The finance desk (财审): orders waiting for finance with why each waits, approve / reject one or
many, the finance rules, and a store's finance review switch (on the admin's channel page)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.finance import rules, services
from wms.forms import field_errors
from wms.i18n import _
from wms.orders import stores

bp = Blueprint("finance", __name__, url_prefix="/finance")


def _filters(args):
    """The desk's filters from its link; a store or platform that is not one is no filter."""
    channel, platform = args.get("channel", ""), args.get("platform", "")
    return services.DeskFilters(
        channel_id=int(channel) if channel.isascii() and channel.isdigit() and len(channel) <= 9 else None,
        platform=platform if platform in stores.PLATFORM_NAMES else "")


@bp.get("/")
@allow(roles.FINANCE_REVIEW)
def desk():
    """Orders waiting for finance review, the rules' reasons on each; approve or reject them."""
    filters = _filters(request.args)
    return render_template("finance/desk.html", page=services.waiting(filters), filters=filters,
                           stores=stores.store_groups(), platforms=stores.PLATFORM_ORDER,
                           platform_names=stores.PLATFORM_NAMES, rule_of=rules.REASON_RULES, catalogue=rules.RULES)


@bp.post("/orders/<int:order_id>/<any(approve, reject):decision>")
@allow(roles.FINANCE_REVIEW)
def decide(order_id, decision):
    """Approve (a note may say why) or reject (a reason is needed) one order, at the version shown."""
    actor, version = current_user._get_current_object(), request.form.get("expected_version", type=int)
    with flash_errors():
        if decision == "approve":
            order = services.approve(order_id, actor=actor, expected_version=version, note=request.form.get("note"))
            flash(_("Order {order} approved: it goes on to allocation", order=order.external_id), "success")
        else:
            order = services.reject(order_id, actor=actor, expected_version=version, reason=request.form.get("note"))
            flash(_("Order {order} rejected: back on the review desk, on hold", order=order.external_id), "success")
    return redirect(_back())


@bp.post("/bulk")
@allow(roles.FINANCE_REVIEW)
def bulk():
    """Approve or reject the ticked orders (each at the version shown); each is reported on its own."""
    ids = request.form.getlist("order_ids", type=int)
    versions = {i: request.form.get(f"version_{i}", type=int) for i in ids}
    decision = request.form.get("decision", "")
    with flash_errors() as refused:
        results = services.bulk(ids, decision, actor=current_user._get_current_object(),
                                note=request.form.get("note", ""), expected_versions=versions)
    if refused:
        return redirect(_back())
    done = sum(r["outcome"] != "skipped" for r in results)
    flash(_("Approved {done}, skipped {skipped}", done=done, skipped=len(results) - done) if decision == "approve"
          else _("Rejected {done}, skipped {skipped}", done=done, skipped=len(results) - done),
          "success" if done == len(results) else "error")
    for row in results:
        if row["outcome"] == "skipped":
            flash(f"{row['external_id'] or row['order_id']}: {row['text']}", "error")
    return redirect(_back())


def _back():
    target = request.form.get("next") or ""
    return target if target.startswith("/finance") and not target.startswith("//") else url_for("finance.desk")


@bp.route("/rules", methods=["GET", "POST"])
@allow(roles.FINANCE_REVIEW)
def rule_settings():
    """Which orders wait for finance: each rule on or off, the amount thresholds, the discount share."""
    if request.method == "POST":
        form = request.form
        with flash_errors() as refused:
            values = {"cod": {}, "invoice": {}, "below_cost": {},
                      "amount": {"params": {"thresholds": rules.parse_thresholds(form.get("thresholds", ""))}},
                      "discount": {"params": {"max_percent": form.get("max_percent", "").strip()}}}
            for code in values:
                values[code]["enabled"] = form.get(f"enabled_{code}") == "on"
            services.save_rule_settings(values, actor=current_user._get_current_object())
        if refused:
            return _rules_page(form, refused), refused.status
        flash(_("Rules saved"), "success")
        return redirect(url_for("finance.rule_settings"))
    return _rules_page()


def _rules_page(posted=None, refused=None, cost_form=None):
    settings = services.rule_settings()
    params = {code: values for code, _on, values in settings}
    shown = {"thresholds": rules.thresholds_text(params["amount"].get("thresholds")),
             "max_percent": params["discount"].get("max_percent", "")}
    if posted is not None:
        shown = {"thresholds": posted.get("thresholds", ""), "max_percent": posted.get("max_percent", "")}
    enabled = {code: (posted.get(f"enabled_{code}") == "on") if posted is not None else on
               for code, on, _params in settings}
    costed, costed_total = services.costed_skus()
    errors = field_errors(refused, {"amount": "thresholds", "discount": "max_percent"})
    return render_template("finance/rules.html", catalogue=rules.RULES, enabled=enabled, shown=shown,
                           errors={} if cost_form is not None else errors, cost_errors=errors if cost_form is not None
                           else {}, cost_form=cost_form or {}, costed=costed, costed_total=costed_total)


@bp.post("/costs")
@allow(roles.FINANCE_REVIEW)
def sku_cost():
    """Set or clear one SKU's unit cost (成本价), which the price-below-cost rule compares with."""
    with flash_errors() as refused:
        sku = services.set_sku_cost(request.form.get("sku"), request.form.get("cost"),
                                    actor=current_user._get_current_object())
    if refused:
        return _rules_page(refused=refused, cost_form=request.form), refused.status
    flash(_("Cost of {sku} saved", sku=sku.code), "success")
    return redirect(url_for("finance.rule_settings") + "#sku-costs")


@bp.post("/channels/<int:channel_id>")
@allow(roles.MANAGE)
def channel_setting(channel_id):
    """Switch a store's finance review on or off (from the admin's channel page)."""
    services.set_channel_finance_review(channel_id, request.form.get("finance_review") == "on",
                                        actor=current_user._get_current_object())
    flash(_("Saved"), "success")
    return redirect(url_for("admin.edit_channel", channel_id=channel_id))
