"""Taobao / Tmall Open Platform (TOP) adapter: pull trades incrementally, write shipping back.

Wire format followed: the TOP "API 调用方法详解" (HTTP API call protocol) of open.taobao.com, with
the documented APIs `taobao.trades.sold.increment.get` (搜索当前会话用户作为卖家已卖出的增量交易数据)
and `taobao.logistics.offline.send` (自己联系物流（线下物流）发货).

* Every call is an HTTP POST (application/x-www-form-urlencoded, UTF-8) to the gateway
  `<gateway>/router/rest` with the system parameters `method`, `app_key`, `session` (the seller's
  access token), `timestamp` ("yyyy-MM-dd HH:mm:ss", GMT+8), `v`="2.0", `sign_method` ("md5" or
  "hmac"), `format`="json" and `sign`, plus the business parameters of the API.
* Signature (`sign_request`): every parameter (system + business) except `sign` and byte-typed
  (file upload) ones, sorted by name (byte order), concatenated as name1value1name2value2...;
  md5: MD5(secret + string + secret); hmac: HMAC-MD5(key=secret, string); hmac-sha256:
  HMAC-SHA256(key=secret, string); upper-case hex.
* Answers: `{"<api_name_with_underscores>_response": {...}}`, or
  `{"error_response": {"code", "msg", "sub_code", "sub_msg"}}`. Code 7 (App Call Limited) is
  retried after the ban the sub_msg states ("This ban will last for N more seconds"); codes 11, 12,
  25-29 (permissions, signature, session, app key) are `ChannelAuthFailed`; code 15 with an `isp.`
  sub_code (platform error), HTTP 5xx and network errors are retried with back-off.
  `simplify=true` answers (no wrapper, plain lists) are understood too; we do not ask for them.

Incremental pull: `taobao.trades.sold.increment.get` takes a modified-time window
(`start_modified`, `end_modified`, at most one day apart, inclusive) and pages with `page_no` /
`page_size` (max 100) and `use_has_next=true` (answers `has_next` instead of counting). The
adapter walks one-day windows from the cursor up to now; a window's pages are collected and
sorted by (modified, tid) before they are yielded, so the sync service's cursor (the newest
`modified` of a committed chunk) never passes an order it has not imported. Windows end
`settle_seconds` (60) before now: a trade TOP indexes a little late is not jumped over. The
window start is inclusive: the trades of the cursor's second come again and the importer answers
"unchanged". The cursor is the trade's `modified` in UTC ISO form ("2026-11-20T03:20:00+00:00"). A first sync
(no cursor) starts at the channel's `initial_since` setting or `initial_days` (7) ago.

Known limit of page_no paging (TOP's own): a trade modified while a window is being paged leaves
the window and may shift one trade of a later page onto a page already read. The moved trade is
picked up by the next window; the shifted one is only found again when it changes. A window is
read in a few hundred milliseconds, so this is rare; not handled here (clearing the cursor to
re-scan from `initial_days` ago would find it: the importer is idempotent).

External id: `tid` (the trade number; immutable and what logistics.offline.send addresses).
A line's sku_code: `outer_sku_id` (the merchant's SKU code on the SKU), else `outer_iid` (the
merchant's code on the item), else `tb-<num_iid>-<sku_id>` (or `tb-<num_iid>`) so that an
unmapped listing still lands, unmatched, in the SKU mapping queue. Sub-orders the buyer got
refunded (their own `status` TRADE_CLOSED / TRADE_CLOSED_BY_TAOBAO) are left out.

Settings on the channel: `gateway_url` (https://eco.taobao.com or the sandbox), `app_key`,
`app_secret`, `session`, optional `sign_method` (md5), `page_size` (100), `initial_since`,
`initial_days`, `settle_seconds`, `push_max_age_seconds` (see wms.channels.taobao_push).
"""
import hashlib
import hmac
import logging
import re
import time
from datetime import datetime, timedelta, timezone

import requests

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, cursor_text, naive_utc_text, parse_iso, register, to_cents

log = logging.getLogger("wms.channels.taobao")

TOP_TZ = timezone(timedelta(hours=8))   # TOP's timestamps are Beijing time, without an offset
TOP_TIME = "%Y-%m-%d %H:%M:%S"
API_VERSION = "2.0"
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")
MAX_PAGE_SIZE = 100
MAX_WINDOW = timedelta(days=1)          # increment.get refuses wider modified windows
DEFAULT_INITIAL_DAYS = 7
DEFAULT_SETTLE_SECONDS = 60  # windows end this long before now: TOP's trade index lags a little
TIMEOUT = (5, 30)
MAX_ATTEMPTS = 5
MAX_BAN_WAIT = 60.0

INCREMENT_GET = "taobao.trades.sold.increment.get"
OFFLINE_SEND = "taobao.logistics.offline.send"
TRADE_FIELDS = ",".join((
    "tid", "status", "payment", "post_fee", "buyer_nick", "buyer_message", "seller_memo",
    "receiver_name", "receiver_state", "receiver_city", "receiver_district", "receiver_town",
    "receiver_address", "receiver_zip", "receiver_mobile", "receiver_phone", "created", "modified",
    "pay_time", "orders.oid", "orders.status", "orders.refund_status", "orders.outer_sku_id",
    "orders.outer_iid", "orders.title", "orders.num", "orders.price", "orders.sku_id", "orders.num_iid",
))

AUTH_CODES = {11, 12, 25, 26, 27, 28, 29}
CALL_LIMITED = 7
REMOTE_ERROR = 15

PENDING_STATUSES = {"TRADE_NO_CREATE_PAY", "WAIT_BUYER_PAY", "PAY_PENDING", "WAIT_PRE_AUTH_CONFIRM",
                    "PAID_FORBID_CONSIGN"}  # the last: 拼团中, paid but may not ship yet
CLOSED_STATUSES = {"TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO"}
# TRADE_CLOSED after payment = refunded in full; TRADE_CLOSED_BY_TAOBAO = closed unpaid.
PAYMENT_STATUS = {"TRADE_CLOSED": "refunded", "TRADE_CLOSED_BY_TAOBAO": "pending"}

# Our carrier codes/names -> TOP logistics company codes (taobao.logistics.companies.get): an
# exact code first, then a name containing one of the keywords ("顺丰速运", "SF Express", "中通快递").
COMPANY_CODES = {
    "sf": "SF", "zto": "ZTO", "yto": "YTO", "sto": "STO", "yunda": "YUNDA", "yd": "YUNDA", "ems": "EMS",
    "postb": "POSTB", "jd": "JD", "jdl": "JD", "dbl": "DBL", "deppon": "DBL", "htky": "HTKY",
    "best": "HTKY", "jtsd": "JTSD", "jt": "JTSD",
}
COMPANY_KEYWORDS = (
    ("顺丰", "SF"), ("sf express", "SF"), ("shunfeng", "SF"), ("中通", "ZTO"), ("圆通", "YTO"),
    ("申通", "STO"), ("韵达", "YUNDA"), ("yunda", "YUNDA"), ("邮政", "POSTB"), ("ems", "EMS"),
    ("京东", "JD"), ("jd logistics", "JD"), ("德邦", "DBL"), ("deppon", "DBL"), ("百世", "HTKY"),
    ("极兔", "JTSD"), ("j&t", "JTSD"),
)

_BAN_RE = re.compile(r"(\d+(?:\.\d+)?)\s*more\s*seconds", re.I)


# --- signing (pure) ------------------------------------------------------------------------

def sign_string(params):
    """name1value1name2value2... over the params sorted by name, without `sign`, bytes and None."""
    return "".join(f"{name}{value}" for name, value in sorted(params.items())
                   if name != "sign" and value is not None and not isinstance(value, (bytes, bytearray)))


def sign_request(params, secret, sign_method="md5"):
    """The TOP signature of `params`: upper-case hex MD5(secret+s+secret), HMAC-MD5(secret, s) or
    (sign_method "hmac-sha256", in TOP's newer documentation) HMAC-SHA256(secret, s)."""
    text = sign_string(params).encode("utf-8")
    key = secret.encode("utf-8")
    if sign_method == "md5":
        return hashlib.md5(key + text + key).hexdigest().upper()
    if sign_method == "hmac":
        return hmac.new(key, text, hashlib.md5).hexdigest().upper()
    if sign_method == "hmac-sha256":
        return hmac.new(key, text, hashlib.sha256).hexdigest().upper()
    raise ValueError(f"unknown sign_method {sign_method!r} (md5, hmac or hmac-sha256)")


def verify_signature(params, secret, sign_method=None):
    """Constant-time check of params["sign"] against the params' own TOP signature."""
    given = str(params.get("sign") or "")
    method = sign_method or params.get("sign_method") or "md5"
    try:
        expected = sign_request(params, secret, method)
    except ValueError:
        return False
    return bool(given) and hmac.compare_digest(given.upper(), expected)


# --- times and money (pure) ----------------------------------------------------------------

def parse_top_time(text):
    """A TOP timestamp ("2026-11-20 11:20:00", Beijing time) as an aware datetime."""
    return datetime.strptime(text.strip(), TOP_TIME).replace(tzinfo=TOP_TZ)


def format_top_time(moment):
    """An aware (or naive-UTC) datetime as TOP writes it: Beijing time, seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TOP_TZ).strftime(TOP_TIME)


def to_cursor(top_time):
    """A TOP timestamp as the sync cursor."""
    return cursor_text(parse_top_time(top_time))


from_cursor = parse_iso  # a cursor back as an aware datetime


def _naive_utc(top_time):
    return naive_utc_text(parse_top_time(top_time)) if top_time else None


# --- mapping (pure) ------------------------------------------------------------------------

def trade_to_record(trade):
    """Map a TOP trade (increment.get / fullinfo.get JSON) to our canonical record (+ cancelled_at)."""
    status = trade.get("status") or ""
    closed = status in CLOSED_STATUSES
    payment = PAYMENT_STATUS.get(status) or ("pending" if status in PENDING_STATUSES else "paid")
    return {
        "external_id": str(trade["tid"]),
        "ordered_at": _naive_utc(trade.get("created")),
        "buyer_name": (trade.get("receiver_name") or "").strip(),
        "buyer_phone": (trade.get("receiver_mobile") or trade.get("receiver_phone") or "").strip(),
        "buyer_email": "",
        "country": "CN",
        "province": (trade.get("receiver_state") or "").strip(),
        "city": (trade.get("receiver_city") or "").strip(),
        "district": (trade.get("receiver_district") or "").strip(),
        "address": " ".join(part.strip() for part in (trade.get("receiver_town"), trade.get("receiver_address"))
                            if part and part.strip()),
        "postcode": (trade.get("receiver_zip") or "").strip(),
        "total_cents": to_cents(trade.get("payment")),
        "currency": "CNY",
        "payment_status": payment,
        "buyer_remark": (trade.get("buyer_message") or "").strip(),
        "seller_note": (trade.get("seller_memo") or "").strip(),
        "tags": [],
        "priority": 0,
        "carrier_code": None,
        # A closed trade keeps its lines (it is cancelled whole); an open one drops refunded sub-orders.
        "lines": [line for line in (_line(order, keep_closed=closed) for order in trade_orders(trade)) if line],
        "cancelled_at": _naive_utc(trade.get("modified") or trade.get("created")) if closed else None,
    }


def trade_orders(trade):
    """A trade's sub-orders, whether nested as {"order": [...]} or (simplify=true) a plain list."""
    orders = trade.get("orders") or []
    if isinstance(orders, dict):
        orders = orders.get("order") or []
    return orders


def platform_sku(order):
    """The key a sub-order names its SKU by: outer_sku_id, outer_iid, else tb-<num_iid>-<sku_id>."""
    for key in ("outer_sku_id", "outer_iid"):
        value = str(order.get(key) or "").strip()
        if value:
            return value[:64]
    num_iid, sku_id = order.get("num_iid"), order.get("sku_id")
    return f"tb-{num_iid}-{sku_id}" if sku_id else f"tb-{num_iid}"


def _line(order, keep_closed=False):
    if not keep_closed and (order.get("status") or "") in CLOSED_STATUSES:
        return None  # this sub-order was refunded on its own
    qty = int(order.get("num") or 0)
    if qty <= 0:
        return None
    return {"sku_code": platform_sku(order), "name": (order.get("title") or "").strip()[:255],
            "qty": qty, "unit_price_cents": to_cents(order.get("price"))}


def company_code(carrier):
    """Our carrier code or name as a TOP logistics company code (unknown ones upper-cased as is)."""
    text = (carrier or "").strip()
    lowered = text.lower()
    if lowered in COMPANY_CODES:
        return COMPANY_CODES[lowered]
    for keyword, code in COMPANY_KEYWORDS:
        if keyword in lowered:
            return code
    return text.upper()


def unwrap(payload, method):
    """The body of a TOP answer for `method` (with or without the *_response wrapper)."""
    key = method.replace("taobao.", "", 1).replace(".", "_") + "_response"
    body = payload.get(key)
    return body if isinstance(body, dict) else payload


def trades_of(body):
    trades = body.get("trades") or []
    if isinstance(trades, dict):
        trades = trades.get("trade") or []
    return trades


def ban_seconds(sub_msg, default=1.0):
    """The wait a code-7 answer states ("This ban will last for 12 more seconds")."""
    found = _BAN_RE.search(sub_msg or "")
    return min(float(found.group(1)), MAX_BAN_WAIT) if found else default


# --- the adapter ---------------------------------------------------------------------------

@register("taobao")
class TaobaoAdapter:
    """One Taobao/Tmall shop, reached through the TOP gateway with an app key and a seller session."""

    def __init__(self, gateway_url, app_key, app_secret, session_key, *, sign_method="md5",
                 page_size=MAX_PAGE_SIZE, initial_since=None, initial_days=DEFAULT_INITIAL_DAYS,
                 settle_seconds=DEFAULT_SETTLE_SECONDS, timeout=TIMEOUT, max_attempts=MAX_ATTEMPTS,
                 sleep=time.sleep, clock=None, http=None):
        if not (gateway_url and app_key and app_secret and session_key):
            raise ChannelError("The Taobao channel needs gateway_url, app_key, app_secret and session")
        if sign_method not in SIGN_METHODS:
            raise ChannelError(f"Unknown sign_method {sign_method!r} ({', '.join(SIGN_METHODS)})")
        base = gateway_url.rstrip("/")
        self.url = base if base.endswith("/router/rest") else f"{base}/router/rest"
        self.app_key, self.app_secret, self.session_key = str(app_key), app_secret, session_key
        self.sign_method = sign_method
        self.page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        self.initial_since, self.initial_days = initial_since, int(initial_days)
        self.settle = timedelta(seconds=max(0, int(settle_seconds)))
        self.timeout, self.max_attempts, self.sleep = timeout, max_attempts, sleep
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.http = http or requests.Session()

    @classmethod
    def from_channel(cls, channel, **overrides):
        """Build from `channel.settings`: gateway_url, app_key, app_secret, session (+ options)."""
        settings = {**(channel.settings or {}), **overrides}
        options = {key: settings[key] for key in ("sign_method", "page_size", "initial_since", "initial_days",
                                                    "settle_seconds", "timeout", "max_attempts", "sleep", "clock", "http")
                   if key in settings}
        return cls(settings.get("gateway_url") or settings.get("base_url"), settings.get("app_key"),
                   settings.get("app_secret"), settings.get("session") or settings.get("access_token"),
                   **options)

    def fetch_orders(self, since=None):
        """Yield (record, cursor) for trades modified at or after `since`, oldest change first."""
        now = self.clock().replace(microsecond=0) - self.settle
        start = from_cursor(since) if since else self._initial_start(now)
        while start <= now:
            end = min(start + MAX_WINDOW, now)
            trades = self._window(start, end)
            trades.sort(key=lambda t: (parse_top_time(t["modified"]), int(t["tid"])))
            for trade in trades:
                yield trade_to_record(trade), to_cursor(trade["modified"])
            if end >= now:
                break
            start = end  # inclusive bounds: a trade at exactly `end` comes twice (unchanged)

    def _initial_start(self, now):
        if self.initial_since:
            return from_cursor(self.initial_since)
        return now - timedelta(days=self.initial_days)

    def _window(self, start, end):
        """Every trade of one modified window, all pages."""
        trades, page = [], 1
        while True:
            body = self.call(INCREMENT_GET, {
                "fields": TRADE_FIELDS, "start_modified": format_top_time(start),
                "end_modified": format_top_time(end), "page_no": page, "page_size": self.page_size,
                "use_has_next": "true"})
            found = trades_of(body)
            trades += found
            if not _truthy(body.get("has_next")) or not found:
                return trades
            page += 1

    def push_tracking(self, external_id, carrier, tracking_number, *, tracking_url=None, notify_buyer=False):
        """Ship the trade with its carrier's company code and tracking number (线下物流发货).

        TOP notifies the buyer itself on every shipment, so notify_buyer and tracking_url are not sent.
        """
        code = company_code(carrier)
        body = self.call(OFFLINE_SEND, {"tid": str(external_id), "out_sid": tracking_number, "company_code": code})
        shipping = body.get("shipping") or {}
        if not _truthy(shipping.get("is_success")):
            raise ChannelError(f"Taobao did not accept the shipment of trade {external_id}",
                               external_id=external_id)
        return {"tid": str(external_id), "out_sid": tracking_number, "company_code": code,
                "is_success": True}

    # --- the protocol ----------------------------------------------------------------------

    def signed_params(self, method, business):
        """System + business params with `sign`, ready to post."""
        params = {"method": method, "app_key": self.app_key, "session": self.session_key,
                  "timestamp": format_top_time(self.clock()), "v": API_VERSION,
                  "sign_method": self.sign_method, "format": "json",
                  **{key: str(value) for key, value in business.items() if value is not None}}
        params["sign"] = sign_request(params, self.app_secret, self.sign_method)
        return params

    def call(self, method, business):
        """One API call with TOP's etiquette; the unwrapped answer body, or a ChannelError."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.http.post(self.url, data=self.signed_params(method, business), timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == self.max_attempts:
                    raise ChannelUnavailable(f"Taobao did not answer: {error}") from error
                self.sleep(_backoff(attempt))
                continue
            if response.status_code >= 500:
                if attempt == self.max_attempts:
                    raise ChannelUnavailable(f"Taobao kept answering {response.status_code} after {attempt} attempts",
                                             http_status=response.status_code)
                self.sleep(_backoff(attempt))
                continue
            try:
                payload = response.json()
            except ValueError:
                raise ChannelError(f"Taobao answered {response.status_code} without JSON",
                                   http_status=response.status_code) from None
            error = payload.get("error_response") if isinstance(payload, dict) else None
            if not error:
                if response.status_code >= 400:
                    raise ChannelError(f"Taobao answered {response.status_code}", http_status=response.status_code)
                return unwrap(payload, method)
            wait = self._retry_wait(error, attempt)
            if wait is None:
                raise _error(method, error)
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _retry_wait(self, error, attempt):
        code = _int(error.get("code"))
        retryable = code == CALL_LIMITED or (code == REMOTE_ERROR and str(error.get("sub_code", "")).startswith("isp."))
        if not retryable:
            return None
        if attempt == self.max_attempts:
            raise ChannelUnavailable(f"Taobao kept refusing the call after {attempt} attempts: {_describe(error)}",
                                     top_code=code, sub_code=error.get("sub_code"))
        return ban_seconds(error.get("sub_msg")) if code == CALL_LIMITED else _backoff(attempt)


def _error(method, error):
    code = _int(error.get("code"))
    details = {"top_code": code, "sub_code": error.get("sub_code")}
    if code in AUTH_CODES:
        return ChannelAuthFailed(f"Taobao refused the app key or seller session: {_describe(error)}", **details)
    return ChannelError(f"Taobao rejected {method}: {_describe(error)}", **details)


def _describe(error):
    text = f"{error.get('code')} {error.get('msg') or ''}".strip()
    if error.get("sub_code") or error.get("sub_msg"):
        text += f" ({error.get('sub_code') or ''}: {error.get('sub_msg') or ''})"
    return text[:300]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _truthy(value):
    return value is True or str(value).lower() == "true"


def _backoff(attempt):
    return min(0.5 * 2 ** (attempt - 1), 8.0)
