"""The Shopify sandbox's inventory API: one location (LOCATION_ID), one inventory item per variant (variant id
+ INVENTORY_ITEM_OFFSET) with its available level there; locations.json, variants/<id>.json,
inventory_levels.json, inventory_levels/set.json and graphql.json's `inventorySetQuantities`. The variants
and levels themselves are kept by the store (wms.channels.sandbox.shopify_store); served by
wms.channels.sandbox.shopify, which checks the token and answers the faults first.

`inventorySetQuantities` answers as the GraphQL Admin API does: every refused entry is a userError whose
field is its path (["input", "quantities", "<index>", "inventoryItemId"]) and then nothing is set. Only that
one mutation is spoken: any other document is answered with a GraphQL error.

Every answer carries `extensions.cost` as Shopify's does
(shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): the mutation's requested cost (SET_QUANTITIES_COST)
and, on a THROTTLED answer (`throttled`, served for a 429 fault), the bucket's `throttleStatus`
(maximumAvailable, currentlyAvailable, restoreRate) with actualQueryCost null. A fault may carry its own
throttleStatus; else the bucket is empty at the Standard plan's restore rate.
"""
from flask import jsonify, request

LOCATION_ID = 6_600_000_001
INVENTORY_ITEM_OFFSET = 40_000_000_000
SET_REASONS = {"correction", "cycle_count_available", "damaged", "movement_created", "movement_updated",
               "movement_received", "movement_canceled", "other", "promotion", "quality_control", "received",
               "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock",
               "shrinkage"}
SET_QUANTITIES_COST = 10  # requestedQueryCost of the one mutation spoken (an object and a list of objects)
EMPTY_BUCKET = {"maximumAvailable": 1000.0, "currentlyAvailable": 0.0,  # a THROTTLED answer's default bucket:
                "restoreRate": 100.0}                                  # empty, at the Standard plan's 100 points/s


def _user_error(code, field, message):
    return {"code": code, "field": field, "message": message}


def _gid(value, kind):
    """The numeric id of `gid://shopify/<kind>/<id>`, or None."""
    prefix = f"gid://shopify/{kind}/"
    text = value if isinstance(value, str) else ""
    return int(text[len(prefix):]) if text.startswith(prefix) and text[len(prefix):].isdigit() else None


def level(store, item):
    """An inventory item's level at the location, as inventory_levels.json answers it (the caller holds the lock)."""
    return {"inventory_item_id": item, "location_id": LOCATION_ID, "available": store.levels[item],
            "updated_at": store.tick(), "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{LOCATION_ID}?inventory_item_id={item}"}


def set_level(store, body):
    """inventory_levels/set: (level, None) or (None, (status, errors))."""
    with store.lock:
        location, item, available = body.get("location_id"), body.get("inventory_item_id"), body.get("available")
        if location is None or item is None or available is None:
            return None, (400, {"errors": {"inventory_item_id": "Required parameter missing or invalid"}})
        if not any(loc["id"] == location for loc in store.locations):
            return None, (422, {"errors": ["Location does not exist"]})
        if isinstance(available, bool) or not isinstance(available, int):
            return None, (422, {"errors": ["Available must be an integer"]})
        if item not in store.levels:
            return None, (422, {"errors": ["Inventory item does not exist"]})
        store.levels[item] = available
        return level(store, item), None


def throttled(throttle_status=None):
    """The body of a THROTTLED answer (HTTP 200): the error, the query's cost and the bucket it did not fit."""
    return {"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
            "extensions": {"cost": {"requestedQueryCost": SET_QUANTITIES_COST, "actualQueryCost": None,
                                    "throttleStatus": {**EMPTY_BUCKET, **(throttle_status or {})}}}}


def set_quantities(store, data):
    """inventorySetQuantities(input): {inventoryAdjustmentGroup, userErrors}; all or nothing."""
    with store.lock:
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
            if item is None or item not in store.levels:
                errors.append(_user_error("INVALID_INVENTORY_ITEM", path + ["inventoryItemId"],
                                          "The specified inventory item could not be found."))
            elif location is None or not any(loc["id"] == location for loc in store.locations):
                errors.append(_user_error("INVALID_LOCATION", path + ["locationId"],
                                          "The specified location could not be found."))
            elif isinstance(qty, bool) or not isinstance(qty, int):
                errors.append(_user_error("INVALID_QUANTITY_DOCUMENT", path + ["quantity"], "Quantity must be an integer."))
            elif qty < 0:
                errors.append(_user_error("INVALID_QUANTITY_NEGATIVE", path + ["quantity"], "The quantity can't be negative."))
            elif (item, location) in seen:
                errors.append(_user_error("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", path + ["inventoryItemId"],
                                          "The combination of inventoryItemId and locationId must be unique."))
            elif not data.get("ignoreCompareQuantity") and entry.get("compareQuantity") != store.levels[item]:
                code = "COMPARE_QUANTITY_REQUIRED" if entry.get("compareQuantity") is None else "COMPARE_QUANTITY_STALE"
                errors.append(_user_error(code, path + ["compareQuantity"], "The compareQuantity does not match."))
            else:
                seen.add((item, location))
                changes.append((item, qty))
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        for item, qty in changes:
            store.levels[item] = qty
        store.tick()
        return {"inventoryAdjustmentGroup": {"id": f"gid://shopify/InventoryAdjustmentGroup/{store.next_id()}"},
                "userErrors": []}


def install_routes(app, store):
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
            return jsonify(inventory_levels=[level(store, i) for i in wanted if i in store.levels])

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
        return jsonify(data={"inventorySetQuantities": set_quantities(store, variables["input"])},
                       extensions={"cost": {"requestedQueryCost": SET_QUANTITIES_COST,
                                             "actualQueryCost": SET_QUANTITIES_COST}})

    @app.post("/admin/api/<version>/inventory_levels/set.json")
    def set_inventory_level(version):
        """POST set an inventory item's available quantity at a location."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(errors={"inventory_level": "Required parameter missing or invalid"}), 400
        found, refusal = set_level(store, body)
        return jsonify(inventory_level=found) if found else (jsonify(refusal[1]), refusal[0])
