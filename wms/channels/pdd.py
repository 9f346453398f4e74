"""Pinduoduo (拼多多) open platform adapter: orders and after-sales pulled incrementally, shipping
written back, stock pushed.

Speaks the PDD HTTP protocol (`wms.channels.pdd_protocol`: signing, error codes; the
"API调用指南", https://open.pinduoduo.com/application/document/browse?idStr=8EC06C399636041E) to:

* `pdd.order.number.list.increment.get` (订单增量接口): orders by last-update window
  (start_updated_at / end_updated_at, UNIX seconds, at most 30 minutes apart), page / page_size
  (at most 100), order_status=5 and refund_status=5 (all), is_lucky_flag=0 (all), use_has_next.
  The API page says to page backwards ("必须采用倒序的分页方式（从最后一页往回取）才能避免漏单问题")
  and the order FAQ (https://open.pinduoduo.com/application/document/browse?idStr=3155CCB725082A31)
  how: a first call with use_has_next=false for total_count, then pages from the last to the first
  with use_has_next=true. A row that leaves the window while it is paged (updated again) shifts
  later rows towards page 1, which is still to be read; the one that left comes in a later window.
  Rows read twice are merged by order_sn. A window that fits one page is read once. Sources:
  lywzx/pdd-node-sdk packages/pdd-origin-api/src/dingDan/PddOrderNumberListIncrementGet.ts and
  the FAQ above.
* `pdd.order.information.get` (订单详情): one order (`fetch_order`), and the check after a refused
  shipment (below).
* `pdd.logistics.companies.get` + `pdd.logistics.online.send` (订单发货通知接口: order_sn,
  logistics_id, tracking_number -> is_success): our carrier is matched to an available company
  of PDD's list (by its code, then by name), fetched once per adapter. PDD refuses to ship an
  order twice; when online.send refuses, the order is read back and a shipment already carrying
  our tracking number (a retry after a lost answer) counts as done.
* `pdd.refund.list.increment.get` (售后列表接口): after-sales rows by updated window (30 minutes,
  page_size 100), after_sales_type=1 (全部); after_sales_status=1, which the page's older text and
  its request example use for "all" (the current enumeration starts at 0 and lists no "all": no
  source confirms 1 beyond that example). Times of these rows are UNIX seconds.
* `pdd.goods.list.get` + `pdd.goods.quantity.update` (商品库存更新接口: goods_id, sku_id or outer_id,
  quantity, update_type=1 full): one SKU per call, so `stock_batch_size` is 1 (pdd.goods.sku.stock.update
  is one SKU too; we found no documented call that sets several SKUs' stock at once). A platform SKU
  `pdd-<goods_id>-<sku_id>` is addressed directly; a merchant code is looked up once with
  goods.list.get (outer_id filter) for its goods_id and sku_id. A per-SKU business refusal
  (unknown SKU, PDD's "在资源位上的商品不能减少库存") is that item's `error`, not an exception.

Errors: AUTH_CODES -> ChannelAuthFailed; RETRY_CODES (rate limits, maintenance, internal errors),
HTTP 5xx, timeouts and network errors -> retried with exponential back-off (no source states a
wait), then ChannelUnavailable; any other error_response -> ChannelError with PDD's own reason
(sub_msg, else error_msg). An answer without its documented response key or with a field of the
wrong type is a ChannelError naming the API and field, never a crash or a silently dropped order.

Windows end `settle_seconds` (180) before now: the API page says an end no earlier than three
minutes before PDD's time avoids missed orders (read here as "windows end three minutes back", the
index being late; the FAQ's wording can be read either way). Window starts are inclusive: the
orders of the cursor's second come again and the importer answers "unchanged". The cursor is the
order's updated_at in UTC ISO form. Consecutive windows share their edge second; a row on it is
yielded once per fetch (the importer refuses an order twice in one chunk). A first sync starts at the `initial_since` setting or
`initial_days` (7) ago; PDD keeps orders of the last three months only.

What no source here confirms: the texts of business refusals (sub_code / sub_msg), and the field
names of the masked receiver copies (see wms.channels.pdd_orders).

Settings on the channel: `gateway_url` (https://gw-api.pinduoduo.com/api/router or the sandbox),
`client_id`, `client_secret`, `access_token`, optional `page_size` (100), `initial_since`,
`initial_days`, `settle_seconds`.
"""
import json
import logging
import math
import time
from datetime import datetime, timedelta, timezone

import requests

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, register
from wms.channels.http import platform_session
from wms.channels.pdd_orders import (
    logistics_id_for, order_to_record, parse_platform_sku, refund_to_record, refund_updated, updated_at,
)
from wms.channels.pdd_protocol import (
    API_VERSION, DATA_TYPE, GATEWAY, describe_error, error_code, from_cursor, kind_of, reason_of, sign_request,
    to_cursor, unix,
)

log = logging.getLogger("wms.channels.pdd")

MAX_PAGE_SIZE = 100
MAX_WINDOW = timedelta(minutes=30)      # increment.get refuses wider update windows
DEFAULT_INITIAL_DAYS = 7
DEFAULT_SETTLE_SECONDS = 180
TIMEOUT = (5, 30)
MAX_ATTEMPTS = 5

ORDER_INCREMENT = "pdd.order.number.list.increment.get"
ORDER_INFORMATION = "pdd.order.information.get"
LOGISTICS_COMPANIES = "pdd.logistics.companies.get"
ONLINE_SEND = "pdd.logistics.online.send"
REFUND_INCREMENT = "pdd.refund.list.increment.get"
GOODS_LIST = "pdd.goods.list.get"
QUANTITY_UPDATE = "pdd.goods.quantity.update"

RESPONSE_KEYS = {
    ORDER_INCREMENT: "order_sn_increment_get_response",
    ORDER_INFORMATION: "order_info_get_response",
    LOGISTICS_COMPANIES: "logistics_companies_get_response",
    ONLINE_SEND: "logistics_online_send_response",
    REFUND_INCREMENT: "refund_increment_get_response",
    GOODS_LIST: "goods_list_get_response",
    QUANTITY_UPDATE: "goods_quantity_update_response",
}
WAITING_TO_SHIP = 1


@register("pdd")
class PddAdapter:
    """One Pinduoduo shop, reached through the PDD gateway with an app's client id / secret and the
    shop's access token."""

    stock_batch_size = 1   # pdd.goods.quantity.update sets one SKU per call

    def __init__(self, client_id, client_secret, access_token, *, gateway_url=GATEWAY, page_size=MAX_PAGE_SIZE,
                 initial_since=None, initial_days=DEFAULT_INITIAL_DAYS, settle_seconds=DEFAULT_SETTLE_SECONDS,
                 timeout=TIMEOUT, max_attempts=MAX_ATTEMPTS, sleep=time.sleep, clock=None, http=None):
        if not (gateway_url and client_id and client_secret and access_token):
            raise ChannelError("The Pinduoduo channel needs gateway_url, client_id, client_secret and access_token")
        base = gateway_url.rstrip("/")
        self.url = base if base.endswith("/api/router") else f"{base}/api/router"
        self.client_id, self.client_secret, self.access_token = str(client_id), client_secret, access_token
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.initial_since, self.initial_days = initial_since, int(initial_days)
        self.settle = timedelta(seconds=max(0, int(settle_seconds)))
        self.timeout, self.max_attempts, self.sleep = timeout, max(1, int(max_attempts)), sleep
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.http = http or platform_session(self.url)  # kept alive, environment read once
        self._companies = None
        self._skus = {}

    @classmethod
    def from_channel(cls, channel, **overrides):
        """Build from `channel.settings`: gateway_url, client_id, client_secret, access_token (+ options)."""
        settings = {**(channel.settings or {}), **overrides}
        options = {key: settings[key] for key in ("page_size", "initial_since", "initial_days", "settle_seconds",
                                                    "timeout", "max_attempts", "sleep", "clock", "http")
                   if key in settings}
        return cls(settings.get("client_id"), settings.get("client_secret"), settings.get("access_token"),
                   gateway_url=settings.get("gateway_url") or GATEWAY, **options)

    # --- orders ----------------------------------------------------------------------------

    def fetch_orders(self, since=None):
        """Yield (record, cursor) for orders updated at or after `since`, oldest change first."""
        previous = set()
        for start, end in self._windows(since):
            rows = self._window(ORDER_INCREMENT, "order_sn_list", "order_sn", start, end, {
                "order_status": 5, "refund_status": 5, "is_lucky_flag": 0}, use_has_next=True)
            dated = [(updated_at_checked(row), row) for row in rows]
            dated.sort(key=lambda pair: (pair[0], str(pair[1].get("order_sn"))))
            seen = set()
            for moment, row in dated:
                key = (str(row.get("order_sn")), moment)
                seen.add(key)
                if key not in previous:  # on the edge two windows share: yielded once
                    yield order_to_record(row), to_cursor(moment)
            previous = seen

    def fetch_order(self, external_id):
        """One order by its order_sn (pdd.order.information.get), as a canonical record."""
        return order_to_record(self._order_info(external_id))

    def _order_info(self, external_id):
        body = self.call(ORDER_INFORMATION, {"order_sn": str(external_id)})
        info = body.get("order_info")
        if not isinstance(info, dict):
            raise _malformed(ORDER_INFORMATION, "order_info")
        return info

    # --- after-sales -------------------------------------------------------------------------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for after-sales rows updated at or after `since`, oldest first."""
        previous = set()
        for start, end in self._windows(since):
            rows = self._window(REFUND_INCREMENT, "refund_list", "id", start, end,
                                {"after_sales_status": 1, "after_sales_type": 1}, use_has_next=False)
            dated = []
            for row in rows:
                try:
                    dated.append((refund_updated(row), row))
                except (TypeError, ValueError):
                    raise _malformed(REFUND_INCREMENT, "updated_time") from None
            dated.sort(key=lambda pair: (pair[0], str(pair[1].get("id"))))
            seen = set()
            for moment, row in dated:
                key = (str(row.get("id")), moment)
                seen.add(key)
                if key not in previous:
                    yield refund_to_record(row), to_cursor(moment)
            previous = seen

    # --- windows and pages -------------------------------------------------------------------

    def _windows(self, since):
        now = self.clock().replace(microsecond=0) - self.settle
        start = from_cursor(since) if since else self._initial_start(now)
        while start <= now:
            end = min(start + MAX_WINDOW, now)
            yield start, end
            if end >= now:
                return
            start = end  # inclusive bounds: a row at exactly `end` comes twice (unchanged)

    def _initial_start(self, now):
        if self.initial_since:
            return from_cursor(self.initial_since)
        return now - timedelta(days=self.initial_days)

    def _window(self, method, list_key, id_key, start, end, filters, *, use_has_next):
        """Every row of one update window: counted first, then read from the last page back to the first."""
        business = {**filters, "start_updated_at": unix(start), "end_updated_at": unix(end),
                    "page_size": self.page_size}
        first = self.call(method, {**business, "page": 1, **({"use_has_next": "false"} if use_has_next else {})})
        rows, total = _rows(method, first, list_key), first.get("total_count")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise _malformed(method, "total_count")
        if total <= self.page_size:
            return _merge(rows, id_key)
        pages = math.ceil(total / self.page_size)
        rows = []
        for page in range(pages, 0, -1):
            body = self.call(method, {**business, "page": page, **({"use_has_next": "true"} if use_has_next else {})})
            rows += _rows(method, body, list_key)
        return _merge(rows, id_key)

    # --- shipping ------------------------------------------------------------------------------

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None, notify_buyer=False):
        """Ship the order with PDD's logistics company for `carrier` and the tracking number (发货通知).

        PDD tells the buyer itself, so notify_buyer and tracking_url are not sent."""
        logistics_id = logistics_id_for(carrier, self.logistics_companies())
        if logistics_id is None:
            raise ChannelError.worded("Pinduoduo has no logistics company for carrier {carrier}", carrier=carrier,
                                      details={"carrier": carrier})
        order_sn = str(external_id)
        sent = {"order_sn": order_sn, "logistics_id": logistics_id, "tracking_number": tracking_number}
        try:
            body = self.call(ONLINE_SEND, sent)
        except (ChannelAuthFailed, ChannelUnavailable):
            raise
        except ChannelError:
            if self._already_shipped_with(order_sn, tracking_number):
                return {**sent, "is_success": True, "already": True}
            raise
        if body.get("is_success") is not True:
            raise ChannelError.worded("Pinduoduo did not accept the shipment of order {order}", order=order_sn,
                                      details={"external_id": order_sn})
        return {**sent, "is_success": True, "already": False}

    def _already_shipped_with(self, order_sn, tracking_number):
        """Did an earlier attempt (its answer lost) ship the order with this very tracking number?"""
        try:
            info = self._order_info(order_sn)
        except (ChannelAuthFailed, ChannelUnavailable):
            raise
        except ChannelError:
            return False
        return info.get("order_status") != WAITING_TO_SHIP and str(info.get("tracking_number") or "") == tracking_number

    def logistics_companies(self):
        """PDD's logistics companies [{id, logistics_company, code, available}], fetched once."""
        if self._companies is None:
            body = self.call(LOGISTICS_COMPANIES, {})
            companies = body.get("logistics_companies")
            if not isinstance(companies, list):
                raise _malformed(LOGISTICS_COMPANIES, "logistics_companies")
            self._companies = companies
        return self._companies

    # --- stock ---------------------------------------------------------------------------------

    def push_stock(self, items):
        """Set each [{platform_sku, qty}] (one per call: stock_batch_size) as the SKU's full stock on PDD."""
        if len(items) > self.stock_batch_size:
            raise ChannelError.worded("Pinduoduo takes {size} SKU per stock update, not {count}",
                                      size=self.stock_batch_size, count=len(items))
        return [self._push_one(item) for item in items]

    def _push_one(self, item):
        code = str(item.get("platform_sku") or "").strip()
        qty = item.get("qty")
        if not code:
            return {"platform_sku": code, "ok": False, "error": "no platform_sku"}
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
            return {"platform_sku": code, "ok": False, "error": f"quantity must be a whole number >= 0, not {qty!r}"}
        try:
            target = self._sku_address(code)
            if target is None:
                return {"platform_sku": code, "ok": False, "error": f"no Pinduoduo SKU with merchant code {code}"}
            goods_id, sku_id = target
            business = {"goods_id": goods_id, "quantity": qty, "update_type": 1}
            business.update({"sku_id": sku_id} if sku_id else {"outer_id": code})
            body = self.call(QUANTITY_UPDATE, business)
        except (ChannelAuthFailed, ChannelUnavailable):
            raise
        except ChannelError as refusal:
            return {"platform_sku": code, "ok": False, "error": (refusal.details or {}).get("reason") or refusal.message}
        if body.get("is_success") is not True:
            return {"platform_sku": code, "ok": False, "error": "Pinduoduo answered is_success false"}
        return {"platform_sku": code, "ok": True, "error": None}

    def _sku_address(self, code):
        """(goods_id, sku_id) for a platform SKU: read from a pdd-<goods>-<sku> key, else looked up
        by merchant code with goods.list.get (cached; None when no SKU carries the code)."""
        parsed = parse_platform_sku(code)
        if parsed:
            return parsed
        if code not in self._skus:
            body = self.call(GOODS_LIST, {"outer_id": code, "page": 1, "page_size": MAX_PAGE_SIZE})
            goods = body.get("goods_list")
            if not isinstance(goods, list):
                raise _malformed(GOODS_LIST, "goods_list")
            self._skus[code] = _find_sku(goods, code)
        return self._skus[code]

    # --- one API call --------------------------------------------------------------------------

    def signed_params(self, method, business):
        """Common + business params with `sign`, every value a string, ready to post."""
        params = {"type": method, "client_id": self.client_id, "access_token": self.access_token,
                  "timestamp": str(unix(self.clock())), "data_type": DATA_TYPE, "version": API_VERSION,
                  **{key: _wire(value) for key, value in business.items() if value is not None}}
        params["sign"] = sign_request(params, self.client_secret)
        return params

    def call(self, method, business):
        """One API call with PDD's etiquette; the answer's response body, or a ChannelError."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.http.post(self.url, data=self.signed_params(method, business), timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == self.max_attempts:
                    raise ChannelUnavailable.worded("Pinduoduo did not answer: {error}", error=str(error)[:200]) from error
                self.sleep(_backoff(attempt))
                continue
            if response.status_code >= 500:
                if attempt == self.max_attempts:
                    raise ChannelUnavailable.worded("Pinduoduo kept answering {status} after {attempts} attempts",
                                                    status=response.status_code, attempts=attempt,
                                                    details={"http_status": response.status_code})
                self.sleep(_backoff(attempt))
                continue
            try:
                payload = response.json()
            except ValueError:
                raise ChannelError.worded("Pinduoduo answered {status} without JSON", status=response.status_code,
                                          details={"http_status": response.status_code}) from None
            if not isinstance(payload, dict):
                raise _malformed(method, "answer")
            error = payload.get("error_response")
            if error is None:
                body = payload.get(RESPONSE_KEYS[method])
                if not isinstance(body, dict):
                    raise _malformed(method, RESPONSE_KEYS[method])
                return body
            if not isinstance(error, dict):
                raise _malformed(method, "error_response")
            kind = kind_of(error)
            details = {"pdd_code": error_code(error), "sub_code": error.get("sub_code"), "reason": reason_of(error)}
            if kind == "auth":
                raise ChannelAuthFailed.worded("Pinduoduo refused the client id or the shop's access token: {error}",
                                               error=describe_error(error), details=details)
            if kind == "business":
                raise ChannelError.worded("Pinduoduo refused {method}: {error}", method=method,
                                          error=reason_of(error), details=details)
            if attempt == self.max_attempts:
                raise ChannelUnavailable.worded("Pinduoduo kept refusing the call after {attempts} attempts: {error}",
                                                attempts=attempt, error=describe_error(error), details=details)
            self.sleep(_backoff(attempt))
        raise AssertionError("unreachable")


def updated_at_checked(order):
    """An order row's updated_at, or a ChannelError naming the order."""
    try:
        return updated_at(order)
    except (AttributeError, TypeError, ValueError):
        sn = order.get("order_sn") if isinstance(order, dict) else None
        raise ChannelError.worded("Pinduoduo answered order {order} without a valid updated_at", order=str(sn),
                                  details={"external_id": sn}) from None


def _rows(method, body, list_key):
    rows = body.get(list_key)
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise _malformed(method, list_key)
    return rows


def _merge(rows, id_key):
    """Rows read twice (shifted between pages) once; the newest copy wins."""
    merged = {}
    for row in rows:
        key = str(row.get(id_key))
        if key not in merged or str(row.get("updated_at") or row.get("updated_time") or "") >= str(
                merged[key].get("updated_at") or merged[key].get("updated_time") or ""):
            merged[key] = row
    return list(merged.values())


def _find_sku(goods, code):
    for item in goods:
        if not isinstance(item, dict):
            continue
        for sku in item.get("sku_list") or []:
            if isinstance(sku, dict) and str(sku.get("outer_id") or "") == code and item.get("goods_id") is not None:
                return str(item["goods_id"]), (str(sku["sku_id"]) if sku.get("sku_id") is not None else None)
    return None


def _malformed(method, field):
    return ChannelError.worded("Pinduoduo answered {method} without a valid {field}", method=method, field=field,
                               details={"field": field})


def _wire(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _backoff(attempt):
    return min(0.5 * 2 ** (attempt - 1), 8.0)
