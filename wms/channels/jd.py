"""JD open platform (京东宙斯 / JOS) POP adapter: orders by modified time, 出库 with a waybill, refund
applications, stock; registered as platform "jd".

Protocol (signing, times, answers, error codes): `wms.channels.jd_protocol`; shapes of orders and
refunds: `wms.channels.jd_orders`. APIs and their sources:

* `jingdong.pop.order.search` (根据条件检索订单信息; JD's PHP/Python/Java SDKs and the API page
  open.jd.com ... apiId=1566 as quoted in their docblocks): business params start_date, end_date
  (JOS time), order_state (required, comma-separated), optional_fields (required), page, page_size
  (at most 100, sent as text), sortType (default ascending), dateType (0 = by modified time,
  1 = by creation). By modified time the window is at most one month and reaches back three
  months. Answer: jingdong_pop_order_search_responce.searchorderinfo_result {apiResult {success,
  chineseErrCode, englishErrCode, numberCode}, orderTotal, orderInfoList} (JD Java SDK OrderListResult).
* `jingdong.pop.order.get` (order detail): order_id, optional_fields, order_state; answer
  jingdong_pop_order_get_responce.orderDetailInfo {apiResult, orderInfo}.
* `jingdong.pop.order.shipment` (sop出库发货; open.jd.com apiId=1948): orderId, logiCoprId (JD's
  logistics company id), logiNo (the waybill); answer sopjosshipment_result {success,
  chineseErrCode, englishErrCode, errorCode} (JD Java SDK PopOrderShipmentResponse / OperatorResult).
* `jingdong.pop.afs.soa.refundapply.queryPageList` (退款审核单列表查询; open.jd.com apiId=925):
  applyTimeStart/End or checkTimeStart/End (JOS time), pageIndex (1-100), pageSize (1-50); answer
  queryResult {success, totalCount, result: [RefundApplyVo]}. Public notes on the current page give
  the application window as at most 7 days and the check window as at most 10; we use 7 for both.
* `jingdong.stock.write.updateSkuStock` (库存同步): skuId, stockNum; answer {success}. One SKU per
  call, so `stock_batch_size` is 1: we found no documented JD call that sets several SKUs' stock at once
  (searched for issue 19's push speed), so a push run sends JD's SKUs side by side instead.

What no source confirms (and how the adapter leans): whether the order search window bounds are
inclusive (treated as inclusive: the cursor's second is fetched again, the importer says
"unchanged"); a ban length for code 2 (we back off 0.5 s doubling to 8 s); the exact answer when
updateSkuStock refuses one SKU (any error_response other than auth / call limit is that SKU's refusal).

Incremental pull: windows of `window_days` (1, at most 30) by modified time from the cursor to
`settle_seconds` before now; a window's pages are read whole and sorted by (modified, orderId)
before yielding, so the sync service's cursor (the newest `modified` of a committed chunk) never
passes an order not imported. Refunds: the application-time and check-time windows are both read
(a refund changes when it is checked) and merged by id, each record's cursor being its last change.

Settings on the channel: `gateway_url` (https://api.jd.com/routerjson or the sandbox), `app_key`,
`app_secret`, `access_token`; optional `page_size`, `window_days`, `initial_since`, `initial_days`,
`settle_seconds`, `carrier_ids` ({our carrier code: JD logiCoprId}).
"""
import logging
import time
from datetime import datetime, timedelta, timezone

from wms.channels import gateway_http
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, cursor_text, register
from wms.channels.http import platform_session
from wms.channels.jd_orders import (
    OPTIONAL_FIELDS, ORDER_STATES, carrier_id, order_cursor_time, order_to_record, refund_change_time,
    refund_to_record,
)
from wms.channels.jd_protocol import (
    API_VERSION, AUTH_CODES, CALL_LIMITED, PARAM_JSON, describe_error, error_code, error_of, format_jd_time,
    from_cursor, is_true, param_json, sign_request, unwrap,
)

log = logging.getLogger("wms.channels.jd")

ORDER_SEARCH = "jingdong.pop.order.search"
ORDER_GET = "jingdong.pop.order.get"
SHIPMENT = "jingdong.pop.order.shipment"
REFUND_LIST = "jingdong.pop.afs.soa.refundapply.queryPageList"
STOCK_UPDATE = "jingdong.stock.write.updateSkuStock"

GATEWAY = "https://api.jd.com/routerjson"  # JOS, as its API guide names it
MAX_PAGE_SIZE = 100
MAX_WINDOW_DAYS = 30                  # search by modified time: at most one month a call
REFUND_PAGE_SIZE, REFUND_MAX_PAGES = 50, 100
REFUND_WINDOW = timedelta(days=7)
DEFAULT_INITIAL_DAYS = 7
DEFAULT_SETTLE_SECONDS = 60
TIMEOUT = (5, 30)
MAX_ATTEMPTS = 5


@register("jd")
class JdAdapter:
    """One JD POP shop, reached through the JOS gateway with an app key and the seller's access token."""

    stock_batch_size = 1

    def __init__(self, gateway_url, app_key, app_secret, access_token, *, page_size=MAX_PAGE_SIZE, window_days=1,
                 initial_since=None, initial_days=DEFAULT_INITIAL_DAYS, settle_seconds=DEFAULT_SETTLE_SECONDS,
                 carrier_ids=None, timeout=TIMEOUT, max_attempts=MAX_ATTEMPTS, sleep=time.sleep, clock=None, http=None):
        if not (gateway_url and app_key and app_secret and access_token):
            raise ChannelError("The JD channel needs gateway_url, app_key, app_secret and access_token")
        base = gateway_url.rstrip("/")
        self.url = base if base.endswith("/routerjson") else f"{base}/routerjson"
        self.app_key, self.app_secret, self.access_token = str(app_key), app_secret, access_token
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.window = timedelta(days=max(1, min(int(window_days), MAX_WINDOW_DAYS)))
        self.initial_since, self.initial_days = initial_since, int(initial_days)
        self.settle = timedelta(seconds=max(0, int(settle_seconds)))
        self.carrier_ids = dict(carrier_ids or {})
        self.timeout, self.max_attempts, self.sleep = timeout, max(1, int(max_attempts)), sleep
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.http = http or platform_session(self.url)  # kept alive, environment read once

    @classmethod
    def from_channel(cls, channel, **overrides):
        """Build from `channel.settings`: gateway_url, app_key, app_secret, access_token (+ options)."""
        settings = {**(channel.settings or {}), **overrides}
        options = {key: settings[key] for key in ("page_size", "window_days", "initial_since", "initial_days",
                                                    "settle_seconds", "carrier_ids", "timeout", "max_attempts",
                                                    "sleep", "clock", "http") if key in settings}
        return cls(settings.get("gateway_url") or settings.get("base_url") or GATEWAY, settings.get("app_key"),
                   settings.get("app_secret"), settings.get("access_token"), **options)

    # --- orders ----------------------------------------------------------------------------

    def fetch_orders(self, since=None):
        """Yield (record, cursor) for orders modified at or after `since`, oldest change first."""
        now = self.clock().replace(microsecond=0) - self.settle
        start = from_cursor(since) if since else self._initial_start(now)
        while start <= now:
            end = min(start + self.window, now)
            for order in self._order_window(start, end):
                yield _read(order_to_record, order, "order"), cursor_text(order_cursor_time(order))
            if end >= now:
                break
            start = end   # inclusive bounds: an order at exactly `end` comes twice (unchanged)

    def _initial_start(self, now):
        return from_cursor(self.initial_since) if self.initial_since else now - timedelta(days=self.initial_days)

    def _order_window(self, start, end):
        """Every order of one modified-time window, all pages, sorted by (modified, orderId)."""
        orders, page = [], 1
        while True:
            result = self._search_result(self.call(ORDER_SEARCH, {
                "start_date": format_jd_time(start), "end_date": format_jd_time(end), "order_state": ",".join(ORDER_STATES),
                "optional_fields": OPTIONAL_FIELDS, "page": str(page), "page_size": str(self.page_size), "dateType": 0}))
            found, total = result["orderInfoList"], result["orderTotal"]
            orders += found
            if not found or len(orders) >= total:
                break
            page += 1
        return sorted(orders, key=lambda o: _read(lambda one: (order_cursor_time(one), str(one.get("orderId"))), o, "order"))

    def _search_result(self, body):
        result = body.get("searchorderinfo_result")
        if not isinstance(result, dict):
            raise _malformed(ORDER_SEARCH, "no searchorderinfo_result")
        _check_api_result(ORDER_SEARCH, result.get("apiResult"))
        found = result.get("orderInfoList") or []
        total = result.get("orderTotal")
        if not isinstance(found, list) or isinstance(total, bool) or not isinstance(total, (int, str)) \
                or not str(total).isdigit():
            raise _malformed(ORDER_SEARCH, "orderInfoList is not a list or orderTotal not a count")
        return {"orderInfoList": found, "orderTotal": int(total)}

    def fetch_order(self, order_id):
        """One order's canonical record by its JD order id (jingdong.pop.order.get)."""
        body = self.call(ORDER_GET, {"order_id": int(order_id), "optional_fields": OPTIONAL_FIELDS,
                                     "order_state": ",".join(ORDER_STATES)})
        detail = body.get("orderDetailInfo")
        if not isinstance(detail, dict):
            raise _malformed(ORDER_GET, "no orderDetailInfo")
        _check_api_result(ORDER_GET, detail.get("apiResult"))
        return _read(order_to_record, detail.get("orderInfo"), "order")

    # --- write-back ------------------------------------------------------------------------

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None, notify_buyer=False):
        """出库: ship the order with JD's logistics company id and the waybill number.

        JD tells the buyer itself on every shipment, so notify_buyer and tracking_url are not sent."""
        try:
            company = carrier_id(carrier, self.carrier_ids)
        except ValueError as error:
            raise ChannelError.worded("JD knows no logistics company for carrier {carrier}: {error}", carrier=carrier,
                                      error=str(error), details={"carrier": carrier}) from None
        body = self.call(SHIPMENT, {"orderId": int(external_id), "logiCoprId": company, "logiNo": tracking_number})
        result = body.get("sopjosshipment_result")
        if not isinstance(result, dict):
            raise _malformed(SHIPMENT, "no sopjosshipment_result")
        if not is_true(result.get("success")):
            reason = result.get("chineseErrCode") or result.get("englishErrCode") or result.get("errorCode") or ""
            raise ChannelError.worded("JD did not accept the shipment of order {order}: {error}", order=external_id,
                                      error=str(reason)[:300], details={"external_id": str(external_id),
                                                                         "jd_code": result.get("errorCode")})
        return {"orderId": str(external_id), "logiCoprId": company, "logiNo": tracking_number, "success": True}

    # --- refunds (RefundSource) ------------------------------------------------------------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for refund applications applied for or checked at or after `since`."""
        now = self.clock().replace(microsecond=0) - self.settle
        start = from_cursor(since) if since else self._initial_start(now)
        while start <= now:
            end = min(start + REFUND_WINDOW, now)
            found = {}
            for prefix in ("apply", "check"):
                for refund in self._refund_window(prefix, start, end):
                    found[str(refund.get("id"))] = refund
            changes = [(_read(refund_change_time, r, "refund"), str(r.get("id")), r) for r in found.values()]
            for changed, _id, refund in sorted(changes, key=lambda c: c[:2]):
                if start <= changed <= end:   # a later change is yielded by the window that holds it
                    yield _read(refund_to_record, refund, "refund"), cursor_text(changed)
            if end >= now:
                break
            start = end

    def _refund_window(self, prefix, start, end):
        """Refund applications whose {prefix}Time is in [start, end]; a window too full to page is halved."""
        refunds, page = [], 1
        while True:
            result = self._refund_result(self.call(REFUND_LIST, {
                f"{prefix}TimeStart": format_jd_time(start), f"{prefix}TimeEnd": format_jd_time(end),
                "pageIndex": page, "pageSize": REFUND_PAGE_SIZE}))
            if result["totalCount"] > REFUND_PAGE_SIZE * REFUND_MAX_PAGES and end - start > timedelta(minutes=1):
                middle = start + (end - start) / 2
                return self._refund_window(prefix, start, middle) + self._refund_window(prefix, middle, end)
            refunds += result["result"]
            if not result["result"] or len(refunds) >= result["totalCount"] or page >= REFUND_MAX_PAGES:
                return refunds
            page += 1

    def _refund_result(self, body):
        result = body.get("queryResult")
        if not isinstance(result, dict):
            raise _malformed(REFUND_LIST, "no queryResult")
        if not is_true(result.get("success")):
            raise ChannelError.worded("JD rejected {method}: {error}", method=REFUND_LIST,
                                      error=str(result.get("errorMessage") or result.get("resultCode") or "")[:300])
        rows, total = result.get("result") or [], result.get("totalCount")
        if not isinstance(rows, list) or isinstance(total, bool) or not str(total).isdigit():
            raise _malformed(REFUND_LIST, "result is not a list or totalCount not a count")
        return {"result": rows, "totalCount": int(total)}

    # --- stock (StockTarget) ---------------------------------------------------------------

    def push_stock(self, items):
        """Set each [{platform_sku (JD skuId), qty}] as the SKU's stock; one result per item, in order."""
        if len(items) > self.stock_batch_size:
            raise ChannelError.worded("JD takes {most} SKU(s) per stock call, not {count}", most=self.stock_batch_size,
                                      count=len(items))
        return [self._push_one(item) for item in items]

    def _push_one(self, item):
        sku, qty = str(item.get("platform_sku") or "").strip(), item.get("qty")
        if not sku.isdigit():
            return {"platform_sku": sku, "ok": False, "error": f"not a JD skuId: {sku!r}"}
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
            return {"platform_sku": sku, "ok": False, "error": f"not a stock quantity: {qty!r}"}
        try:
            body = self.call(STOCK_UPDATE, {"skuId": int(sku), "stockNum": qty})
        except (ChannelAuthFailed, ChannelUnavailable):
            raise
        except ChannelError as error:
            return {"platform_sku": sku, "ok": False, "error": error.message}
        if not is_true(body.get("success")):
            return {"platform_sku": sku, "ok": False, "error": "JD answered success=false"}
        return {"platform_sku": sku, "ok": True, "error": None}

    # --- one API call ----------------------------------------------------------------------

    def signed_params(self, method, business):
        """System params + 360buy_param_json, with `sign`, ready to post."""
        params = {"method": method, "app_key": self.app_key, "access_token": self.access_token,
                  "timestamp": format_jd_time(self.clock()), "v": API_VERSION, PARAM_JSON: param_json(business)}
        params["sign"] = sign_request(params, self.app_secret)
        return params

    def call(self, method, business):
        """One API call with JOS etiquette (wms.channels.gateway_http, HTTP 429 retried as well); the unwrapped
        answer body, or a ChannelError."""
        return gateway_http.call_json(
            lambda: self.http.post(self.url, data=self.signed_params(method, business), timeout=self.timeout),
            lambda payload, status: _answer(method, payload, status),
            partner="JD", attempts=self.max_attempts, sleep=self.sleep, also_retried=(429,), error_chars=300)


def _answer(method, payload, status):
    """The unwrapped body of a JOS answer; its error as our refusal, or TryAgain on the call limit (code 2)."""
    if not isinstance(payload, dict):
        raise _malformed(method, "the answer is not a JSON object")
    error = error_of(payload)
    if error is None:
        body = unwrap(payload, method)
        if body is None:
            raise _malformed(method, f"HTTP {status} without {method}'s answer")
        return body
    if error_code(error) == CALL_LIMITED:
        raise gateway_http.TryAgain(describe_error(error), {"jd_code": error_code(error)})
    raise _error(method, error)


def _check_api_result(method, api_result):
    if api_result is None:
        return
    if not isinstance(api_result, dict):
        raise _malformed(method, "apiResult is not an object")
    if not is_true(api_result.get("success")):
        reason = api_result.get("chineseErrCode") or api_result.get("englishErrCode") or ""
        raise ChannelError.worded("JD rejected {method}: {error}", method=method,
                                  error=f"{api_result.get('numberCode') or ''} {reason}".strip()[:300],
                                  details={"jd_code": api_result.get("numberCode")})


UNREADABLE = {"order": "JD answered an order we cannot read ({ident}): {error}",
              "refund": "JD answered a refund application we cannot read ({ident}): {error}"}


def _read(mapper, value, kind):
    """mapper(value), with a malformed answer from JD reported as a ChannelError that names it."""
    try:
        return mapper(value)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        ident = value.get("orderId") or value.get("id") if isinstance(value, dict) else None
        raise ChannelError.worded(UNREADABLE[kind], ident=str(ident or "?"), error=str(error)[:200],
                                  details={"external_id": str(ident or "")}) from None


def _malformed(method, what):
    return ChannelError.worded("JD answered {method} in a shape we do not know: {what}", method=method, what=what)


def _error(method, error):
    code = error_code(error)
    details = {"jd_code": code}
    if code in AUTH_CODES:
        return ChannelAuthFailed.worded("JD refused the app key or access token: {error}",
                                         error=describe_error(error), details=details)
    return ChannelError.worded("JD rejected {method}: {error}", method=method, error=describe_error(error),
                               details=details)
