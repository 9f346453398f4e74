"""The tag rules page (订单分类): list, create, edit, switch on / off, reorder, and "apply to open
orders now". Routes on the review desk's blueprint (`review.*`), registered by `routes(bp)`."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.review import tagging

TEXT_FIELDS = ("name", "regions", "currency", "min_amount", "max_amount", "skus", "words", "tags", "priority")
LIST_FIELDS = ("channel_ids", "platforms")


def posted_rule(form):
    """What the rule form posted: its text fields and its two lists (stores, platforms)."""
    return {**{name: form.get(name, "") for name in TEXT_FIELDS}, **{name: form.getlist(name) for name in LIST_FIELDS}}


def form_of(rule):
    """The rule form's values of a stored rule (amounts back in yuan, lists as typed)."""
    c = rule.conditions or {}
    amount = lambda cents: "" if cents is None else f"{cents / 100:.2f}"  # noqa: E731
    return {"name": rule.name, "regions": ", ".join(c.get("regions", [])), "skus": ", ".join(c.get("skus", [])),
            "words": ", ".join(c.get("words", [])), "tags": ", ".join(rule.tags or []),
            "priority": "" if rule.priority is None else rule.priority, "currency": c.get("currency", ""),
            "min_amount": amount(c.get("min_cents")), "max_amount": amount(c.get("max_cents")),
            "channel_ids": [str(i) for i in c.get("channel_ids", [])], "platforms": c.get("platforms", [])}


def _page(posted=None, refused=None, status=200):
    channels = tagging.channel_choices()
    return render_template(
        "review/tag_rules.html", rules=tagging.list_rules(), form=posted or {}, errors=field_errors(refused),
        channels=channels, channel_names={cid: name for cid, name in channels},
        platforms=[(p, _(label)) for p, label in tagging.PLATFORM_LABELS.items()]), status


def _edit_page(rule, posted=None, refused=None, status=200):
    channels = tagging.channel_choices()
    return render_template("review/tag_rule.html", rule=rule, form=posted or form_of(rule),
                           errors=field_errors(refused), channels=channels,
                           platforms=[(p, _(label)) for p, label in tagging.PLATFORM_LABELS.items()]), status


def routes(bp):
    """Register the tag rules' views on the review blueprint."""

    @bp.route("/tags", methods=["GET", "POST"])
    @allow(roles.SUPERVISE)
    def tag_rules():
        """The tag rules in their order, and the form of a new one."""
        if request.method == "GET":
            return _page()
        with flash_errors() as refused:
            tagging.create_rule(posted_rule(request.form), actor=current_user._get_current_object())
        if refused:
            return _page(request.form, refused, refused.status)
        flash(_("Tag rule saved"), "success")
        return redirect(url_for("review.tag_rules"))

    @bp.route("/tags/<int:rule_id>", methods=["GET", "POST"])
    @allow(roles.SUPERVISE)
    def tag_rule(rule_id):
        """One rule's form: change its conditions, tags and priority."""
        if request.method == "GET":
            return _edit_page(tagging.get_rule(rule_id))
        with flash_errors() as refused:
            tagging.update_rule(rule_id, posted_rule(request.form), actor=current_user._get_current_object(),
                                expected_version=request.form.get("expected_version", type=int))
        if refused:
            return _edit_page(tagging.get_rule(rule_id), request.form, refused, refused.status)
        flash(_("Tag rule saved"), "success")
        return redirect(url_for("review.tag_rules"))

    @bp.post("/tags/<int:rule_id>/enabled")
    @allow(roles.SUPERVISE)
    def tag_rule_enabled(rule_id):
        """Switch a rule on (enabled=1) or off."""
        with flash_errors():
            rule = tagging.set_enabled(rule_id, request.form.get("enabled") == "1",
                                       actor=current_user._get_current_object(),
                                       expected_version=request.form.get("expected_version", type=int))
            flash(_("Tag rule switched on") if rule.enabled else _("Tag rule switched off"), "success")
        return redirect(url_for("review.tag_rules"))

    @bp.post("/tags/<int:rule_id>/move")
    @allow(roles.SUPERVISE)
    def tag_rule_move(rule_id):
        """Move a rule one place up (direction=-1) or down."""
        with flash_errors():
            tagging.move_rule(rule_id, request.form.get("direction", type=int) or 1,
                              actor=current_user._get_current_object())
        return redirect(url_for("review.tag_rules"))

    @bp.post("/tags/apply")
    @allow(roles.SUPERVISE)
    def tag_rules_apply():
        """Apply the rules switched on to every open order now (a background job)."""
        with flash_errors():
            count = tagging.apply_to_open_orders_later(actor=current_user._get_current_object())
            flash(_("The tag rules are being applied to {count} open orders", count=count), "success")
        return redirect(url_for("review.tag_rules"))
