"""Pinduoduo (拼多多) open platform adapter: orders and after-sales pulled incrementally, shipping
written back, stock pushed.

Speaks the PDD HTTP protocol (`wms.channels.pdd_protocol`: signing, error codes; the
"API调用指南", https://open.pinduoduo.com/application/document/browse?idStr=8EC06C399636041E) to:

* `pdd.order.number.list.increment.get` (订单增量接口): orders by last-update window
  (start_updated_at / end_updated_at, UNIX seconds, at most 30 minutes apart), page / page_size
  (at most 100), order_status=5 and refund_status=5 (all), is_lucky_flag=0 (all), use_has_next;
  each window read from its last page back to the first, as the API page and the order FAQ say
  (`wms.channels.pdd_gateway.PddGateway.read_window`, where they are quoted), rows read twice merged
  by order_sn. Sources: lywzx/pdd-node-sdk
  packages/pdd-origin-api/src/dingDan/PddOrderNumberListIncrementGet.ts and the FAQ
  (https://open.pinduoduo.com/application/document/browse?idStr=3155CCB725082A31).
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

Each call goes through `wms.channels.pdd_gateway` (signed form fields, retries, errors classified:
ChannelAuthFailed, ChannelUnavailable after the retries, ChannelError with PDD's own reason). An
answer without its documented response key or with a field of the wrong type is a ChannelError
naming the API and field, never a crash or a silently dropped order.

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
import logging
import time
from datetime import datetime, timedelta, timezone

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, register
from wms.channels.pdd_gateway import (
    GOODS_LIST, LOGISTICS_COMPANIES, MAX_ATTEMPTS, ONLINE_SEND, ORDER_INCREMENT, ORDER_INFORMATION, QUANTITY_UPDATE,
    REFUND_INCREMENT, TIMEOUT, PddGateway, malformed,
)
from wms.channels.pdd_orders import (
    logistics_id_for, order_to_record, parse_platform_sku, refund_to_record, refund_updated, updated_at,
)
from wms.channels.pdd_protocol import GATEWAY, from_cursor, to_cursor

log = logging.getLogger("wms.channels.pdd")

MAX_PAGE_SIZE = 100
MAX_WINDOW = timedelta(minutes=30)      # increment.get refuses wider update windows
DEFAULT_INITIAL_DAYS = 7
DEFAULT_SETTLE_SECONDS = 180
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
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.initial_since, self.initial_days = initial_since, int(initial_days)
        self.settle = timedelta(seconds=max(0, int(settle_seconds)))
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.gateway = PddGateway(gateway_url, client_id, client_secret, access_token, timeout=timeout,
                                  max_attempts=max_attempts, sleep=sleep, clock=self.clock, http=http)
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
            rows = self.gateway.read_window(ORDER_INCREMENT, "order_sn_list", "order_sn", start, end,
                                            {"order_status": 5, "refund_status": 5, "is_lucky_flag": 0},
                                            page_size=self.page_size, use_has_next=True)
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
        body = self.gateway.call(ORDER_INFORMATION, {"order_sn": str(external_id)})
        info = body.get("order_info")
        if not isinstance(info, dict):
            raise malformed(ORDER_INFORMATION, "order_info")
        return info

    # --- after-sales -------------------------------------------------------------------------

    def fetch_refunds(self, since=None):
        """Yield (refund record, cursor) for after-sales rows updated at or after `since`, oldest first."""
        previous = set()
        for start, end in self._windows(since):
            rows = self.gateway.read_window(REFUND_INCREMENT, "refund_list", "id", start, end,
                                            {"after_sales_status": 1, "after_sales_type": 1},
                                            page_size=self.page_size, use_has_next=False)
            dated = []
            for row in rows:
                try:
                    dated.append((refund_updated(row), row))
                except (TypeError, ValueError):
                    raise malformed(REFUND_INCREMENT, "updated_time") from None
            dated.sort(key=lambda pair: (pair[0], str(pair[1].get("id"))))
            seen = set()
            for moment, row in dated:
                key = (str(row.get("id")), moment)
                seen.add(key)
                if key not in previous:
                    yield refund_to_record(row), to_cursor(moment)
            previous = seen

    # --- update windows ----------------------------------------------------------------------

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
            body = self.gateway.call(ONLINE_SEND, sent)
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
            body = self.gateway.call(LOGISTICS_COMPANIES, {})
            companies = body.get("logistics_companies")
            if not isinstance(companies, list):
                raise malformed(LOGISTICS_COMPANIES, "logistics_companies")
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
            body = self.gateway.call(QUANTITY_UPDATE, business)
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
            body = self.gateway.call(GOODS_LIST, {"outer_id": code, "page": 1, "page_size": MAX_PAGE_SIZE})
            goods = body.get("goods_list")
            if not isinstance(goods, list):
                raise malformed(GOODS_LIST, "goods_list")
            self._skus[code] = _find_sku(goods, code)
        return self._skus[code]


def updated_at_checked(order):
    """An order row's updated_at, or a ChannelError naming the order."""
    try:
        return updated_at(order)
    except (AttributeError, TypeError, ValueError):
        sn = order.get("order_sn") if isinstance(order, dict) else None
        raise ChannelError.worded("Pinduoduo answered order {order} without a valid updated_at", order=str(sn),
                                  details={"external_id": sn}) from None


def _find_sku(goods, code):
    for item in goods:
        if not isinstance(item, dict):
            continue
        for sku in item.get("sku_list") or []:
            if isinstance(sku, dict) and str(sku.get("outer_id") or "") == code and item.get("goods_id") is not None:
                return str(item["goods_id"]), (str(sku["sku_id"]) if sku.get("sku_id") is not None else None)
    return None
