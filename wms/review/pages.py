"""The review desk (订单审核): queue, order page with every action, rule settings, blacklist."""
import json
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.orders import next_steps, states
from wms.review import queue as desk
from wms.review import duplicates, gift_pages, rules, services, settings, tag_pages, tagging
from wms.review.models import BlacklistEntry
from wms.review.progress import order_facts

bp = Blueprint("review", __name__, url_prefix="/review")

SOCKET_CLIENT = "vendor/socket.io-4.8.1.min.js"


def _filters(args):
    channel = args.get("channel", "")
    return desk.QueueFilters(state=args.get("state", states.ON_HOLD), reason=args.get("reason", ""),
                             channel_id=int(channel) if channel.isascii() and channel.isdigit() else None,
                             q=args.get("q", "")[:100], page=args.get("page", 1, type=int) or 1,
                             after=_cursor(args.get("after")), before=_cursor(args.get("before")),
                             last=args.get("last") == "1", due_within=_due(args.get("due")),
                             tag=" ".join(args.get("tag", "").split())[:40])


def _due(value):
    """The ship-by filter's hours from the link; anything but one of the desk's choices is no filter."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and int(value) in desk.DUE_CHOICES else None


def _cursor(value):
    """An order id from the pager's link; anything else (typed by hand) is no cursor: the first page."""
    value = value or ""
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    return int(value) if 0 < int(value) < 2**31 else None


def _has_socket_client():
    return Path(current_app.static_folder, SOCKET_CLIENT).exists()


@bp.get("/")
@allow(roles.REVIEW)
def queue():
    """The review queue: filters, reason chips, paging, bulk approve."""
    filters = _filters(request.args)
    page = desk.queue_page(filters)
    return render_template("review/queue.html", page=page, filters=filters, channels=desk.channels(),
                           desk_states=("",) + desk.DESK_STATES + (desk.FLAGGED, desk.PRESALE)
                           + tuple(s for s in states.ALL_STATES if s not in desk.DESK_STATES),
                           due_choices=desk.DUE_CHOICES, known_tags=tagging.known_tags(),
                           socket_client=SOCKET_CLIENT if _has_socket_client() else None)


@bp.get("/orders/<int:order_id>")
@allow(roles.REVIEW)
def order(order_id):
    """One order: fields, lines (matched SKU or 未匹配), timeline and the forms for every action."""
    return _order_page(order_id)


def _order_page(order_id, posted=None, acted=None, refused=None):
    """The order page; after a refused action (`acted`), that action's form as posted, the wrong input
    marked (the other forms show the order as it is now, with its current version)."""
    detail = desk.order_detail(order_id)
    facts = order_facts([detail["order"].id])[detail["order"].id]
    return render_template("review/order.html", **detail, editable=detail["order"].status in states.EDITABLE,
                           states=states, edit_fields=services.EDITABLE_FIELDS,
                           next_steps=next_steps.next_steps(facts), stranded=next_steps.is_stranded(facts),
                           holdable=states.can_transition(detail["order"].status, states.ON_HOLD),
                           posted=posted or {}, acted=acted, errors=field_errors(refused))


def _do(action, order_id, form):
    version = form.get("expected_version", type=int)
    common = {"actor": current_user._get_current_object(), "expected_version": version}
    if action == "approve":
        services.approve_order(order_id, reason=form.get("reason", ""), **common)
        return _("Order approved")
    if action == "hold":
        services.hold_order(order_id, reason=form.get("reason", ""), **common)
        return _("Order put on hold")
    if action == "release":
        order = services.release_order(order_id, **common)
        return _("Order released") if order.status == states.APPROVED else _("Checks still fail; the order stays on hold")
    if action == "cancel":
        services.cancel_order(order_id, reason=form.get("reason", ""), **common)
        return _("Order cancelled")
    if action == "edit":
        changes = {name: form[name] for name in services.EDITABLE_FIELDS if name in form}
        services.edit_order(order_id, changes=changes, **common)
        return _("Changes saved")
    if action == "merge":
        services.merge_orders(order_id, form.getlist("other_ids", type=int), **common)
        return _("Orders merged")
    if action == "split":
        qtys = {key[4:]: form.get(key, type=int) or 0 for key in form if key.startswith("qty_")}
        part = services.split_order(order_id, qtys, **common)
        return _("Split off {external_id}", external_id=part.external_id)
    return None


@bp.post("/orders/<int:order_id>/<any(approve, hold, release, cancel, edit, merge, split):action>")
@allow(roles.REVIEW)
def act(order_id, action):
    """Run one reviewer action; a refusal (a broken rule, a stale version) is flashed, and an action
    with typed input (a reason, the edits, split quantities) answers the page again as posted, the
    wrong input marked, nothing changed."""
    with flash_errors() as refused:
        done = _do(action, order_id, request.form)
    if refused and action in TYPED_ACTIONS:
        return _order_page(order_id, request.form, action, refused), refused.status
    if not refused:
        flash(done, "success")
    return redirect(url_for("review.order", order_id=order_id))


TYPED_ACTIONS = ("approve", "hold", "cancel", "edit", "split")   # the forms a person types into


@bp.post("/orders/<int:order_id>/merge-twins")
@allow(roles.REVIEW)
def merge_twins(order_id):
    """The queue's one-click merge of an order with its twins (same buyer and address)."""
    with flash_errors():
        target, merged = duplicates.merge_twins(order_id, actor=current_user._get_current_object(),
                                                expected_version=request.form.get("expected_version", type=int))
        if merged:
            flash(_("Merged {orders} into {order}", orders=", ".join(merged), order=target.external_id), "success")
        else:
            flash(_("Nothing to merge: the other orders are in another store, already on their way or cancelled"),
                  "success")
    return redirect(_back())


def _back():
    """Where a queue form came from (only pages of the desk), else the queue."""
    target = request.form.get("next") or ""
    return target if target.startswith("/review") else url_for("review.queue")


@bp.post("/bulk-approve")
@allow(roles.REVIEW)
def bulk_approve():
    """Approve the ticked orders; each is reported on its own."""
    ids = request.form.getlist("order_ids", type=int)
    results = services.bulk_approve(ids, current_user._get_current_object(), reason=request.form.get("reason", ""))
    approved = sum(r["outcome"] == "approved" for r in results)
    flash(_("Approved {approved}, skipped {skipped}", approved=approved, skipped=len(results) - approved),
          "success" if approved == len(results) else "error")
    for row in results:
        if row["outcome"] == "skipped":
            flash(f"{row['external_id'] or row['order_id']}: {_(row['reason'])}", "error")
    return redirect(_back())


@bp.route("/rules", methods=["GET", "POST"])
@allow(roles.SUPERVISE)
def rule_settings():
    """Supervisors switch the automatic checks on and off, order them and tune their parameters."""
    if request.method == "POST":
        values = {code: {"enabled": request.form.get(f"enabled_{code}") == "on",
                         "position": request.form.get(f"position_{code}", ""),
                         "params": request.form.get(f"params_{code}", "{}"),
                         **({"choice": request.form[f"choice_{code}"]} if f"choice_{code}" in request.form else {})}
                  for code in rules.RULES if f"position_{code}" in request.form}
        with flash_errors() as refused:
            settings.save_rule_settings(values, actor=current_user._get_current_object())
        if refused:
            return _rules_page(request.form, refused), refused.status
        flash(_("Rules saved"), "success")
        return redirect(url_for("review.rule_settings"))
    return _rules_page()


def _rules_page(posted=None, refused=None):
    """The rules form; after a refusal, every row as posted and the refused rule's parameters marked."""
    rows = settings.rule_settings()
    return render_template("review/rules.html", rows=rows, catalogue=rules.RULES, choices=rules.CHOICES,
                           unchecked_currencies=settings.currencies_without_threshold(), posted=posted or {},
                           params_text={row.code: json.dumps(row.params or {}, ensure_ascii=False) for row in rows},
                           errors=field_errors(refused, {code: f"params_{code}" for code in rules.RULES}))


@bp.post("/rules/<code>/move")
@allow(roles.SUPERVISE)
def move_rule(code):
    """Move a rule one place up or down."""
    settings.move_rule(code, request.form.get("direction", type=int) or 1, actor=current_user._get_current_object())
    return redirect(url_for("review.rule_settings"))


@bp.route("/blacklist", methods=["GET", "POST"])
@allow(roles.REVIEW)
def blacklist():
    """Buyers, phones and addresses that are always held."""
    if request.method == "POST":
        with flash_errors() as refused:
            settings.add_blacklist_entry(request.form.get("kind", ""), request.form.get("value", ""),
                                         note=request.form.get("note", ""), actor=current_user._get_current_object())
        if refused:   # the entry as typed, the wrong input marked
            return _blacklist_page(request.form, refused), refused.status
        flash(_("Added to the blacklist"), "success")
        return redirect(url_for("review.blacklist"))
    return _blacklist_page()


def _blacklist_page(form=None, refused=None):
    return render_template("review/blacklist.html", entries=settings.blacklist(), form=form or {},
                           errors=field_errors(refused), kinds=[(kind, _(kind)) for kind in BlacklistEntry.KINDS])


@bp.post("/blacklist/<int:entry_id>/delete")
@allow(roles.SUPERVISE)
def remove_blacklist_entry(entry_id):
    """Take an entry off the blacklist (supervisors)."""
    settings.remove_blacklist_entry(entry_id, actor=current_user._get_current_object())
    flash(_("Removed from the blacklist"), "success")
    return redirect(url_for("review.blacklist"))


gift_pages.routes(bp)   # the gift rules' pages and the desk's removal of a gift line (wms.review.gift_pages)
tag_pages.routes(bp)    # the tag rules' pages (wms.review.tag_pages)
