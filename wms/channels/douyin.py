"""Douyin shop (抖店) adapter: pull orders and after-sales incrementally, write shipping and stock back.

Speaks the 抖店开放平台 HTTP protocol (`wms.channels.douyin_protocol`, where its sources are named) to
the APIs, whose request and answer fields follow the official Go SDK's api/<method>/request|response
files (zsmhub/doudian-sdk):
* `order.searchList` (订单列表): update_time_start / update_time_end (Unix seconds), order_by
  "update_time", order_asc, page (from 0) and size (at most 100); answers page, size, total and
  shop_order_list;
* `order.orderDetail` (订单详情, shop_order_id -> shop_order_detail): `fetch_order`;
* `order.logisticsAdd` (发货: order_id, company_code, logistics_code): `push_tracking`;
* `afterSale.List` (售后列表): update_start_time / update_end_time, order_by ["update_time asc"], page,
  size (at most 100); answers items and has_more: `fetch_refunds`;
* `sku.syncStockBatch` (库存批量同步: product_id, incremental=false, sku_sync_list [{sku_id, sku_type 0,
  stock_num}]) sets several SKUs of one product in one call, all or nothing (one SKU refused refuses them
  all: the open platform's request reference, as the doudian Java SDK's SkuSyncStockBatchParam states it):
  `push_stock` sends one product's SKUs per call (`stock_group` is the product, `stock_batch_size` 50: no
  maximum is documented) and, when a batch is refused, each of its SKUs again by
  `sku.syncStock` (one SKU a call, stock_num full quantity with incremental=false), so each gets its own
  answer. A key that is a merchant code (no product id) goes by sku.syncStock alone.

Records are translated in `wms.channels.douyin_orders`. Codes 60000 (traffic limited), 20000 (service),
HTTP 429 / 5xx and timeouts are retried with back-off, then `ChannelUnavailable`; 30001, 50001 and the
signature / app key / access_token sub_codes of 40001 / 40003 are `ChannelAuthFailed`; every other
answer is a `ChannelError` carrying the platform's code and message.

Incremental pulls walk windows of `window_hours` (24) of update time from the cursor up to
`settle_seconds` (60) before now; a window's pages are collected and sorted by (update_time, id) before
they are yielded, so the sync service's cursor never passes a record not yet imported. Window bounds are
inclusive: records of the cursor's second come again and the importer answers "unchanged". The cursor is
the newest update_time in UTC ISO form. No source we found states a maximum window for order.searchList
or afterSale.List; the 24 hours are our choice (one call pages at most `total`), not a documented limit.

Settings on the channel: `gateway_url` (https://openapi-fxg.jinritemai.com or the sandbox), `app_key`,
`app_secret`, `access_token`, optional `sign_method` (hmac-sha256 | md5), `page_size`, `window_hours`,
`initial_since`, `initial_days` (7), `settle_seconds`.
"""
import logging
import time
from datetime import datetime, timedelta, timezone

from wms.channels import gateway_http
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, register
from wms.channels.douyin_orders import (
    MalformedRecord, company_code, order_to_record, refund_to_record, refund_updated, stock_target,
)
from wms.channels.douyin_protocol import (
    API_VERSION, SIGN_METHODS, describe, epoch_of, from_cursor, method_path, outcome, param_json, sign, to_cursor,
)
from wms.channels.http import platform_session

log = logging.getLogger("wms.channels.douyin")

GATEWAY = "https://openapi-fxg.jinritemai.com"
MAX_PAGE_SIZE = 100
DEFAULT_WINDOW_HOURS = 24
DEFAULT_INITIAL_DAYS = 7
DEFAULT_SETTLE_SECONDS = 60
TIMEOUT = (5, 30)
MAX_ATTEMPTS = 5

SEARCH_LIST = "order.searchList"
ORDER_DETAIL = "order.orderDetail"
LOGISTICS_ADD = "order.logisticsAdd"
AFTER_SALE_LIST = "afterSale.List"
SYNC_STOCK = "sku.syncStock"
SYNC_STOCK_BATCH = "sku.syncStockBatch"
STOCK_BATCH = 50  # SKUs of one product per sku.syncStockBatch call (no maximum documented)


@register("douyin")
class DouyinAdapter:
    """One Douyin shop, reached through the open platform gateway with an app key and the shop's access token."""

    stock_batch_size = STOCK_BATCH  # sku.syncStockBatch sets several SKUs of one product a call

    def __init__(self, gateway_url, app_key, app_secret, access_token, *, sign_method="hmac-sha256",
                 page_size=MAX_PAGE_SIZE, window_hours=DEFAULT_WINDOW_HOURS, initial_since=None,
                 initial_days=DEFAULT_INITIAL_DAYS, settle_seconds=DEFAULT_SETTLE_SECONDS, timeout=TIMEOUT,
                 max_attempts=MAX_ATTEMPTS, sleep=time.sleep, clock=None, http=None):
        if not (gateway_url and app_key and app_secret and access_token):
            raise ChannelError("The Douyin channel needs gateway_url, app_key, app_secret and access_token")
        if sign_method not in SIGN_METHODS:
            raise ChannelError.worded("Unknown sign_method {method} ({methods})", method=repr(sign_method),
                                      methods=", ".join(SIGN_METHODS))
        self.gateway = gateway_url.rstrip("/")
        self.app_key, self.app_secret, self.access_token = str(app_key), app_secret, access_token
        self.sign_method = sign_method
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.window = timedelta(hours=max(1, int(window_hours)))
        self.initial_since, self.initial_days = initial_since, int(initial_days)
        self.settle = timedelta(seconds=max(0, int(settle_seconds)))
        self.timeout, self.max_attempts, self.sleep = timeout, max_attempts, sleep
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.http = http or platform_session(self.gateway)  # kept alive, environment read once

    @classmethod
    def from_channel(cls, channel, **overrides):
        """Build from `channel.settings`: gateway_url, app_key, app_secret, access_token (+ options)."""
        settings = {**(channel.settings or {}), **overrides}
        options = {key: settings[key] for key in ("sign_method", "page_size", "window_hours", "initial_since",
                                                    "initial_days", "settle_seconds", "timeout", "max_attempts",
                                                    "sleep", "clock", "http") if key in settings}
        return cls(settings.get("gateway_url") or settings.get("base_url") or GATEWAY, settings.get("app_key"),
                   settings.get("app_secret"), settings.get("access_token"), **options)

    # --- orders ----------------------------------------------------------------------------

    def fetch_orders(self, since=None):
        """Yield (record, cursor) for orders updated at or after `since`, oldest change first."""
        for order in self._walk(since, self._order_window):
            yield self._translate(SEARCH_LIST, order_to_record, order), to_cursor(order["update_time"])

    def _order_window(self, start, end):
        """Every shop order of one update window, all pages (total says when to stop)."""
        orders, page = [], 0
        while True:
            data = self.call(SEARCH_LIST, {"update_time_start": epoch_of(start), "update_time_end": epoch_of(end),
                                           "order_by": "update_time", "order_asc": True, "page": page,
                                           "size": self.page_size})
            found, total = _list_of(data, "shop_order_list", SEARCH_LIST), data.get("total")
            if isinstance(total, bool) or not isinstance(total, int):
                raise ChannelError.worded("Douyin answered {method} without a total", method=SEARCH_LIST)
            orders += found
            for order in found:
                if not isinstance(order, dict) or isinstance(order.get("update_time"), bool) \
                        or not isinstance(order.get("update_time"), int):
                    raise _malformed(SEARCH_LIST, "a shop order has no update_time")
            if not found or (page + 1) * self.page_size >= total:
                return sorted(orders, key=lambda o: (o["update_time"], str(o.get("order_id"))))
            page += 1

    def fetch_order(self, external_id):
        """One order by its shop order id (order.orderDetail), as our canonical record."""
        data = self.call(ORDER_DETAIL, {"shop_order_id": str(external_id)})
        detail = data.get("shop_order_detail")
        if not isinstance(detail, dict):
            raise ChannelError.worded("Douyin answered {method} without {field}", method=ORDER_DETAIL,
                                      field="shop_order_detail")
        return self._translate(ORDER_DETAIL, order_to_record, detail)

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None, notify_buyer=False):
        """Ship the order with its carrier's company code and tracking number (order.logisticsAdd).

        Douyin tells the buyer itself on every shipment; tracking_url and notify_buyer are not sent."""
        code = company_code(carrier)
        self.call(LOGISTICS_ADD, {"order_id": str(external_id), "company_code": code,
                                  "logistics_code": tracking_number})
        return {"order_id": str(external_id), "company_code": code, "logistics_code": tracking_number}

    # --- after-sales -----------------------------------------------------------------------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for after-sales updated at or after `since`, oldest first."""
        for item in self._walk(since, self._after_sale_window):
            record = self._translate(AFTER_SALE_LIST, refund_to_record, item)
            yield record, to_cursor(refund_updated(item))

    def _after_sale_window(self, start, end):
        items, page = [], 0
        while True:
            data = self.call(AFTER_SALE_LIST, {"update_start_time": epoch_of(start), "update_end_time": epoch_of(end),
                                               "order_by": ["update_time asc"], "page": page, "size": self.page_size})
            found = _list_of(data, "items", AFTER_SALE_LIST)
            keyed = [(self._translate(AFTER_SALE_LIST, refund_updated, item), item) for item in found]
            items += keyed
            if not found or data.get("has_more") is not True:
                return [item for _updated, item in sorted(
                    items, key=lambda pair: (pair[0], str(pair[1]["aftersale_info"].get("aftersale_id"))))]
            page += 1

    # --- stock -----------------------------------------------------------------------------

    @staticmethod
    def stock_group(key):
        """The batch a platform SKU may share: the SKUs of one product (sku.syncStockBatch), else its own."""
        target = stock_target(str(key))
        return ("product", target["product_id"]) if "product_id" in target else ("own", str(key))

    def push_stock(self, items):
        """Set each [{platform_sku, qty}] as the SKU's full stock: one product's SKUs in one sku.syncStockBatch
        call, a refused batch's SKUs and merchant codes one sku.syncStock call each; one result per item, in order."""
        if len(items) > self.stock_batch_size:
            raise ChannelError.worded("Douyin takes at most {count} SKU(s) a call", count=self.stock_batch_size)
        results, products = [None] * len(items), {}
        for index, item in enumerate(items):
            key, qty = str(item["platform_sku"]), item["qty"]
            if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
                results[index] = {"platform_sku": key, "ok": False, "error": f"not a stock quantity: {qty!r}"}
                continue
            target = stock_target(key)
            if "product_id" in target:
                products.setdefault(target["product_id"], []).append((index, key, target["sku_id"], qty))
            else:
                results[index] = self._sync_one(key, target, qty)
        for product_id, entries in products.items():
            if len(entries) == 1:
                index, key, sku_id, qty = entries[0]
                results[index] = self._sync_one(key, {"product_id": product_id, "sku_id": sku_id}, qty)
                continue
            try:
                self.call(SYNC_STOCK_BATCH, {"product_id": product_id, "incremental": False, "sku_sync_list": [
                    {"sku_id": sku_id, "sku_type": 0, "stock_num": qty} for _index, _key, sku_id, qty in entries]})
            except (ChannelAuthFailed, ChannelUnavailable):
                raise
            except ChannelError:  # all or nothing, and which SKU failed is not said: each is asked alone
                for index, key, sku_id, qty in entries:
                    results[index] = self._sync_one(key, {"product_id": product_id, "sku_id": sku_id}, qty)
                continue
            for index, key, _sku_id, _qty in entries:
                results[index] = {"platform_sku": key, "ok": True, "error": None}
        return results

    def _sync_one(self, key, target, qty):
        """sku.syncStock for one SKU: its answer."""
        try:
            self.call(SYNC_STOCK, {**target, "stock_num": qty, "incremental": False})
        except (ChannelAuthFailed, ChannelUnavailable):
            raise
        except ChannelError as error:
            return {"platform_sku": key, "ok": False, "error": error.message}
        return {"platform_sku": key, "ok": True, "error": None}

    # --- windows and calls -----------------------------------------------------------------

    def _walk(self, since, window):
        """Records of every window from the cursor (or the first-sync start) up to now - settle."""
        now = self.clock().replace(microsecond=0) - self.settle
        start = from_cursor(since) if since else self._initial_start(now)
        while start <= now:
            end = min(start + self.window, now)
            yield from window(start, end)
            if end >= now:
                return
            start = end  # inclusive bounds: a record at exactly `end` comes twice (unchanged)

    def _initial_start(self, now):
        if self.initial_since:
            return from_cursor(self.initial_since)
        return now - timedelta(days=self.initial_days)

    def _translate(self, method, translate, record):
        try:
            return translate(record)
        except MalformedRecord as error:
            raise _malformed(method, str(error)) from None

    def signed_query(self, method, body):
        """The public parameters with `sign` for a call whose param_json is `body`."""
        timestamp = str(epoch_of(self.clock()))
        return {"app_key": self.app_key, "method": method, "access_token": self.access_token,
                "timestamp": timestamp, "v": API_VERSION, "sign_method": self.sign_method,
                "sign": sign(self.app_secret, self.app_key, method, body, timestamp, self.sign_method)}

    def call(self, method, business):
        """One API call with the platform's etiquette (wms.channels.gateway_http, HTTP 429 retried as well); the
        answer's `data`, or a ChannelError."""
        body = param_json(business)
        return gateway_http.call_json(
            lambda: self._send(method, body), lambda answer, status: _data(method, answer, status),
            partner="Douyin", attempts=self.max_attempts, sleep=self.sleep, also_retried=(429,))

    def _send(self, method, body):
        """One attempt's response; HTTP 401 / 403 is the app key or token refused, whatever the body says."""
        url = f"{self.gateway}/{method_path(method)}"
        headers = {"Content-Type": "application/json;charset=UTF-8", "Accept": "application/json",
                   "x-open-no-old-err-code": "1"}
        response = self.http.post(url, params=self.signed_query(method, body), data=body.encode("utf-8"),
                                  headers=headers, timeout=self.timeout)
        if response.status_code in (401, 403):
            raise ChannelAuthFailed.worded("Douyin refused the app key or shop token: {error}",
                                           error=f"HTTP {response.status_code}",
                                           details={"http_status": response.status_code})
        return response


def _data(method, answer, status):
    """A decoded answer's `data`; its error as our refusal, or TryAgain when the platform is busy (60000, 20000)."""
    if not isinstance(answer, dict):
        raise _malformed(method, "the answer is not an object")
    kind = outcome(answer)
    if kind == "ok":
        data = answer.get("data")
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ChannelError.worded("Douyin answered {method} without {field}", method=method, field="data")
        return data
    details = {"douyin_code": answer.get("code", answer.get("err_no")), "sub_code": answer.get("sub_code"),
               "http_status": status}
    if kind == "auth":
        raise ChannelAuthFailed.worded("Douyin refused the app key or shop token: {error}",
                                       error=describe(answer), details=details)
    if kind == "business":
        raise ChannelError.worded("Douyin rejected {method}: {error}", method=method, error=describe(answer),
                                  details=details)
    raise gateway_http.TryAgain(describe(answer), details)


def _list_of(data, key, method):
    found = data.get(key)
    if found is None:
        return []
    if not isinstance(found, list):
        raise _malformed(method, f"{key} is not a list")
    return found


def _malformed(method, error):
    return ChannelError.worded("Douyin answered {method} with a record we cannot read: {error}", method=method,
                               error=error)
