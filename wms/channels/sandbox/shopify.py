"""A local Shopify Admin REST sandbox: the HTTP server and its routing. orders.json with cursor pagination,
fulfillment orders, fulfillments, token checks, faults and the call-limit header are here; the shop's state is
a ShopifyStore (wms.channels.sandbox.shopify_store), the inventory API (locations.json, variants/<id>.json,
inventory_levels.json, inventory_levels/set.json and graphql.json's `inventorySetQuantities`: one inventory
item per variant of the seeded orders, each at the one location) is wms.channels.sandbox.shopify_inventory,
transactions and refunds are wms.channels.sandbox.shopify_refunds; plus /_sandbox/ endpoints that tests use
to change it.

A 429 fault is answered on graphql.json as Shopify throttles GraphQL (HTTP 200, errors[].extensions.code
THROTTLED, extensions.cost.throttleStatus: shopify_inventory.throttled; a fault's third element, or the
`throttle_status` of POST /_sandbox/faults, gives currentlyAvailable / restoreRate), on every other Admin API
path with HTTP 429 and Retry-After.

    python -m wms.channels.sandbox.shopify --port 8701 [--token shpat_sandbox]

Channel settings to point at it: {"base_url": "http://127.0.0.1:8701", "access_token": "shpat_sandbox"}.
"""
import argparse
import base64
import hmac
import json

from flask import Flask, abort, jsonify, request, url_for

from wms.channels.sandbox import serve_in_thread, shopify_inventory, shopify_refunds
from wms.channels.sandbox.shopify_store import DEFAULT_TOKEN, ShopifyStore

MAX_LIMIT = 250
ORDER_FILTERS = {"ids", "since_id", "status", "financial_status", "fulfillment_status", "order",
                 "created_at_min", "created_at_max", "updated_at_min", "updated_at_max"}


def _encode_page_info(data):
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_page_info(text):
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return None


def create_app(store=None):
    """The sandbox's Flask app around a ShopifyStore (a fresh seeded one by default)."""
    store = store or ShopifyStore()
    app = Flask(__name__)
    app.config["store"] = store
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.before_request
    def _admin_api_etiquette():
        if not request.path.startswith("/admin/"):
            return None
        with store.lock:
            store.requests.append((request.method, request.path, request.query_string.decode()))
            if not hmac.compare_digest(request.headers.get("X-Shopify-Access-Token", "").encode(), store.access_token.encode()):
                return jsonify(errors="[API] Invalid API key or access token (unrecognized login or wrong password)"), 401
            if store.faults:
                status, retry_after, *throttle_status = store.faults.pop(0)
                if status == 429 and request.path.endswith("/graphql.json"):  # GraphQL throttles with HTTP 200
                    return jsonify(shopify_inventory.throttled(*throttle_status))
                response = jsonify(errors="Exceeded 2 calls per second for api client. Reduce request rates "
                                          "to resume uninterrupted service." if status == 429 else "Internal error")
                response.status_code = status
                if status == 429:
                    response.headers["Retry-After"] = retry_after
                return response
        return None

    @app.after_request
    def _call_limit(response):
        if request.path.startswith("/admin/") and response.status_code < 400:
            response.headers["X-Shopify-Shop-Api-Call-Limit"] = f"{min(len(store.requests), 40)}/40"
        return response

    @app.get("/admin/api/<version>/orders.json")
    def list_orders(version):
        """GET orders: filters on the first page, page_info (+ limit, fields) after that."""
        args = request.args
        try:
            limit = int(args.get("limit", 50))
        except ValueError:
            return jsonify(errors={"limit": "limit must be an integer"}), 400
        if not 1 <= limit <= MAX_LIMIT:
            return jsonify(errors={"limit": f"limit must be between 1 and {MAX_LIMIT}"}), 400
        if "page_info" in args:
            extra = sorted(set(args) - {"page_info", "limit", "fields"})
            if extra:
                return jsonify(errors={extra[0]: f"{extra[0]} cannot be passed when page_info is present."}), 400
            info = _decode_page_info(args["page_info"])
            if not info or info.get("direction") != "next":
                return jsonify(errors={"page_info": "Invalid value."}), 400
            filters, after = info["filters"], (info["last_value"], info["last_id"])
        else:
            filters, after = {k: v for k, v in args.items() if k in ORDER_FILTERS}, None
        try:
            page, cursor = store.list_orders(filters, limit, after)
        except ValueError as error:
            return jsonify(errors={"query": str(error)}), 400
        fields = [f for f in args.get("fields", "").split(",") if f]
        response = jsonify(orders=[{k: o[k] for k in fields if k in o} if fields else o for o in page])
        if cursor:
            token = _encode_page_info({"direction": "next", "filters": filters,
                                       "last_value": cursor[0], "last_id": cursor[1]})
            extra = {"fields": args["fields"]} if fields else {}
            link = url_for("list_orders", version=version, limit=limit, page_info=token, _external=True, **extra)
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response

    @app.get("/admin/api/<version>/orders/<int:order_id>.json")
    def get_order(version, order_id):
        """GET one order."""
        order = store.orders.get(order_id) or abort(404)
        return jsonify(order=order)

    @app.get("/admin/api/<version>/orders/<int:order_id>/fulfillment_orders.json")
    def list_fulfillment_orders(version, order_id):
        """GET an order's fulfillment orders."""
        if order_id not in store.orders:
            return jsonify(errors="Not Found"), 404
        return jsonify(fulfillment_orders=store.fulfillment_orders[order_id])

    @app.post("/admin/api/<version>/fulfillments.json")
    def create_fulfillment(version):
        """POST a fulfillment for fulfillment orders, with tracking_info."""
        body = (request.get_json(silent=True) or {}).get("fulfillment")
        if not isinstance(body, dict):
            return jsonify(errors={"fulfillment": "Required parameter missing or invalid"}), 400
        fulfillment, errors = store.fulfil(body)
        if errors:
            return jsonify(errors=errors), 422
        return jsonify(fulfillment=fulfillment), 201

    shopify_inventory.install_routes(app, store)
    _install_controls(app, store)
    shopify_refunds.install_routes(app, store)
    return app


def _install_controls(app, store):
    """Test controls under /_sandbox/ (no token): add/modify orders, inject faults, read pushes."""

    @app.post("/_sandbox/orders")
    def add_orders():
        body = request.get_json(silent=True) or {}
        count = int(body.pop("count", 1))
        return jsonify(orders=[store.add_order(body) for _ in range(count)]), 201

    @app.patch("/_sandbox/orders/<int:order_id>")
    def modify_order(order_id):
        order = store.modify_order(order_id, request.get_json(silent=True) or {})
        return (jsonify(order=order), 200) if order else (jsonify(errors="Not Found"), 404)

    @app.post("/_sandbox/faults")
    def add_faults():
        body = request.get_json(silent=True) or {}
        fault = (int(body.get("status", 429)), str(body.get("retry_after", "2.0")))
        if isinstance(body.get("throttle_status"), dict):
            fault += (body["throttle_status"],)
        with store.lock:
            store.faults += [fault] * int(body.get("count", 1))
        return jsonify(pending=len(store.faults))

    @app.get("/_sandbox/fulfillments")
    def fulfillments():
        return jsonify(fulfillments=store.fulfillments)

    @app.get("/_sandbox/requests")
    def requests_seen():
        return jsonify(requests=[{"method": m, "path": p, "query": q} for m, p, q in store.requests])

    @app.post("/_sandbox/variants")
    def add_variants():
        body = request.get_json(silent=True) or {}
        first, count = int(body.get("first_id", 4_300_000_000)), int(body.get("count", 1))
        items = [store.add_variant(first + n, body.get("sku"), int(body.get("available", 0))) for n in range(count)]
        return jsonify(inventory_item_ids=items), 201

    @app.get("/_sandbox/inventory")
    def inventory():
        with store.lock:
            return jsonify(levels={str(item): qty for item, qty in store.levels.items()})


def start_in_thread(access_token=DEFAULT_TOKEN, seed=True, port=0):
    """Run a fresh sandbox on localhost (port 0 = any free port); `.base_url`, `.state`, `.stop()`."""
    store = ShopifyStore(access_token=access_token, seed=seed)
    return serve_in_thread(create_app(store), store, port=port)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Shopify Admin REST sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the access token it accepts")
    args = parser.parse_args(argv)
    print(f"Shopify sandbox on http://{args.host}:{args.port} (token {args.token})", flush=True)
    create_app(ShopifyStore(access_token=args.token)).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
