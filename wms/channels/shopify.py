"""Shopify Admin REST API adapter: pull orders incrementally, push tracking as a fulfillment.

Wire format: https://shopify.dev/docs/api/admin-rest (orders, fulfillment orders, fulfillments,
cursor pagination, rate limits). Settings on the channel: `base_url` (https://<shop>.myshopify.com
or the sandbox), `access_token`, optional `api_version` and `page_size`.

External id: the order's numeric `id`, not its `name` ("#1001"). The id is immutable and is what
every endpoint addresses (fulfillment orders, fulfillments), so writing tracking back needs no
lookup; the name is a per-shop display label built from a prefix the merchant may change.

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

Finance review's facts: cash_on_delivery is an order whose `payment_gateway_names` (the REST Order's
list of the gateways used) holds Shopify's manual cash-on-delivery gateway, "Cash on Delivery (COD)"
(the name Shopify gives it: a COD order's transaction has gateway "Cash on Delivery (COD)", processing_method
"manual", as community.shopify.com/t/processing-method-is-blank-instead-of-manual/110957 shows). A line's
list_price_cents is its `compare_at_price` when the line carries one (the variant's compare-at price;
REST line items do not always), else empty; its `price` stays the unit price. Shopify's order has no
invoice request: invoice_requested stays false.

GraphQL cost throttling (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, "GraphQL Admin API rate
limits"): a query is run only when the app's leaky bucket holds its requested cost; otherwise Shopify answers
HTTP 200 with `errors[].extensions.code` THROTTLED and `extensions.cost` giving the query's requestedQueryCost
and the bucket's throttleStatus (currentlyAvailable, restoreRate points a second). Such an answer is one
attempt of the call's one budget (`max_attempts`, shared with 429 / 5xx / network errors by gateway_http), sent
again after (requestedQueryCost - currentlyAvailable) / restoreRate seconds (`throttle_wait`).

Incremental pulls ask for `updated_at_min=<cursor>` sorted `updated_at asc`. Shopify treats the
minimum as inclusive, so orders at the cursor's second are fetched again; the importer is
idempotent, so that costs a few "unchanged" rows and never loses an order changed in that second.
"""
import logging
import math
import re
import time

from wms.channels import gateway_http
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, cursor_text, naive_utc_text, parse_iso, register, to_cents
from wms.channels.http import platform_session

log = logging.getLogger("wms.channels.shopify")

API_VERSION = "2025-01"
MAX_PAGE_SIZE = 250
TIMEOUT = (5, 30)          # connect, read (seconds)
MAX_ATTEMPTS = 5           # per call, across 429 / 5xx / network errors / GraphQL THROTTLED (one budget)
MAX_RETRY_AFTER = 60.0     # never sleep longer than this on one Retry-After
# The longest wait for one THROTTLED answer: Shopify runs no query dearer than 1,000 points and has published no
# restore rate below 50 points/s, so an empty bucket holds any query within 20 s; more means numbers misread.
MAX_THROTTLE_WAIT = 20.0

# financial_status -> our payment_status. Voided = the authorisation was cancelled and no money
# will come, so it must not ship: treated like a refund.
PAYMENT_STATUS = {
    "paid": "paid", "partially_refunded": "paid",
    "pending": "pending", "authorized": "pending", "partially_paid": "pending", "expired": "pending",
    "refunded": "refunded", "voided": "refunded",
}

COD_GATEWAY = "Cash on Delivery (COD)"   # Shopify's manual cash-on-delivery payment method
STOCK_BATCH = 250         # quantities per inventorySetQuantities call (none documented: see the docstring)
SET_QUANTITIES = """mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}"""

_LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?(\w+)"?')
_VARIANT_KEY = re.compile(r"shopify-variant-(\d+)")


@register("shopify")
class ShopifyAdapter:
    """One Shopify store, reached over HTTPS with an Admin API access token."""

    stock_batch_size = STOCK_BATCH  # inventorySetQuantities sets many inventory items in one call

    def __init__(self, base_url, access_token, *, api_version=API_VERSION, page_size=MAX_PAGE_SIZE,
                 timeout=TIMEOUT, max_attempts=MAX_ATTEMPTS, sleep=time.sleep, session=None, location_id=None):
        if not base_url or not access_token:
            raise ChannelError("The Shopify channel needs a base_url and an access_token")
        self.api_root = f"{base_url.rstrip('/')}/admin/api/{api_version}"
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.timeout, self.max_attempts, self.sleep = timeout, max_attempts, sleep
        self.location_id = int(location_id) if str(location_id or "").isdigit() else None
        self._inventory_items = {}  # platform SKU -> inventory_item_id (variants read once)
        self.http = session or platform_session(self.api_root)  # kept alive, environment read once
        self.http.headers.update({"X-Shopify-Access-Token": access_token,
                                  "Accept": "application/json"})

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
        url = f"{self.api_root}/orders.json"
        while url:
            response = self._request("GET", url, params=params)
            for order in response.json().get("orders", []):
                yield order_to_record(order), to_cursor(order["updated_at"])
            # The next link carries page_info (and limit); Shopify refuses any other filter with it.
            url, params = next_page_url(response.headers.get("Link")), None

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None,
                      notify_buyer=False):
        """Fulfil every open fulfillment order of the order with this tracking; returns the fulfillment."""
        response = self._request("GET", f"{self.api_root}/orders/{external_id}/fulfillment_orders.json")
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
        response = self._request("POST", f"{self.api_root}/fulfillments.json", json=body)
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
        answer = self._graphql(SET_QUANTITIES, variables)
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

    def _graphql(self, query, variables):
        """One GraphQL Admin call's answer; THROTTLED (the cost limit) is an attempt of the call's one budget,
        sent again when the bucket holds the query; other top-level errors raise."""
        return self._request("POST", f"{self.api_root}/graphql.json", json={"query": query, "variables": variables},
                             read=_graphql_answer)

    def _inventory_item(self, key):
        if key.isdigit():
            return int(key)
        match = _VARIANT_KEY.fullmatch(key)
        if not match:
            return None
        if key not in self._inventory_items:
            variant = self._request("GET", f"{self.api_root}/variants/{match.group(1)}.json").json().get("variant") or {}
            item_id = variant.get("inventory_item_id")
            self._inventory_items[key] = int(item_id) if str(item_id or "").isdigit() else None
        return self._inventory_items[key]

    def _location(self):
        if self.location_id is None:
            locations = self._request("GET", f"{self.api_root}/locations.json").json().get("locations") or []
            active = [loc for loc in locations if isinstance(loc, dict) and loc.get("active", True) and loc.get("id")]
            if not active:
                raise ChannelError("Shopify has no active location to hold stock")
            self.location_id = int(active[0]["id"])
        return self.location_id

    def _request(self, method, url, *, read=None, **kwargs):
        """One call with Shopify's etiquette (wms.channels.gateway_http): honour Retry-After on 429, back off on
        5xx/network; the response (or `read(response)`, which may raise TryAgain), or a ChannelError for a 4xx."""
        read = read or (lambda response: response)
        return gateway_http.call(
            lambda: self.http.request(method, url, timeout=self.timeout, **kwargs),
            lambda response: read(_accepted(method, url, response)),
            partner="Shopify", attempts=self.max_attempts, sleep=self.sleep, also_retried=(429,),
            asked_wait=_retry_after)

    # --- refunds (RefundSource: issue 19 item 3; the mapping in wms.channels.refunds_shopify) -----------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for the refunds of orders updated at or after `since` (a refund
        moves its order's updated_at), oldest change first; a refund we cannot read is a ChannelError."""
        from wms.channels.refunds_shopify import order_refunds

        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc",
                  "fields": "id,updated_at,refunds"}
        if since:
            params["updated_at_min"] = since
        url = f"{self.api_root}/orders.json"
        while url:
            response = self._request("GET", url, params=params)
            for order in response.json().get("orders", []):
                try:
                    records = order_refunds(order)
                except (ValueError, TypeError, AttributeError) as error:
                    raise ChannelError.worded("Shopify order {order} has a refund we cannot read: {error}",
                                              order=str(order.get("id")), error=str(error)[:200]) from None
                for record in records:
                    yield record, to_cursor(order["updated_at"])
            url, params = next_page_url(response.headers.get("Link")), None

    def send_refund(self, external_id, amount_cents, currency, key, note=""):
        """Refund `amount_cents` of the order to its buyer (REST Admin API, Refund resource: POST
        /orders/{id}/refunds.json with one `refund` transaction whose parent is the order's successful sale or
        capture, as documented at shopify.dev/api/admin-rest/2025-01/resources/refund). `key` (our case) is
        written into the refund's note and looked for first, so a call sent again after a lost answer finds
        the refund it made instead of refunding twice. Returns the refund's id."""
        refunds = self._request("GET", f"{self.api_root}/orders/{external_id}/refunds.json").json().get("refunds")
        for made in refunds or []:
            if key in str(made.get("note") or ""):
                return str(made["id"])
        sales = [t for t in self._request("GET", f"{self.api_root}/orders/{external_id}/transactions.json")
                 .json().get("transactions") or []
                 if t.get("kind") in ("sale", "capture") and t.get("status") == "success"]
        if not sales:
            raise ChannelError.worded("Shopify order {order} has no payment to refund", order=external_id,
                                      details={"external_id": external_id})
        body = {"refund": {"currency": currency, "notify": False, "note": f"{note} [{key}]".strip(),
                           "transactions": [{"parent_id": sales[0]["id"], "kind": "refund",
                                             "gateway": sales[0].get("gateway") or "manual",
                                             "amount": f"{amount_cents / 100:.2f}"}]}}
        response = self._request("POST", f"{self.api_root}/orders/{external_id}/refunds.json", json=body)
        return str(response.json()["refund"]["id"])


def _refused(key, error):
    return {"platform_sku": key, "ok": False, "error": str(error)[:300]}


def _accepted(method, url, response):
    """The response, unless it is a 4xx: 401 / 403 is the access token refused, any other the call."""
    if response.status_code in (401, 403):
        raise ChannelAuthFailed.worded(
            "Shopify refused the access token ({status}): {error}", status=response.status_code,
            error=_error_text(response), details={"http_status": response.status_code})
    if response.status_code >= 400:
        raise ChannelError.worded("Shopify rejected {method} {url} ({status}): {error}", method=method,
                                  url=url.split("?")[0], status=response.status_code,
                                  error=_error_text(response), details={"http_status": response.status_code})
    return response


def _graphql_answer(response):
    """A GraphQL answer's body; TryAgain for THROTTLED, ChannelAuthFailed for a missing scope, else ChannelError."""
    answer = gateway_http.json_payload(response, "Shopify")
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not errors:
        return answer if isinstance(answer, dict) else {}
    codes = {str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)} \
        if isinstance(errors, list) else set()
    if "ACCESS_DENIED" in codes:  # the token lacks a scope (write_inventory): fix the channel's token
        raise ChannelAuthFailed.worded("Shopify refused the GraphQL call: {error}", error=str(errors)[:300])
    if "THROTTLED" not in codes:
        raise ChannelError.worded("Shopify refused the GraphQL call: {error}", error=str(errors)[:300])
    raise gateway_http.TryAgain("THROTTLED", wait=throttle_wait(answer), answered="THROTTLED")


def throttle_wait(answer):
    """Seconds until the bucket holds the throttled query: (requestedQueryCost - currentlyAvailable) / restoreRate
    from the answer's extensions.cost, at most MAX_THROTTLE_WAIT. None (the gateway's back-off) when a number is
    missing or unreadable, or the bucket already has room (then the throttle is not the cost bucket's)."""
    cost = (answer.get("extensions") or {}).get("cost") if isinstance(answer, dict) else None
    bucket = cost.get("throttleStatus") if isinstance(cost, dict) else None
    try:
        needed = float(cost["requestedQueryCost"]) - float(bucket["currentlyAvailable"])
        rate = float(bucket["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(needed) and math.isfinite(rate)) or needed <= 0 or rate <= 0:
        return None
    return min(needed / rate, MAX_THROTTLE_WAIT)


def _retry_after(response):
    """The wait a 429 asks for (its Retry-After, 2 s when unreadable or absent); None for a 5xx: the back-off."""
    if response.status_code != 429:
        return None
    try:
        return min(max(float(response.headers.get("Retry-After", "2.0")), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return 2.0


def _error_text(response):
    try:
        errors = response.json().get("errors", response.text)
    except ValueError:
        errors = response.text
    return str(errors)[:300]


def next_page_url(link_header):
    """The rel="next" URL of a Link header, or None on the last page."""
    for url, rel in _LINK_RE.findall(link_header or ""):
        if rel == "next":
            return url
    return None


def to_cursor(timestamp):
    """A Shopify timestamp (with offset) as the sync cursor."""
    return cursor_text(parse_time(timestamp))


parse_time = parse_iso  # Shopify writes ISO 8601 with an offset


def _naive_utc(text):
    return naive_utc_text(parse_time(text)) if text else None


def order_to_record(order):
    """Map a Shopify order JSON object to our canonical order record (plus `cancelled_at`)."""
    ship = order.get("shipping_address") or order.get("billing_address") or {}
    customer = order.get("customer") or {}
    return {
        "external_id": str(order["id"]),
        "ordered_at": _naive_utc(order.get("created_at")),
        "buyer_name": _buyer_name(ship, customer),
        "buyer_phone": (ship.get("phone") or order.get("phone") or customer.get("phone") or "").strip(),
        "buyer_email": (order.get("email") or order.get("contact_email") or "").strip(),
        "country": (ship.get("country_code") or "").upper(),
        "province": (ship.get("province") or ship.get("province_code") or "").strip(),
        "city": (ship.get("city") or "").strip(),
        "district": "",  # Shopify has no district field; Chinese buyers write it in address1
        "address": " ".join(part.strip() for part in (ship.get("address1"), ship.get("address2"),
                                                        ship.get("company")) if part and part.strip()),
        "postcode": (ship.get("zip") or "").strip(),
        "total_cents": to_cents(order.get("total_price")),
        "currency": (order.get("currency") or "").upper(),
        "payment_status": PAYMENT_STATUS.get(order.get("financial_status") or "pending", "pending"),
        "buyer_remark": (order.get("note") or "").strip(),
        "seller_note": "",
        "tags": [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()],
        "priority": 0,
        "carrier_code": None,
        "cash_on_delivery": COD_GATEWAY in (order.get("payment_gateway_names") or ()),
        "invoice_requested": False,
        "lines": [line for line in map(_line, order.get("line_items") or []) if line],
        "cancelled_at": _naive_utc(order.get("cancelled_at")),
    }


def _buyer_name(ship, customer):
    name = ship.get("name") or " ".join(filter(None, (ship.get("first_name"), ship.get("last_name"))))
    if not name:
        name = " ".join(filter(None, (customer.get("first_name"), customer.get("last_name"))))
    return name.strip()


def _line(item):
    """A line item as our line; None for lines that need no shipping or were refunded away."""
    qty = item.get("current_quantity", item.get("quantity")) or 0
    if item.get("requires_shipping") is False or qty <= 0:
        return None
    sku = (item.get("sku") or "").strip()
    if not sku:  # a variant without SKU: keep the line, unmatched, so review sees it
        sku = f"shopify-variant-{item.get('variant_id') or item.get('id')}"
    compare_at = item.get("compare_at_price")
    return {"sku_code": sku, "name": (item.get("name") or item.get("title") or "").strip(),
            "qty": int(qty), "unit_price_cents": to_cents(item.get("price")),
            "list_price_cents": to_cents(compare_at) if compare_at not in (None, "") else None}
