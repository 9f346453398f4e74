"""JSON API of the review desk: the queue (for live refresh) and the reviewer actions."""
from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.i18n import _, event_text, reason_text
from wms.orders.reason_labels import reason_label
from wms.review import queue as desk
from wms.review import services
from wms.review.schemas import ActionBody, BulkApproveBody, BulkApproveResults, QueueArgs, QueuePage, ReviewOrder
from wms.timeutil import to_local

bp = Blueprint("review_api", __name__, url_prefix="/api/review",
               description="Order review (订单审核): queue and reviewer actions")


@bp.route("/queue", methods=["GET"])
@allow(roles.REVIEW)
@bp.arguments(QueueArgs, location="query", as_kwargs=True)
@bp.alt_response(200, schema=QueuePage, success=True)
@openapi.errors(bp, 401, 403)
def queue(state, reason, channel, q, page, after, before, last, due=None, tag="", **_ignored):
    """The filtered queue page with counts per reason (the desk polls this without Socket.IO); the
    next page is asked with the page's `after` cursor (a seek however deep), `page` alone is an offset."""
    bound = getattr(current_user, "channels", None)   # an API token's channels
    filters = desk.QueueFilters(state=state, reason=reason, q=q, page=page, after=after, before=before, last=last,
                                channel_id=int(channel) if channel.isascii() and channel.isdigit() else None,
                                channel_codes=tuple(bound) if bound is not None else None, due_within=due,
                                tag=tag)
    page = desk.queue_page(filters)
    for row in page["rows"]:
        row["reasons"] = with_text(row["reasons"])
        row["flags"] = with_text(row["flags"])
        row["presale_label"] = presale_label(row.pop("presale_until", None))
    return page


def presale_label(ship_from):
    """The desk row's presale chip in the caller's language (None: not a presale waiting)."""
    if ship_from is None:
        return None
    return _("Presale: ships from {day}", day=to_local(ship_from, current_app.config["WAREHOUSE_TIMEZONE"])
             .strftime("%Y-%m-%d"))


@bp.route("/orders/<int:order_id>", methods=["GET"])
@allow(roles.REVIEW)
@bp.alt_response(200, schema=ReviewOrder, success=True)
@openapi.errors(bp, 401, 403, 404)
def order(order_id):
    """One order with its lines, hold reasons and timeline."""
    found = desk.order_detail(order_id, current_user._get_current_object())["order"]
    return dump_order(found)


ACTIONS = {
    "approve": lambda oid, body, common: services.approve_order(oid, reason=body["reason"], **common),
    "hold": lambda oid, body, common: services.hold_order(oid, reason=body["reason"], **common),
    "release": lambda oid, body, common: services.release_order(oid, **common),
    "cancel": lambda oid, body, common: services.cancel_order(oid, reason=body["reason"], **common),
    "edit": lambda oid, body, common: services.edit_order(oid, changes=body["changes"], **common),
    "merge": lambda oid, body, common: services.merge_orders(oid, body["other_ids"], **common),
    "split": lambda oid, body, common: services.split_order(oid, body["lines"], **common),
}


@bp.route("/orders/<int:order_id>/<any(approve, hold, release, cancel, edit, merge, split):action>",
          methods=["POST"])
@allow(roles.REVIEW)
@bp.arguments(ActionBody)
@bp.alt_response(200, schema=ReviewOrder, success=True)
@openapi.errors(bp, 401, 403, 404, 409)
def act(body, order_id, action):
    """Run a reviewer action; 409 concurrent_update when the order changed since it was loaded."""
    common = {"actor": current_user._get_current_object(), "expected_version": body["expected_version"]}
    result = ACTIONS[action](order_id, body, common)
    return dump_order(result)


@bp.route("/bulk-approve", methods=["POST"])
@allow(roles.REVIEW)
@bp.arguments(BulkApproveBody)
@bp.alt_response(200, schema=BulkApproveResults, success=True)
@openapi.errors(bp, 401, 403)
def bulk_approve(body):
    """Approve many orders; each is answered approved or skipped with a reason."""
    results = services.bulk_approve(body["order_ids"], current_user._get_current_object(), reason=body["reason"])
    return {"results": results}


def dump_order(order):
    return {
        "id": order.id, "external_id": order.external_id, "status": order.status, "version": order.version,
        "buyer_name": order.buyer_name, "buyer_phone": order.buyer_phone, "buyer_email": order.buyer_email,
        "country": order.country, "province": order.province, "city": order.city, "district": order.district,
        "address": order.address, "postcode": order.postcode, "total_cents": order.total_cents,
        "currency": order.currency, "payment_status": order.payment_status, "buyer_remark": order.buyer_remark,
        "hold_reasons": with_text(order.hold_reasons or []), "flags": with_text(order.flags or []),
        "merged_into_id": order.merged_into_id,
        "split_from_id": order.split_from_id,
        "lines": [{"id": l.id, "sku_code": l.sku_code, "sku_id": l.sku_id, "name": l.name, "qty": l.qty}
                  for l in order.lines],
        "events": [{"at": e.at.isoformat() + "Z", "actor": e.actor_name, "kind": e.kind, "from": e.from_state,
                    "to": e.to_state, "reason": e.reason, "text": event_text(e)} for e in order.events],
    }


def with_text(reasons):
    """Hold reasons with `text` (the detail) and `label` (the chip's name) in the caller's language
    (`detail` stays English)."""
    return [{**reason, "text": reason_text(reason), "label": _(reason_label(reason.get("code", "")))}
            for reason in reasons]
