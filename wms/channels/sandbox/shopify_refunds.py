"""The Shopify sandbox's payments and refunds: an order's payment (transactions.json: one successful sale of
its total) and refunds made through the API (the Refund resource, refunds.json): a refund above what is
left of the sale is refused (422), as Shopify does. Served by wms.channels.sandbox.shopify, which checks the
token and answers the faults first.
"""
from decimal import Decimal

from flask import abort, jsonify, request


def sale(order):
    """The order's one payment: a successful sale of its total."""
    return {"id": order["id"] * 10 + 7, "order_id": order["id"], "kind": "sale", "status": "success",
            "gateway": "bogus", "amount": order.get("total_price") or "0.00", "currency": order.get("currency")}


def install_routes(app, store):
    """An order's transactions and refunds (GET), and a new refund (POST)."""

    @app.get("/admin/api/<version>/orders/<int:order_id>/transactions.json")
    def list_transactions(version, order_id):
        order = store.orders.get(order_id) or abort(404)
        return jsonify(transactions=[sale(order)])

    @app.get("/admin/api/<version>/orders/<int:order_id>/refunds.json")
    def list_refunds(version, order_id):
        order = store.orders.get(order_id) or abort(404)
        return jsonify(refunds=order.get("refunds") or [])

    @app.post("/admin/api/<version>/orders/<int:order_id>/refunds.json")
    def create_refund(version, order_id):
        body = (request.get_json(silent=True) or {}).get("refund")
        with store.lock:
            order = store.orders.get(order_id) or abort(404)
            if not isinstance(body, dict) or not body.get("transactions"):
                return jsonify(errors={"refund": "Required parameter missing or invalid"}), 400
            paid = Decimal(sale(order)["amount"])
            done = sum(Decimal(str(t.get("amount") or 0)) for r in order.get("refunds") or []
                       for t in r.get("transactions") or [] if t.get("kind") == "refund")
            wanted = sum(Decimal(str(t.get("amount") or 0)) for t in body["transactions"])
            if wanted <= 0 or done + wanted > paid:
                return jsonify(errors={"base": [f"Refund amount must be at most {paid - done}"]}), 422
            refund_id = store.next_id()
            refund = {"id": refund_id, "order_id": order_id, "created_at": store.tick(), "note": body.get("note"),
                      "refund_line_items": [],
                      "transactions": [{"id": refund_id + 1, "kind": "refund", "status": "success",
                                        "amount": str(t.get("amount")), "parent_id": t.get("parent_id"),
                                        "gateway": t.get("gateway")} for t in body["transactions"]]}
            order.setdefault("refunds", []).append(refund)
            order["updated_at"] = store.tick()
            return jsonify(refund=refund), 201
