"""Shopify Admin API adapter: pull orders and refunds incrementally, push tracking as a fulfillment, push
stock, send refunds.

Wire format: https://shopify.dev/docs/api/admin-rest (orders, fulfillment orders, fulfillments,
refunds, variants, locations). Each call goes through `wms.channels.shopify_gateway` (the access token,
429 / 5xx / network retries, GraphQL THROTTLED, cursor paging); orders become records in
`wms.channels.shopify_orders` (where the external id and finance review's facts are explained), refunds in
`wms.channels.refunds_shopify`. Settings on the channel: `base_url` (https://<shop>.myshopify.com
or the sandbox), `access_token`, optional `api_version`, `page_size` and `location_id`.

Stock (库存同步, `push_stock`): the GraphQL Admin API's `inventorySetQuantities` mutation
(https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities, `POST
/admin/api/<version>/graphql.json`) sets the `available` quantity of many inventory items at a location in
one call (input {name: "available", reason: "correction", ignoreCompareQuantity: true, quantities:
[{inventoryItemId, locationId, quantity}]}: we are the source of truth, so no compare-and-set). Its
`userErrors` name the refused entry by its path (["input", "quantities", "<index>", ...]) and the call then
sets nothing, so the refused entries are answered as refused and the rest of the batch is sent again at
once. No maximum is documented for `quantities`; `stock_batch_size` is 250, the Admin API's usual bound on an
input list. The REST `inventory_levels/set.json` this replaced set one item a call. A platform SKU is the
inventory item's numeric id, or `shopify-variant-<id>` (the key an order line without a SKU gets), whose
inventory_item_id is read once with `GET variants/<id>.json`. The location is the channel's `location_id` setting, else the first
active one of `GET locations.json`.

Incremental pulls ask for `updated_at_min=<cursor>` sorted `updated_at asc`. Shopify treats the
minimum as inclusive, so orders at the cursor's second are fetched again; the importer is
idempotent, so that costs a few "unchanged" rows and never loses an order changed in that second.
"""
import logging
import re
import time

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, register
from wms.channels.shopify_gateway import API_VERSION, MAX_ATTEMPTS, TIMEOUT, ShopifyGateway
from wms.channels.shopify_orders import order_to_record, to_cursor

log = logging.getLogger("wms.channels.shopify")

MAX_PAGE_SIZE = 250        # the most `limit` a REST list page takes
STOCK_BATCH = 250         # quantities per inventorySetQuantities call (none documented: see the docstring)
SET_QUANTITIES = """mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}"""

_VARIANT_KEY = re.compile(r"shopify-variant-(\d+)")


@register("shopify")
class ShopifyAdapter:
    """One Shopify store, reached over HTTPS with an Admin API access token."""

    stock_batch_size = STOCK_BATCH  # inventorySetQuantities sets many inventory items in one call

    def __init__(self, base_url, access_token, *, api_version=API_VERSION, page_size=MAX_PAGE_SIZE,
                 timeout=TIMEOUT, max_attempts=MAX_ATTEMPTS, sleep=time.sleep, session=None, location_id=None):
        if not base_url or not access_token:
            raise ChannelError("The Shopify channel needs a base_url and an access_token")
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.location_id = int(location_id) if str(location_id or "").isdigit() else None
        self._inventory_items = {}  # platform SKU -> inventory_item_id (variants read once)
        self.gateway = ShopifyGateway(base_url, access_token, api_version=api_version, timeout=timeout,
                                      max_attempts=max_attempts, sleep=sleep, session=session)

    @classmethod
    def from_channel(cls, channel, **overrides):
        """Build from `channel.settings`: base_url, access_token (or token), api_version, page_size."""
        settings = {**(channel.settings or {}), **overrides}
        options = {key: settings[key] for key in ("api_version", "page_size", "timeout", "max_attempts", "sleep",
                                                    "session", "location_id") if key in settings}
        token = settings.get("access_token") or settings.get("token")
        return cls(settings.get("base_url"), token, **options)

    def fetch_orders(self, since=None):
        """Yield (record, cursor) for orders updated at or after `since`, oldest change first."""
        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc"}
        if since:
            params["updated_at_min"] = since
        for order in self.gateway.pages("orders.json", "orders", params):
            yield order_to_record(order), to_cursor(order["updated_at"])

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None,
                      notify_buyer=False):
        """Fulfil every open fulfillment order of the order with this tracking; returns the fulfillment."""
        response = self.gateway.request("GET", f"orders/{external_id}/fulfillment_orders.json")
        open_orders = [fo for fo in response.json().get("fulfillment_orders", [])
                       if fo.get("status") in ("open", "in_progress")]
        if not open_orders:
            raise ChannelError.worded("Shopify order {order} has nothing left to fulfil", order=external_id,
                                      details={"external_id": external_id})
        tracking = {"number": tracking_number, "company": carrier}
        if tracking_url:
            tracking["url"] = tracking_url
        body = {"fulfillment": {
            "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"]} for fo in open_orders],
            "tracking_info": tracking,
            "notify_customer": bool(notify_buyer),
        }}
        response = self.gateway.request("POST", "fulfillments.json", json=body)
        return response.json()["fulfillment"]

    def push_stock(self, items):
        """Set each [{platform_sku, qty}] as the item's available quantity at our location, all in one
        inventorySetQuantities call; one result per item, in order. Entries Shopify refuses are answered as
        refused and the others are sent again (a call with a refused entry sets nothing)."""
        if len(items) > self.stock_batch_size:
            raise ChannelError.worded("Shopify takes {most} SKU(s) per stock call, not {count}",
                                      most=self.stock_batch_size, count=len(items))
        results, pending = [None] * len(items), []
        for index, item in enumerate(items):
            key, qty = str(item.get("platform_sku") or "").strip(), item.get("qty")
            if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
                results[index] = _refused(key, f"not a stock quantity: {qty!r}")
                continue
            try:
                inventory_item_id = self._inventory_item(key)
            except (ChannelAuthFailed, ChannelUnavailable):
                raise
            except (ChannelError, ValueError) as error:
                results[index] = _refused(key, getattr(error, "message", str(error)))
                continue
            if inventory_item_id is None:
                results[index] = _refused(key, f"not a Shopify inventory item id or shopify-variant-<id>: {key!r}")
                continue
            pending.append((index, key, qty, inventory_item_id))
        while pending:
            refused = self._set_quantities(pending)
            for position, error in refused.items():
                index, key, _qty, _item = pending[position]
                results[index] = _refused(key, error)
            if not refused:
                for index, key, _qty, _item in pending:
                    results[index] = {"platform_sku": key, "ok": True, "error": None}
                break
            pending = [entry for position, entry in enumerate(pending) if position not in refused]  # sent again
        return results

    def _set_quantities(self, entries):
        """One inventorySetQuantities call for [(index, key, qty, inventory_item_id)]: {position: refusal}
        ({} = all set; a refusal of the whole input refuses every position)."""
        location = f"gid://shopify/Location/{self._location()}"
        variables = {"input": {"name": "available", "reason": "correction", "ignoreCompareQuantity": True,
                               "quantities": [{"inventoryItemId": f"gid://shopify/InventoryItem/{item_id}",
                                               "locationId": location, "quantity": qty}
                                              for _index, _key, qty, item_id in entries]}}
        answer = self.gateway.graphql(SET_QUANTITIES, variables)
        payload = (answer.get("data") or {}).get("inventorySetQuantities") if isinstance(answer.get("data"), dict) else None
        if not isinstance(payload, dict):
            return {position: "Shopify did not answer inventorySetQuantities" for position in range(len(entries))}
        refused = {}
        for error in payload.get("userErrors") or []:
            field = [str(part) for part in (error.get("field") or [])] if isinstance(error, dict) else []
            text = f"{error.get('code') or 'refused'}: {error.get('message') or ''}".strip() if isinstance(error, dict) else str(error)
            if len(field) >= 3 and field[:2] == ["input", "quantities"] and field[2].isdigit() \
                    and int(field[2]) < len(entries):
                refused[int(field[2])] = text[:300]
            else:  # the input as a whole: no entry can be set
                return {position: text[:300] for position in range(len(entries))}
        return refused

    def _inventory_item(self, key):
        if key.isdigit():
            return int(key)
        match = _VARIANT_KEY.fullmatch(key)
        if not match:
            return None
        if key not in self._inventory_items:
            variant = self.gateway.request("GET", f"variants/{match.group(1)}.json").json().get("variant") or {}
            item_id = variant.get("inventory_item_id")
            self._inventory_items[key] = int(item_id) if str(item_id or "").isdigit() else None
        return self._inventory_items[key]

    def _location(self):
        if self.location_id is None:
            locations = self.gateway.request("GET", "locations.json").json().get("locations") or []
            active = [loc for loc in locations if isinstance(loc, dict) and loc.get("active", True) and loc.get("id")]
            if not active:
                raise ChannelError("Shopify has no active location to hold stock")
            self.location_id = int(active[0]["id"])
        return self.location_id

    # --- refunds (RefundSource: issue 19 item 3; the mapping in wms.channels.refunds_shopify) -----------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for the refunds of orders updated at or after `since` (a refund
        moves its order's updated_at), oldest change first; a refund we cannot read is a ChannelError."""
        from wms.channels.refunds_shopify import order_refunds

        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc",
                  "fields": "id,updated_at,refunds"}
        if since:
            params["updated_at_min"] = since
        for order in self.gateway.pages("orders.json", "orders", params):
            try:
                records = order_refunds(order)
            except (ValueError, TypeError, AttributeError) as error:
                raise ChannelError.worded("Shopify order {order} has a refund we cannot read: {error}",
                                          order=str(order.get("id")), error=str(error)[:200]) from None
            for record in records:
                yield record, to_cursor(order["updated_at"])

    def send_refund(self, external_id, amount_cents, currency, key, note=""):
        """Refund `amount_cents` of the order to its buyer (REST Admin API, Refund resource: POST
        /orders/{id}/refunds.json with one `refund` transaction whose parent is the order's successful sale or
        capture, as documented at shopify.dev/api/admin-rest/2025-01/resources/refund). `key` (our case) is
        written into the refund's note and looked for first, so a call sent again after a lost answer finds
        the refund it made instead of refunding twice. Returns the refund's id."""
        refunds = self.gateway.request("GET", f"orders/{external_id}/refunds.json").json().get("refunds")
        for made in refunds or []:
            if key in str(made.get("note") or ""):
                return str(made["id"])
        sales = [t for t in self.gateway.request("GET", f"orders/{external_id}/transactions.json")
                 .json().get("transactions") or []
                 if t.get("kind") in ("sale", "capture") and t.get("status") == "success"]
        if not sales:
            raise ChannelError.worded("Shopify order {order} has no payment to refund", order=external_id,
                                      details={"external_id": external_id})
        body = {"refund": {"currency": currency, "notify": False, "note": f"{note} [{key}]".strip(),
                           "transactions": [{"parent_id": sales[0]["id"], "kind": "refund",
                                             "gateway": sales[0].get("gateway") or "manual",
                                             "amount": f"{amount_cents / 100:.2f}"}]}}
        response = self.gateway.request("POST", f"orders/{external_id}/refunds.json", json=body)
        return str(response.json()["refund"]["id"])


def _refused(key, error):
    return {"platform_sku": key, "ok": False, "error": str(error)[:300]}
