"""After-sales pages: receiving returns, and the supervisors' list of intercepts to act on."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.aftersales import expected_returns, return_list, returns, services
from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors, line_errors
from wms.i18n import _
from wms.orders import stores
from wms.search import queries

bp = Blueprint("aftersales", __name__, url_prefix="/aftersales")


@bp.get("/returns")
@allow(roles.OFFICE)
def returns_index():
    """Find the order a return is for (by any key of the search box, in any state: one not yet
    shipped is listed with its state, without the return form); the returns received, filtered by
    what became of the goods, paged; the returns the platforms told us to expect (a parcel's return
    tracking number finds its order); every list of one store, or all."""
    found, listed, expected, store = None, None, [], None
    result = request.args.get("result", "")
    with flash_errors() as refused:
        store = stores.store_id(request.args.get("channel"))
        if request.args.get("order"):
            found = queries.find_orders(request.args["order"], per_page=20, channel_id=store).rows
            expected = expected_returns.find(request.args["order"])
        listed = return_list.return_page(result, page=request.args.get("page", 1, type=int) or 1, channel_id=store)
    return render_template("aftersales/returns.html", found=found, listed=listed, result=result, store=store,
                           stores=stores.store_groups(), expected=expected,
                           waiting=expected_returns.waiting(store), results=return_list.RESULTS,
                           returnable=returns.RETURNABLE), refused.status if refused else 200


@bp.get("/returns/<int:order_id>")
@allow(roles.OFFICE)
def return_form(order_id):
    """Inspect each line of the returned order: restock to a bin or write off (`reference`: the return
    tracking number an expected return brought, filled in)."""
    return _return_page(order_id, {"reference": request.args.get("reference", "")[:80]})


@bp.post("/returns/<int:order_id>")
@allow(roles.OFFICE)
def receive(order_id):
    """Book the inspected return; a refused one comes back as typed, the wrong inputs marked, and a
    restock into a bin of other SKUs asks to be confirmed first."""
    form = request.form
    lines = [{"order_line_id": line_id, "qty": form.get(f"qty_{line_id}"), "result": form.get(f"result_{line_id}"),
              "bin_code": form.get(f"bin_{line_id}"), "reason": form.get(f"reason_{line_id}")}
             for line_id in form.getlist("line") if (form.get(f"qty_{line_id}") or "0").strip() not in ("0", "")]
    with flash_errors() as refused:
        returns.receive_return(order_id, lines, actor=current_user, reference=form.get("reference", ""),
                               note=form.get("note", ""), confirm_mixed=form.get("confirm_mixed") == "1")
    if refused:
        return _return_page(order_id, form, refused), refused.status
    flash(_("Return booked"), "success")
    return redirect(url_for("aftersales.returns_index"))


def _return_page(order_id, values, refused=None):
    """The return form with `values` (the post, kept on a refusal), its errors and questions."""
    order, lines = returns.return_screen(order_id)
    confirm = (refused.error.details.get("confirm") or []) if refused else []
    return render_template("aftersales/return_form.html", order=order, lines=lines, values=values,
                           errors={**field_errors(refused), **line_errors(refused)} if refused else {},
                           confirm=confirm)


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
