"""A local Shopify Admin REST sandbox: orders.json with cursor pagination, fulfillment orders,
fulfillments, token checks and rate limits, inventory (locations.json, variants/<id>.json,
inventory_levels.json, inventory_levels/set.json, and graphql.json's `inventorySetQuantities`: one
inventory item per variant of the seeded orders, each at the one location), plus /_sandbox/ endpoints that
tests use to change it.

`inventorySetQuantities` answers as the GraphQL Admin API does: every refused entry is a userError whose
field is its path (["input", "quantities", "<index>", "inventoryItemId"]) and then nothing is set; a 429
fault is answered on graphql.json as Shopify throttles GraphQL (HTTP 200, errors[].extensions.code
THROTTLED). Only that one mutation is spoken: any other document is answered with a GraphQL error.

    python -m wms.channels.sandbox.shopify --port 8701 [--token shpat_sandbox]

Channel settings to point at it: {"base_url": "http://127.0.0.1:8701", "access_token": "shpat_sandbox"}.
"""
import argparse
import base64
import copy
import hmac
import itertools
import json
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import Flask, abort, jsonify, request, url_for

from wms.channels.sandbox import serve_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID, FIRST_NUMBER, SEED, SHOP_TZ, build_order, seed_orders

DEFAULT_TOKEN = "shpat_sandbox"
MAX_LIMIT = 250
LOCATION_ID = 6_600_000_001
INVENTORY_ITEM_OFFSET = 40_000_000_000
SET_REASONS = {"correction", "cycle_count_available", "damaged", "movement_created", "movement_updated",
               "movement_received", "movement_canceled", "other", "promotion", "quality_control", "received",
               "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock",
               "shrinkage"}
ORDER_FILTERS = {"ids", "since_id", "status", "financial_status", "fulfillment_status", "order",
                 "created_at_min", "created_at_max", "updated_at_min", "updated_at_max"}


def _user_error(code, field, message):
    return {"code": code, "field": field, "message": message}


def _gid(value, kind):
    """The numeric id of `gid://shopify/<kind>/<id>`, or None."""
    prefix = f"gid://shopify/{kind}/"
    text = value if isinstance(value, str) else ""
    return int(text[len(prefix):]) if text.startswith(prefix) and text[len(prefix):].isdigit() else None


def _parse(text):
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class ShopifyStore:
    """The sandbox shop's state; every method holds the lock (the server is threaded)."""

    def __init__(self, access_token=DEFAULT_TOKEN, seed=True):
        self.access_token = access_token
        self.lock = threading.RLock()
        self.orders = {order["id"]: order for order in (seed_orders() if seed else [])}
        self.fulfillment_orders = {oid: [self._new_fulfillment_order(o)] for oid, o in self.orders.items()}
        self.fulfillments = []
        self.faults = []          # [(status, retry_after)] served, in turn, before real answers
        self.requests = []        # [(method, path, query string)] of every Admin API call
        self._ids = itertools.count(FIRST_ID + len(self.orders) + 1000)
        self._numbers = itertools.count(FIRST_NUMBER + len(self.orders))
        self.locations = [{"id": LOCATION_ID, "name": "Hangzhou warehouse", "active": True}]
        self.variants = {}        # variant id -> {id, sku, inventory_item_id}
        self.levels = {}          # inventory_item_id -> available at LOCATION_ID
        for order in self.orders.values():
            for line in order.get("line_items") or []:
                if line.get("variant_id"):
                    self.add_variant(line["variant_id"], line.get("sku"), 0)

    def add_variant(self, variant_id, sku=None, available=0):
        """A variant and its inventory item (variant id + INVENTORY_ITEM_OFFSET), stocked at the location."""
        with self.lock:
            item_id = int(variant_id) + INVENTORY_ITEM_OFFSET
            self.variants[int(variant_id)] = {"id": int(variant_id), "sku": sku, "inventory_item_id": item_id}
            self.levels.setdefault(item_id, int(available))
            return item_id

    def set_level(self, body):
        """inventory_levels/set: (level, None) or (None, (status, errors))."""
        with self.lock:
            location, item, available = body.get("location_id"), body.get("inventory_item_id"), body.get("available")
            if location is None or item is None or available is None:
                return None, (400, {"errors": {"inventory_item_id": "Required parameter missing or invalid"}})
            if not any(loc["id"] == location for loc in self.locations):
                return None, (422, {"errors": ["Location does not exist"]})
            if isinstance(available, bool) or not isinstance(available, int):
                return None, (422, {"errors": ["Available must be an integer"]})
            if item not in self.levels:
                return None, (422, {"errors": ["Inventory item does not exist"]})
            self.levels[item] = available
            return self._level(item), None

    def set_quantities(self, data):
        """inventorySetQuantities(input): {inventoryAdjustmentGroup, userErrors}; all or nothing."""
        with self.lock:
            data = data if isinstance(data, dict) else {}
            errors = []
            if data.get("name") != "available":
                errors.append(_user_error("INVALID_QUANTITY_NAME", ["input", "name"], "The quantity name must be 'available'."))
            if data.get("reason") not in SET_REASONS:
                errors.append(_user_error("INVALID_REASON", ["input", "reason"], "The specified reason is invalid."))
            quantities = data.get("quantities")
            if not isinstance(quantities, list) or not quantities:
                errors.append(_user_error("INVALID_QUANTITY_DOCUMENT", ["input", "quantities"], "Quantities must be given."))
                quantities = []
            changes, seen = [], set()
            for index, entry in enumerate(quantities):
                path = ["input", "quantities", str(index)]
                entry = entry if isinstance(entry, dict) else {}
                item, location, qty = _gid(entry.get("inventoryItemId"), "InventoryItem"), \
                    _gid(entry.get("locationId"), "Location"), entry.get("quantity")
                if item is None or item not in self.levels:
                    errors.append(_user_error("INVALID_INVENTORY_ITEM", path + ["inventoryItemId"],
                                              "The specified inventory item could not be found."))
                elif location is None or not any(loc["id"] == location for loc in self.locations):
                    errors.append(_user_error("INVALID_LOCATION", path + ["locationId"],
                                              "The specified location could not be found."))
                elif isinstance(qty, bool) or not isinstance(qty, int):
                    errors.append(_user_error("INVALID_QUANTITY_DOCUMENT", path + ["quantity"], "Quantity must be an integer."))
                elif qty < 0:
                    errors.append(_user_error("INVALID_QUANTITY_NEGATIVE", path + ["quantity"], "The quantity can't be negative."))
                elif (item, location) in seen:
                    errors.append(_user_error("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", path + ["inventoryItemId"],
                                              "The combination of inventoryItemId and locationId must be unique."))
                elif not data.get("ignoreCompareQuantity") and entry.get("compareQuantity") != self.levels[item]:
                    code = "COMPARE_QUANTITY_REQUIRED" if entry.get("compareQuantity") is None else "COMPARE_QUANTITY_STALE"
                    errors.append(_user_error(code, path + ["compareQuantity"], "The compareQuantity does not match."))
                else:
                    seen.add((item, location))
                    changes.append((item, qty))
            if errors:
                return {"inventoryAdjustmentGroup": None, "userErrors": errors}
            for item, qty in changes:
                self.levels[item] = qty
            self.tick()
            return {"inventoryAdjustmentGroup": {"id": f"gid://shopify/InventoryAdjustmentGroup/{next(self._ids)}"},
                    "userErrors": []}

    def _level(self, item):
        return {"inventory_item_id": item, "location_id": LOCATION_ID, "available": self.levels[item],
                "updated_at": self.tick(), "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{LOCATION_ID}?inventory_item_id={item}"}

    def tick(self):
        """Now in shop time, strictly after every updated_at so far (Shopify stamps in seconds)."""
        latest = max((_parse(o["updated_at"]) for o in self.orders.values()), default=None)
        now = datetime.now(SHOP_TZ).replace(microsecond=0)
        if latest and now <= latest:
            now = latest + timedelta(seconds=1)
        return now.astimezone(SHOP_TZ).isoformat(timespec="seconds")

    def add_order(self, fields=None):
        """A new order built from a seed shape, then overridden by `fields`."""
        with self.lock:
            fields = dict(fields or {})
            spec = SEED[fields.pop("seed", 0) % len(SEED)]
            order_id = next(self._ids)
            order = build_order(order_id, next(self._numbers), spec, _parse(self.tick()))
            order.update(fields, id=order_id)
            order["updated_at"] = self.tick()
            self.orders[order_id] = order
            self.fulfillment_orders[order_id] = [self._new_fulfillment_order(order)]
            return copy.deepcopy(order)

    def modify_order(self, order_id, fields):
        """Change fields of an order (nested dicts merge) and stamp a new updated_at."""
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                return None
            for key, value in fields.items():
                if isinstance(value, dict) and isinstance(order.get(key), dict):
                    order[key].update(value)
                else:
                    order[key] = value
            if fields.get("cancelled_at") == "now":
                order["cancelled_at"] = order["closed_at"] = self.tick()
                order.setdefault("cancel_reason", "customer")
            order["updated_at"] = self.tick()
            return copy.deepcopy(order)

    def list_orders(self, filters, limit, after=None):
        """Filtered orders sorted by the `order` filter, after the keyset `after` = (value, id)."""
        with self.lock:
            field, _, direction = (filters.get("order") or "created_at desc").partition(" ")
            field = field if field in ("created_at", "updated_at", "processed_at", "id") else "created_at"
            rows = [o for o in self.orders.values() if _matches(o, filters)]
            key = (lambda o: (o["id"], o["id"])) if field == "id" else (lambda o: (_parse(o[field]), o["id"]))
            descending = direction.lower() == "desc"
            rows.sort(key=key, reverse=descending)
            if after is not None:
                mark = (after[0] if field == "id" else _parse(after[0]), after[1])
                rows = [o for o in rows if (key(o) < mark if descending else key(o) > mark)]
            page = rows[:limit]
            more = len(rows) > limit
            cursor = (page[-1][field], page[-1]["id"]) if more else None
            return copy.deepcopy(page), cursor

    def fulfil(self, body):
        """Create a fulfillment from line_items_by_fulfillment_order; 422-style errors as a list."""
        with self.lock:
            wanted = body.get("line_items_by_fulfillment_order") or []
            found = {fo["id"]: (oid, fo) for oid, fos in self.fulfillment_orders.items() for fo in fos}
            errors = [f"Fulfillment order {w.get('fulfillment_order_id')} does not exist."
                      for w in wanted if w.get("fulfillment_order_id") not in found]
            errors += [f"Fulfillment order {w['fulfillment_order_id']} has an unfulfillable status= "
                       f"{found[w['fulfillment_order_id']][1]['status']}." for w in wanted
                       if w.get("fulfillment_order_id") in found
                       and found[w["fulfillment_order_id"]][1]["status"] not in ("open", "in_progress")]
            if not wanted:
                errors.append("line_items_by_fulfillment_order is required.")
            if errors:
                return None, errors
            return self._record_fulfillment(wanted, found, body), []

    def _record_fulfillment(self, wanted, found, body):
        order_id = found[wanted[0]["fulfillment_order_id"]][0]
        order, tracking, stamp = self.orders[order_id], body.get("tracking_info") or {}, self.tick()
        items = []
        for w in wanted:
            fo = found[w["fulfillment_order_id"]][1]
            fo["status"] = "closed"
            items += [{"id": li["line_item_id"], "quantity": li["quantity"]} for li in fo["line_items"]]
        fulfillment = {
            "id": 5_500_000_000 + len(self.fulfillments) + 1, "order_id": order_id, "status": "success",
            "name": f"{order['name']}.{len(order['fulfillments']) + 1}", "created_at": stamp,
            "updated_at": stamp, "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"), "tracking_numbers": [tracking.get("number")],
            "tracking_url": tracking.get("url"), "tracking_urls": [tracking.get("url")] if tracking.get("url") else [],
            "notify_customer": bool(body.get("notify_customer")), "line_items": items,
        }
        self.fulfillments.append(fulfillment)
        order["fulfillments"].append(fulfillment)
        order["fulfillment_status"] = "fulfilled"
        order["updated_at"] = stamp
        return copy.deepcopy(fulfillment)

    def _new_fulfillment_order(self, order):
        fo_id = 7_700_000_000 + order["id"] % 1_000_000_000
        return {"id": fo_id, "order_id": order["id"], "assigned_location_id": 6_600_000_001,
                "status": "closed" if order.get("cancelled_at") else "open",
                "request_status": "unsubmitted", "supported_actions": ["create_fulfillment"],
                "line_items": [{"id": fo_id * 10 + i, "fulfillment_order_id": fo_id, "line_item_id": li["id"],
                                "quantity": li["current_quantity"], "fulfillable_quantity": li["current_quantity"],
                                "variant_id": li["variant_id"]}
                               for i, li in enumerate(order["line_items"]) if li.get("requires_shipping")]}


def _matches(order, filters):
    status = filters.get("status") or "open"
    if status == "open" and (order.get("cancelled_at") or order.get("closed_at")):
        return False
    if status == "cancelled" and not order.get("cancelled_at"):
        return False
    if status == "closed" and not order.get("closed_at"):
        return False
    for field in ("created_at", "updated_at"):
        if filters.get(f"{field}_min") and _parse(order[field]) < _parse(filters[f"{field}_min"]):
            return False
        if filters.get(f"{field}_max") and _parse(order[field]) > _parse(filters[f"{field}_max"]):
            return False
    if filters.get("since_id") and order["id"] <= int(filters["since_id"]):
        return False
    if filters.get("ids") and str(order["id"]) not in filters["ids"].split(","):
        return False
    return not filters.get("financial_status") or filters["financial_status"] in ("any", order["financial_status"])


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
                status, retry_after = store.faults.pop(0)
                if status == 429 and request.path.endswith("/graphql.json"):  # GraphQL throttles with HTTP 200
                    return jsonify(errors=[{"message": "Throttled", "extensions": {
                        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}])
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

    _install_inventory(app, store)
    _install_controls(app, store)
    _install_refunds(app, store)
    return app


def _install_refunds(app, store):
    """An order's payment (one successful sale of its total) and refunds made through the API (Refund
    resource): a refund above what is left of the sale is refused (422), as Shopify does."""

    def sale(order):
        return {"id": order["id"] * 10 + 7, "order_id": order["id"], "kind": "sale", "status": "success",
                "gateway": "bogus", "amount": order.get("total_price") or "0.00", "currency": order.get("currency")}

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
            refund_id = next(store._ids)
            refund = {"id": refund_id, "order_id": order_id, "created_at": store.tick(), "note": body.get("note"),
                      "refund_line_items": [],
                      "transactions": [{"id": refund_id + 1, "kind": "refund", "status": "success",
                                        "amount": str(t.get("amount")), "parent_id": t.get("parent_id"),
                                        "gateway": t.get("gateway")} for t in body["transactions"]]}
            order.setdefault("refunds", []).append(refund)
            order["updated_at"] = store.tick()
            return jsonify(refund=refund), 201


def _install_inventory(app, store):
    """Locations, variants and inventory levels (one location)."""

    @app.get("/admin/api/<version>/locations.json")
    def list_locations(version):
        """GET locations."""
        return jsonify(locations=store.locations)

    @app.get("/admin/api/<version>/variants/<int:variant_id>.json")
    def get_variant(version, variant_id):
        """GET one variant (its inventory_item_id)."""
        variant = store.variants.get(variant_id)
        return jsonify(variant=variant) if variant else (jsonify(errors="Not Found"), 404)

    @app.get("/admin/api/<version>/inventory_levels.json")
    def list_levels(version):
        """GET levels of inventory_item_ids (comma-separated) at location_ids."""
        wanted = [int(i) for i in request.args.get("inventory_item_ids", "").split(",") if i.strip().isdigit()]
        if not wanted:
            return jsonify(errors={"inventory_item_ids": "must be given"}), 422
        with store.lock:
            return jsonify(inventory_levels=[store._level(i) for i in wanted if i in store.levels])

    @app.post("/admin/api/<version>/graphql.json")
    def graphql(version):
        """POST a GraphQL document: only the inventorySetQuantities mutation is spoken."""
        body = request.get_json(silent=True)
        query = body.get("query") if isinstance(body, dict) else None
        if not isinstance(query, str) or "inventorySetQuantities" not in query:
            return jsonify(errors=[{"message": "The sandbox speaks only the inventorySetQuantities mutation",
                                    "extensions": {"code": "undefinedField"}}])
        variables = body.get("variables") if isinstance(body.get("variables"), dict) else {}
        if not isinstance(variables.get("input"), dict):
            return jsonify(errors=[{"message": "Variable $input of type InventorySetQuantitiesInput! was provided "
                                               "invalid value", "extensions": {"code": "INVALID_VARIABLE"}}])
        return jsonify(data={"inventorySetQuantities": store.set_quantities(variables["input"])},
                       extensions={"cost": {"requestedQueryCost": 10, "actualQueryCost": 10}})

    @app.post("/admin/api/<version>/inventory_levels/set.json")
    def set_level(version):
        """POST set an inventory item's available quantity at a location."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(errors={"inventory_level": "Required parameter missing or invalid"}), 400
        level, refusal = store.set_level(body)
        return jsonify(inventory_level=level) if level else (jsonify(refusal[1]), refusal[0])


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
        with store.lock:
            store.faults += [(int(body.get("status", 429)), str(body.get("retry_after", "2.0")))] * int(body.get("count", 1))
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
