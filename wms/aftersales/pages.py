"""After-sales pages: receiving returns, the supervisors' list of intercepts to act on, and the after-sales
cases (售后单): their desk, the form opening one, one case with its actions."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.aftersales import (case_queries, case_settings, case_states, cases, expected_returns,
                            refund_steps, return_list, returns, services)
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
    found, listed, expected, store, expected_cases = None, None, [], None, []
    result = request.args.get("result", "")
    with flash_errors() as refused:
        store = stores.store_id(request.args.get("channel"))
        if request.args.get("order"):
            found = queries.find_orders(request.args["order"], per_page=20, channel_id=store).rows
            expected = expected_returns.find(request.args["order"])
            expected_cases = case_queries.expected(request.args["order"])
        listed = return_list.return_page(result, page=request.args.get("page", 1, type=int) or 1, channel_id=store)
    return render_template("aftersales/returns.html", found=found, listed=listed, result=result, store=store,
                           stores=stores.store_groups(), expected=expected, expected_cases=expected_cases,
                           waiting_cases=case_queries.waiting_for_goods(store),
                           waiting=expected_returns.waiting(store), results=return_list.RESULTS,
                           returnable=returns.RETURNABLE), refused.status if refused else 200


@bp.get("/returns/<int:order_id>")
@allow(roles.OFFICE)
def return_form(order_id):
    """Inspect each line of the returned order: restock to a bin or write off (`reference`: the return
    tracking number an expected return brought, filled in)."""
    return _return_page(order_id, {"reference": request.args.get("reference", "")[:80],
                                   "case_id": request.args.get("case", "")[:12]})


@bp.post("/returns/<int:order_id>")
@allow(roles.OFFICE)
def receive(order_id):
    """Book the inspected return; a refused one comes back as typed, the wrong inputs marked, and a
    restock into a bin of other SKUs asks to be confirmed first."""
    form = request.form
    lines = [{"order_line_id": line_id, "qty": form.get(f"qty_{line_id}"), "result": form.get(f"result_{line_id}"),
              "grade": form.get(f"result_{line_id}"), "bin_code": form.get(f"bin_{line_id}"),
              "reason": form.get(f"reason_{line_id}")}
             for line_id in form.getlist("line") if (form.get(f"qty_{line_id}") or "0").strip() not in ("0", "")]
    with flash_errors() as refused:
        returns.receive_return(order_id, lines, actor=current_user, reference=form.get("reference", ""),
                               note=form.get("note", ""), confirm_mixed=form.get("confirm_mixed") == "1",
                               case_id=form.get("case_id") or None)
    if refused:
        return _return_page(order_id, form, refused), refused.status
    flash(_("Return booked"), "success")
    if form.get("case_id"):
        return redirect(url_for("aftersales.case_page", case_id=form.get("case_id", type=int)))
    return redirect(url_for("aftersales.returns_index"))


def _return_page(order_id, values, refused=None):
    """The return form with `values` (the post, kept on a refusal), its errors and questions."""
    order, lines = returns.return_screen(order_id)
    confirm = (refused.error.details.get("confirm") or []) if refused else []
    case_id = values.get("case_id")
    case = case_queries.get_case(case_id) if case_id and str(case_id).isdigit() else None
    return render_template("aftersales/return_form.html", order=order, lines=lines, values=values, case=case,
                           grades=returns.GRADES,
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


@bp.post("/orders/<int:order_id>/intercept")
@allow(roles.REVIEW)
def intercept_order(order_id):
    """A reviewer intercepts an order the desk can no longer cancel (allocated up to labelled: the buyer
    asked for their money back before it ships): cancelled wherever it is, its stock given back."""
    with flash_errors() as refused:
        services.intercept_order(order_id, request.form.get("reason", ""), source="reviewer", actor=current_user)
    if not refused:
        flash(_("Order intercepted"), "success")
    return redirect(url_for("review.order", order_id=order_id))


# ---- after-sales cases (售后单): the desk, opening one, one case and its actions


@bp.get("/cases")
@allow(roles.REVIEW)
def cases_desk():
    """The after-sales desk: cases filtered by kind, state, store and an order / tracking number; the
    platforms' requests not yet made a case."""
    args = request.args
    listed, total, pages, store = [], 0, 1, None
    with flash_errors() as refused:
        store = stores.store_id(args.get("channel"))
        listed, total, pages = case_queries.desk(kind=args.get("kind", ""), state=args.get("state", ""),
                                                 channel_id=store, q=args.get("q", ""),
                                                 page=args.get("page", 1, type=int) or 1)
    return render_template("aftersales/cases.html", listed=listed, total=total, pages=pages, store=store,
                           stores=stores.store_groups(), kinds=case_states.KINDS, states=case_states.STATES,
                           page=args.get("page", 1, type=int) or 1,
                           requests=case_queries.platform_requests_without_case(channel_id=store),
                           store_settings=case_settings.store_settings()
                           if current_user.role in roles.SUPERVISE else None), \
        refused.status if refused else 200


@bp.post("/cases/store-settings")
@allow(roles.SUPERVISE)
def case_store_settings():
    """Per store: does an exchange's replacement wait for the returned goods."""
    form = request.form
    with flash_errors() as refused:
        case_settings.set_stores_waits({channel_id: form.get(f"waits_{channel_id}") == "1"
                                for channel_id in form.getlist("store")}, actor=current_user)
    if not refused:
        flash(_("Saved"), "success")
    return redirect(url_for("aftersales.cases_desk"))


@bp.post("/cases/from-platform/<int:refund_id>")
@allow(roles.REVIEW)
def case_from_platform(refund_id):
    """Make a platform's refund / after-sales request a case."""
    with flash_errors() as refused:
        case = cases.open_from_platform(refund_id, actor=current_user)
    if refused:
        return redirect(url_for("aftersales.cases_desk"))
    return redirect(url_for("aftersales.case_page", case_id=case.id))


@bp.get("/cases/new")
@allow(roles.REVIEW)
def new_case():
    """The form opening a case on an order (`order`: its id or number)."""
    return _new_case_page(request.args.get("order", ""), {})


@bp.post("/cases/new")
@allow(roles.REVIEW)
def open_case():
    """Open the case; a refused one comes back as typed, the wrong inputs marked."""
    form = request.form
    lines = [{"order_line_id": line_id, "qty": form.get(f"qty_{line_id}")} for line_id in form.getlist("line")
             if (form.get(f"qty_{line_id}") or "0").strip() not in ("0", "")]
    with flash_errors() as refused:
        case = cases.open_case(form.get("order_id"), form.get("kind", ""), reason=form.get("reason", ""),
                               actor=current_user, lines=lines, refund_cents=form.get("refund") or None,
                               return_carrier=form.get("return_carrier", ""),
                               return_tracking_number=form.get("return_tracking_number", ""),
                               waits_for_return=form.get("waits_for_return") == "1")
    if refused:
        return _new_case_page(form.get("order_id", ""), form, refused), refused.status
    flash(_("After-sales case opened"), "success")
    return redirect(url_for("aftersales.case_page", case_id=case.id))


def _new_case_page(order_key, values, refused=None):
    order = case_queries.find_order(order_key) if order_key else None
    waits = case_settings.store_waits(order.channel_id) if order is not None else True
    return render_template("aftersales/case_new.html", order=order, values=values, kinds=case_states.KINDS,
                           waits=waits, errors={**field_errors(refused), **line_errors(refused)} if refused else {})


@bp.get("/cases/<int:case_id>")
@allow(roles.REVIEW)
def case_page(case_id):
    """One case: its lines, refund, linked orders, parcels received, timeline, and what can be done next."""
    case = case_queries.get_case(case_id)
    return render_template("aftersales/case.html", case=case, cs=case_states,
                           receipts=case_queries.receipts_of(case.id),
                           unmatched=case_queries.unmatched_receipts(case.order_id)
                           if case.kind in case_states.EXPECTS_GOODS
                           and case.state in (case_states.OPEN, case_states.WAITING_RETURN) else [],
                           sends=refund_steps.can_send_refund(case))


@bp.post("/cases/<int:case_id>/<action>")
@allow(roles.REVIEW)
def case_action(case_id, action):
    """One action on a case: refund (record the amount), send_refund, refund_done, finish, close, match."""
    form, actor = request.form, current_user
    done = {"refund": lambda: refund_steps.record_refund(case_id, form.get("refund"), actor=actor),
            "send_refund": lambda: refund_steps.send_refund(case_id, actor=actor),
            "refund_done": lambda: refund_steps.mark_refund_done(case_id, actor=actor,
                                                                 reference=form.get("reference", "")),
            "finish": lambda: cases.finish(case_id, actor=actor),
            "close": lambda: cases.close(case_id, form.get("reason", ""), actor=actor),
            "match": lambda: cases.match_receipt(case_id, form.get("receipt_id"), actor=actor)}
    if action not in done:
        abort(404)
    with flash_errors() as refused:
        done[action]()
    if not refused:
        flash(_("Saved"), "success")
    return redirect(url_for("aftersales.case_page", case_id=case_id))
