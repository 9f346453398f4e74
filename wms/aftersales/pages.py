"""After-sales pages: receiving returns, and the supervisors' list of intercepts to act on."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.aftersales import returns, services
from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.i18n import _

bp = Blueprint("aftersales", __name__, url_prefix="/aftersales")


@bp.get("/returns")
@allow(roles.OFFICE)
def returns_index():
    """Find a shipped order by number to receive its return; recent returns."""
    found = returns.find_returnable(request.args.get("order", "")) if request.args.get("order") else None
    return render_template("aftersales/returns.html", found=found, receipts=returns.recent_returns())


@bp.get("/returns/<int:order_id>")
@allow(roles.OFFICE)
def return_form(order_id):
    """Inspect each line of the returned order: restock to a bin or write off."""
    from wms.extensions import db
    from wms.orders.models import Order

    return render_template("aftersales/return_form.html", order=db.session.get(Order, order_id),
                           lines=returns.returnable_lines(order_id))


@bp.post("/returns/<int:order_id>")
@allow(roles.OFFICE)
def receive(order_id):
    """Book the inspected return."""
    lines = [{"order_line_id": line_id, "qty": request.form.get(f"qty_{line_id}"),
              "result": request.form.get(f"result_{line_id}"), "bin_code": request.form.get(f"bin_{line_id}"),
              "reason": request.form.get(f"reason_{line_id}")}
             for line_id in request.form.getlist("line") if (request.form.get(f"qty_{line_id}") or "0") != "0"]
    with flash_errors() as refused:
        returns.receive_return(order_id, lines, actor=current_user, reference=request.form.get("reference", ""),
                               note=request.form.get("note", ""))
    if refused:
        return redirect(url_for("aftersales.return_form", order_id=order_id))
    flash(_("Return booked"), "success")
    return redirect(url_for("aftersales.returns_index"))


@bp.get("/intercepts")
@allow(roles.SUPERVISE)
def intercepts():
    """Intercepts waiting for a person, and the latest ones."""
    return render_template("aftersales/intercepts.html", open_ones=services.open_intercepts(),
                           recent=services.recent_intercepts())


@bp.post("/intercepts/<int:intercept_id>/resolve")
@allow(roles.SUPERVISE)
def resolve(intercept_id):
    """Mark an intercept as dealt with."""
    with flash_errors():
        services.resolve_intercept(intercept_id, actor=current_user, note=request.form.get("note", ""))
    return redirect(url_for("aftersales.intercepts"))
