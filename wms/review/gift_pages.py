"""The gift rules pages (赠品规则) and the desk's removal of a gift line, on the review blueprint.

pages.py calls `routes(bp)` once: the views live here so the desk's pages module stays its size.
"""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.review import gift_settings, gifts
from wms.review import queue as desk
from wms.review.gift_models import GIFT_KINDS
from wms.timeutil import to_local

FORM_FIELDS = ("name", "bought_skus", "min_amount", "paid_from", "paid_until", "remark_words", "first_orders",
               "gift_kind", "gift_skus", "gift_qty", "per_unit_bought", "per_order_max", "total_max")


@allow(roles.SUPERVISE)
def gift_rules():
    """Every gift rule: what it gives and when, how much it gave, whether it ran out; switch on and off."""
    rows = gift_settings.rules()
    return render_template("review/gifts.html", rules=rows, codes=gift_settings.gift_sku_codes(rows),
                           channels={c.id: c for c in desk.channels()}, ran_out=gift_settings.ran_out,
                           ran_out_words=gifts.RAN_OUT_WORDS)


@allow(roles.SUPERVISE)
def new_gift_rule():
    """The form for a new gift rule; a refusal shows it again as typed with the wrong inputs marked."""
    if request.method == "POST":
        return _save(None)
    return _form(None, {"gift_qty": "1", "per_order_max": "1", "gift_kind": "fixed"})


@allow(roles.SUPERVISE)
def edit_gift_rule(rule_id):
    """Change a gift rule (its counters stay: what it gave is given)."""
    if request.method == "POST":
        return _save(rule_id)
    return _form(gift_settings.get_rule(rule_id), None)


@allow(roles.SUPERVISE)
def switch_gift_rule(rule_id):
    """Switch a gift rule on or off."""
    active = request.form.get("active") == "1"
    with flash_errors():
        gift_settings.set_active(rule_id, active, actor=current_user._get_current_object())
        flash(_("Gift rule switched on") if active else _("Gift rule switched off"), "success")
    return redirect(url_for("review.gift_rules"))


@allow(roles.REVIEW)
def remove_gift(order_id, line_id):
    """A reviewer takes a gift line off an order that can still be changed (a timeline entry says so)."""
    with flash_errors() as refused:
        gifts.remove_gift(order_id, line_id, actor=current_user._get_current_object(),
                          expected_version=request.form.get("expected_version", type=int))
    if not refused:
        flash(_("Gift removed"), "success")
    return redirect(url_for("review.order", order_id=order_id))


def _save(rule_id):
    values = {name: request.form.get(name, "") for name in FORM_FIELDS}
    values["channels"] = request.form.getlist("channels")
    with flash_errors() as refused:
        rule = gift_settings.save_rule(values, actor=current_user._get_current_object(), rule_id=rule_id,
                                       tz_name=current_app.config["WAREHOUSE_TIMEZONE"])
    if refused:
        rule = gift_settings.get_rule(rule_id) if rule_id is not None else None
        return _form(rule, request.form, refused), refused.status
    flash(_("Gift rule saved"), "success")
    return redirect(url_for("review.gift_rules", _anchor=f"rule-{rule.id}"))


def _form(rule, posted, refused=None):
    shown = posted if posted is not None else _as_typed(rule)
    chosen = set(shown.getlist("channels")) if hasattr(shown, "getlist") else set(shown.get("channels", ()))
    return render_template("review/gift_form.html", rule=rule, form=shown, chosen=chosen,
                           channels=desk.channels(), kinds=[(kind, _(kind)) for kind in GIFT_KINDS],
                           errors=field_errors(refused))


def _as_typed(rule):
    """A rule's values as its form shows them (times in the warehouse's zone, amounts in yuan)."""
    tz = current_app.config["WAREHOUSE_TIMEZONE"]
    codes = gift_settings.gift_sku_codes([rule])

    def when(value):
        return to_local(value, tz).strftime("%Y-%m-%dT%H:%M") if value else ""

    return {"name": rule.name, "channels": [str(i) for i in rule.channel_ids or ()],
            "bought_skus": ", ".join(rule.bought_skus or ()), "remark_words": ", ".join(rule.remark_words or ()),
            "min_amount": "" if rule.min_amount_cents is None else f"{rule.min_amount_cents / 100:.2f}",
            "paid_from": when(rule.paid_from), "paid_until": when(rule.paid_until),
            "first_orders": rule.first_orders or "", "gift_kind": rule.gift_kind,
            "gift_skus": ", ".join(codes.get(i, "") for i in rule.gift_sku_ids or ()), "gift_qty": rule.gift_qty,
            "per_unit_bought": "on" if rule.per_unit_bought else "", "per_order_max": rule.per_order_max,
            "total_max": rule.total_max or ""}


def routes(bp):
    """Put the gift views on the review blueprint (called once by wms.review.pages)."""
    bp.add_url_rule("/gifts", view_func=gift_rules, endpoint="gift_rules")
    bp.add_url_rule("/gifts/new", view_func=new_gift_rule, endpoint="new_gift_rule", methods=["GET", "POST"])
    bp.add_url_rule("/gifts/<int:rule_id>", view_func=edit_gift_rule, endpoint="edit_gift_rule",
                    methods=["GET", "POST"])
    bp.add_url_rule("/gifts/<int:rule_id>/active", view_func=switch_gift_rule, endpoint="switch_gift_rule",
                    methods=["POST"])
    bp.add_url_rule("/orders/<int:order_id>/gifts/<int:line_id>/remove", view_func=remove_gift,
                    endpoint="remove_gift", methods=["POST"])
