"""The menu's search box: any order by number, tracking number, phone or name. One match opens the
order; several are listed (filterable by state, paged)."""
from flask import Blueprint, redirect, render_template, request, url_for

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.orders import states, stores
from wms.search import queries

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/")
@allow(roles.OFFICE)
def orders():
    """Search results (of one store, or any); a single match with no filter chosen goes straight to the order."""
    text, state = request.args.get("q", ""), request.args.get("state", "")
    found, store = None, None
    with flash_errors() as refused:
        store = stores.store_id(request.args.get("channel"))
        found = queries.find_orders(text, state=state, page=request.args.get("page", 1, type=int) or 1,
                                    channel_id=store)
    if found is not None and found.total == 1 and not state and request.args.get("list") is None:
        return redirect(url_for("review.order", order_id=found.rows[0]["order"].id))
    return render_template("search/results.html", found=found, text=text, state=state, store=store,
                           stores=stores.store_groups(), all_states=states.ALL_STATES), \
        refused.status if refused else 200
