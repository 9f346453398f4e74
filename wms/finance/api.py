"""JSON API of the finance desk (财审): the orders waiting, and approve / reject one or many."""
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.finance import rules, services
from wms.finance.schemas import BulkBody, BulkResults, DecidedOrder, DecisionBody, DeskArgs, DeskPage
from wms.i18n import _, reason_text

bp = Blueprint("finance_api", __name__, url_prefix="/api/finance",
               description="Finance review (财审): orders waiting for finance, approve and reject")


@bp.route("/orders", methods=["GET"])
@allow(roles.FINANCE_REVIEW)
@bp.arguments(DeskArgs, location="query", as_kwargs=True)
@bp.alt_response(200, schema=DeskPage, success=True)
@openapi.errors(bp, 401, 403)
def waiting(channel=None, platform="", **_ignored):
    """The orders waiting for finance (the oldest first), each with why it waits."""
    page = services.waiting(services.DeskFilters(channel_id=channel, platform=platform))
    return {"total": page["total"], "rows": [dump_waiting(order, check) for order, check in page["rows"]]}


@bp.route("/orders/<int:order_id>/<any(approve, reject):decision>", methods=["POST"])
@allow(roles.FINANCE_REVIEW)
@bp.arguments(DecisionBody)
@bp.alt_response(200, schema=DecidedOrder, success=True)
@openapi.errors(bp, 401, 403, 404, 409, 422)
def decide(body, order_id, decision):
    """Approve (on to allocation) or reject (back to the review desk, on hold: `note` is the reason);
    409 concurrent_update when the order changed since it was loaded."""
    common = {"actor": current_user._get_current_object(), "expected_version": body["expected_version"]}
    if decision == "approve":
        order = services.approve(order_id, note=body["note"], **common)
    else:
        order = services.reject(order_id, reason=body["note"], **common)
    return {"id": order.id, "external_id": order.external_id, "status": order.status, "version": order.version}


@bp.route("/bulk", methods=["POST"])
@allow(roles.FINANCE_REVIEW)
@bp.arguments(BulkBody)
@bp.alt_response(200, schema=BulkResults, success=True)
@openapi.errors(bp, 401, 403, 422)
def bulk(body):
    """Approve or reject many orders; each is answered on its own (done or skipped, with why)."""
    versions = {int(k): v for k, v in body["expected_versions"].items() if k.isascii() and k.isdigit()}
    return {"results": services.bulk(body["order_ids"], body["decision"], actor=current_user._get_current_object(),
                                     note=body["note"], expected_versions=versions)}


def dump_waiting(order, check):
    reasons = check.reasons if check else []
    return {"id": order.id, "external_id": order.external_id, "version": order.version, "status": order.status,
            "channel": order.channel.name, "platform": order.channel.platform, "buyer_name": order.buyer_name,
            "total_cents": order.total_cents, "currency": order.currency,
            "held_at": check.held_at.isoformat() + "Z" if check else None,
            "reasons": [{**r, "text": reason_text(r),
                         "rule": _(rules.RULES[rules.REASON_RULES[r["code"]]].label)
                         if r.get("code") in rules.REASON_RULES else r.get("code", "")} for r in reasons]}
