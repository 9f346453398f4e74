"""Shopify's refunds as canonical refund records (wms.channels.base.RefundSource). Pure: stdlib only.

Shopify keeps an order's refunds on the order (`refunds` in the Order resource of the Admin REST API), each
a Refund resource: id, order_id, created_at, note, refund_line_items [{line_item_id, quantity,
restock_type: no_restock | cancel | return | legacy_restock, line_item {sku, ...}}], transactions [{kind:
refund, status: success, amount}] (source: shopify.dev/docs/api/admin-rest, "Refund" and "Order" resources).
A refund there is money already given back, so its status is `done`; one that restocks a line as `return`
is a return and refund, any other a refund only. Shopify's REST order carries no return tracking number
(returns with tracking live in its Returns API, not read here).
"""
from datetime import datetime, timezone

from wms.channels.base import to_cents


def order_refunds(order):
    """The canonical refund records of one Shopify order JSON, oldest first; ValueError on a broken one."""
    refunds = order.get("refunds") or []
    if not isinstance(refunds, list):
        raise ValueError("refunds is not a list")
    records = [refund_to_record(order, refund) for refund in refunds]
    return sorted(records, key=lambda r: (r["requested_at"] or "", r["refund_id"]))


def refund_to_record(order, refund):
    """One Refund resource of `order` as the canonical refund record."""
    if not isinstance(refund, dict):
        raise ValueError("a refund is not an object")
    items = refund.get("refund_line_items") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("refund_line_items is not a list of objects")
    returned = any(item.get("restock_type") == "return" for item in items)
    paid = sum(to_cents(t.get("amount")) for t in refund.get("transactions") or []
               if isinstance(t, dict) and t.get("kind") == "refund" and t.get("status") == "success")
    return {
        "refund_id": str(refund.get("id") or ""),
        "external_id": str(order.get("id") or ""),
        "kind": "return_refund" if returned else "refund_only",
        "status": "done",
        "reason": str(refund.get("note") or ""),
        "amount_cents": paid,
        "return_carrier": "",
        "return_tracking_number": "",
        "requested_at": _naive_utc(refund.get("created_at")),
        "lines": [{"sku_code": str((item.get("line_item") or {}).get("sku") or ""), "qty": item.get("quantity")}
                  for item in items],
    }


def _naive_utc(text):
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
