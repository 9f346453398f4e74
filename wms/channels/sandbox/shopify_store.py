"""The Shopify sandbox's shop, in memory: its orders (seeded from wms.channels.sandbox.shopify_seed) with their
fulfillment orders and fulfillments, the variants' inventory items and levels (the rules of setting them:
wms.channels.sandbox.shopify_inventory), the faults still to serve and every Admin API call seen.

Orders are listed as orders.json lists them: filtered (status open by default, created / updated bounds,
since_id, ids, financial_status), sorted by the `order` filter and paged by keyset (value, id).
"""
import copy
import itertools
import threading
from datetime import datetime, timedelta, timezone

from wms.channels.sandbox import merge_fields
from wms.channels.sandbox.shopify_inventory import INVENTORY_ITEM_OFFSET, LOCATION_ID
from wms.channels.sandbox.shopify_seed import FIRST_ID, FIRST_NUMBER, SEED, SHOP_TZ, build_order, seed_orders

DEFAULT_TOKEN = "shpat_sandbox"


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
        self.faults = []          # [(status, retry_after[, throttleStatus])] served, in turn, before real answers
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

    def next_id(self):
        """A new id, from the one counter of new orders, refunds and inventory adjustment groups."""
        return next(self._ids)

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
            order_id = self.next_id()
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
            merge_fields(order, fields)
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
