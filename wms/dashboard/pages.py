"""The wall: the TV page (supervisors, or a TV by kiosk link) and the supervisor's desk with drill-downs.

Operators: `flask --app app dashboard rebuild-metrics` recomputes the counters from the tables (first
deployment on an existing database, or after a restore).
"""
import click
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow, public
from wms.dashboard import metrics, platform_split, services, stuck
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.orders import reason_labels, states

bp = Blueprint("dashboard", __name__, url_prefix="/wall")


def _labels():
    """Every word the wall's script shows, in the viewer's language."""
    words = {state: _(state) for state in states.ALL_STATES}
    words.update({stage: _(stage) for stage, _states in metrics.RISK_STAGES})
    words.update({status: _(status) for status in ("open", "assigned", "in_progress", "done", "cancelled")})
    words.update({code: _(label) for code, label in reason_labels.LABELS.items()})  # the hold chips
    for text in ("Stale: reconnecting…", "Live", "min", "no cut-off today", "critical", "at_risk", "ok",
                 "units", "lines", "No running waves", "No picks in the last hour", "No shortages",
                 "Reassign", "Saved", "Nobody", "Units picked per 5 minutes", "+{n} more reasons",
                 "Nothing due", "No order about to breach"):
        words[text] = _(text)
    return {key: value.replace("_", " ") for key, value in words.items()}  # English shows "on hold", not on_hold


def _tv(kiosk_key=None):
    response = make_response(render_template("dashboard/tv.html", labels=_labels(), kiosk_key=kiosk_key))
    response.headers["Referrer-Policy"] = "no-referrer"  # a kiosk key in the URL never leaves in a Referer
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@allow(roles.SUPERVISE)
def tv():
    """The wall for a supervisor's browser (full screen on a TV)."""
    return _tv()


@bp.get("/tv/<key>")
@public  # a TV's kiosk link: the key is checked against the stored hash, revoked links get 404
def kiosk(key):
    """The wall for a TV that has no user: opened with its kiosk link."""
    if services.screen_for_token(key) is None:
        abort(404)
    return _tv(kiosk_key=key)


@bp.get("/desk")
@allow(roles.SUPERVISE)
def desk():
    """The supervisor's laptop view: the same live numbers, with drill-down and reassign (`?split=platform`:
    the open orders per platform too)."""
    return _desk()


def _desk(new_link=None, status=200, posted=None, refused=None):
    """The desk; after a refused target or screen name, the input as typed and marked."""
    split = platform_split.open_by_platform() if request.args.get("split") == "platform" else None
    return render_template("dashboard/desk.html", labels=_labels(), new_link=new_link, posted=posted or {},
                           errors=field_errors(refused), split=split, **services.desk_view()), status


@bp.post("/desk/target")
@allow(roles.SUPERVISE)
def set_target():
    """Set today's shipped target."""
    with flash_errors() as refused:
        services.set_shipped_target(request.form.get("target"), actor=current_user)
    if refused:
        return _desk(status=refused.status, posted=request.form, refused=refused)
    return redirect(url_for(".desk"))


@bp.post("/desk/screens")
@allow(roles.SUPERVISE)
def create_screen():
    """Make a kiosk link for a wall TV; shown once, on this page only."""
    with flash_errors() as refused:
        _screen, key = services.create_screen(request.form.get("name"), actor=current_user)
    if refused:
        return _desk(status=refused.status, posted=request.form, refused=refused)
    return _desk(new_link=url_for(".kiosk", key=key, _external=True))


@bp.post("/desk/screens/<int:screen_id>/revoke")
@allow(roles.SUPERVISE)
def revoke_screen(screen_id):
    """Shut a TV link out."""
    services.revoke_screen(screen_id, actor=current_user)
    return redirect(url_for(".desk"))


@bp.get("/desk/pickers/<int:picker_id>")
@allow(roles.SUPERVISE)
def picker(picker_id):
    """One picker: rate in the last hour, tasks and the lines picked in the last 24 hours."""
    return render_template("dashboard/picker.html", **services.picker_today(picker_id))


@bp.get("/desk/carriers/<code>")
@allow(roles.SUPERVISE)
def carrier(code):
    """One carrier's orders still to ship before its cut-off."""
    return render_template("dashboard/carrier.html", **services.carrier_risk(code[:40]))


@bp.get("/desk/stuck")
@allow(roles.SUPERVISE)
def stuck_orders():
    """Orders that have not moved for longer than their state's limit: last event, the step that moves them."""
    listed = stuck.stuck_page(request.args.get("page", 1, type=int) or 1)
    return render_template("dashboard/stuck.html", rows=listed["rows"], listed=listed, limits=stuck.limits(),
                           pages=stuck.STEP_PAGES, run_here=stuck.RUN_HERE)


@bp.post("/desk/stuck/<int:order_id>/<step>")
@allow(roles.SUPERVISE)
def run_stuck_step(order_id, step):
    """Take a job's step for one stuck order now (allocate, review)."""
    with flash_errors():
        status = stuck.run_step(order_id, step[:20], actor=current_user)
        flash(_("Done: the order is now {status}", status=_(status).replace("_", " ")), "success")
    return redirect(url_for(".stuck_orders"))


@bp.cli.command("rebuild-metrics")
def rebuild_metrics_command():
    """Recompute the wall's counters from the tables."""
    totals = services.rebuild_metrics()
    click.echo(f"wall: {sum(totals['orders'].values())} orders counted, holds {totals['holds']}")
