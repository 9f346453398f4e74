"""Supervisor pages: preview and release waves, watch their tasks, reassign, print pick lists."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

import io

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import NotFound, flash_errors
from wms.forms import field_errors
from wms.i18n import _
from wms.inventory.services import list_warehouses
from wms.picking import cart_types, queries, rules, services
from wms.picking.waves import fill_pct

bp = Blueprint("picking", __name__, url_prefix="/waves")


@bp.get("/")
@allow(roles.SUPERVISE)
def waves():
    """Waves with progress, the preview/release form and the automatic rule."""
    return _waves_page(request.args.get("warehouse", type=int), request.args)


@bp.post("/preview")
@allow(roles.SUPERVISE)
def preview():
    """Show what releasing now would produce (batches, walking distance, saving vs first-come)."""
    warehouse_id = request.form.get("warehouse", type=int)
    with flash_errors() as refused:
        plan = services.preview_wave(warehouse_id, rules.filter_from(request.form), rules.limits_from(request.form))
    if refused:
        return _waves_page(warehouse_id, request.form, wave_refused=refused), refused.status
    return _waves_page(warehouse_id, request.form, preview=plan)


@bp.post("/release")
@allow(roles.SUPERVISE)
def release():
    """Release a wave with the form's filter and limits; a refused one comes back as typed, marked."""
    warehouse_id = request.form.get("warehouse", type=int)
    with flash_errors() as refused:
        wave = services.release_wave(warehouse_id, rules.filter_from(request.form), rules.limits_from(request.form),
                                     actor=current_user)
    if refused:
        return _waves_page(warehouse_id, request.form, wave_refused=refused), refused.status
    flash(_("Wave {code} released: {orders} orders", code=wave.code, orders=wave.orders_count), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.post("/rule")
@allow(roles.SUPERVISE)
def save_rule():
    """Save the automatic wave rule of a warehouse; a refused one comes back as typed, marked."""
    warehouse_id = request.form.get("warehouse", type=int)
    with flash_errors() as refused:
        rules.save_rule(warehouse_id, request.form.get("enabled") == "on", request.form.get("every_minutes"),
                        request.form.get("at_orders"), request.form)
    if refused:
        return _waves_page(warehouse_id, rule_posted=request.form, rule_refused=refused), refused.status
    flash(_("Automatic wave rule saved"), "success")
    return redirect(url_for(".waves", warehouse=warehouse_id))


def _waves_page(warehouse_id, form=None, *, preview=None, wave_refused=None, rule_posted=None, rule_refused=None):
    """The waves page of a warehouse (the first one when none is named): the wave form with `form`
    (filters typed, or a refused post), the automatic rule (stored, or as a refused post typed)."""
    warehouses = list_warehouses(active_only=True)
    warehouse_id = warehouse_id or (warehouses[0].id if warehouses else None)
    if warehouse_id is not None and warehouse_id not in {w.id for w in warehouses}:
        raise NotFound.worded("warehouse {warehouse} not found", warehouse=warehouse_id)
    rule = rules.get_rule(warehouse_id) if warehouse_id else None
    return render_template("picking/waves.html", warehouses=warehouses, warehouse_id=warehouse_id,
                           waves=queries.recent_waves(warehouse_id), rule=rule, form=form or {}, preview=preview,
                           warehouse_choices=[(w.id, f"{w.code} {w.name}") for w in warehouses],
                           cart_type_choices=[(c.id, c.name) for c in cart_types.cart_types()],
                           fill_pct=fill_pct, known_tags=rules.known_tags(),
                           wave_errors=field_errors(wave_refused), rule_values=_rule_values(rule, rule_posted),
                           rule_errors=field_errors(rule_refused))


def _rule_values(rule, posted):
    """{input: value} of the automatic rule form: a refused post as typed, else the stored rule."""
    if posted is not None:
        return {**posted, "enabled": posted.get("enabled") == "on", "priority_first": posted.get("priority_first") == "on"}
    limits = (rule.limits or {}) if rule else {}
    filters = (rule.filters or {}) if rule else {}
    return {"enabled": bool(rule and rule.enabled), "every_minutes": rule.every_minutes if rule else 30,
            "at_orders": rule.at_orders if rule else 200, "tote_slots": limits.get("tote_slots", 8),
            "include_tags": ", ".join(filters.get("include_tags", [])),
            "exclude_tags": ", ".join(filters.get("exclude_tags", [])),
            "priority_first": bool(filters.get("priority_first"))}


@bp.get("/<int:wave_id>")
@allow(roles.SUPERVISE)
def wave(wave_id):
    """One wave: its tasks, who picks them, progress; reassign and print."""
    wave_, tasks = queries.wave_with_tasks(wave_id)
    return render_template("picking/wave.html", wave=wave_, tasks=tasks, pickers=queries.pickers())


@bp.post("/<int:wave_id>/cancel")
@allow(roles.SUPERVISE)
def cancel(wave_id):
    """Withdraw a wave nobody has started."""
    with flash_errors():
        services.cancel_wave(wave_id, actor=current_user)
        flash(_("Wave cancelled; its orders are back to allocated"), "success")
    return redirect(url_for(".wave", wave_id=wave_id))


@bp.post("/tasks/<int:task_id>/assign")
@allow(roles.SUPERVISE)
def assign(task_id):
    """Give a task to a picker (or back to the open pool), live on their handhelds."""
    picker_id = request.form.get("picker_id", type=int)
    with flash_errors() as refused:
        task = services.assign_task(task_id, picker_id, actor=current_user,
                                    expected_version=request.form.get("version", type=int))
        flash(_("Task {code} reassigned", code=task.code), "success")
    wave_id = request.form.get("wave_id", type=int) if refused else task.wave_id
    return redirect(url_for(".wave", wave_id=wave_id))


@bp.get("/tasks/<int:task_id>/picklist.pdf")
@allow(roles.SUPERVISE)
def picklist(task_id):
    """The paper pick list (拣货单) of a task."""
    name, pdf = queries.pick_list_pdf(task_id, current_app.config["WAREHOUSE_TIMEZONE"])
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=name)
