"""One call to the Pinduoduo (拼多多) gateway, as the adapter (wms.channels.pdd) makes it, and the reading of one
update window of an increment API.

A call posts the common parameters (`type`, `client_id`, `access_token`, `timestamp`, `data_type`, `version`)
and the API's business parameters as form fields, every value a string, signed by
`wms.channels.pdd_protocol.sign_request` (where the wire format and its sources are named), to
`<gateway_url>/api/router` on one kept-alive session, and returns the body under the response key the API
documents (RESPONSE_KEYS).

Errors: AUTH_CODES -> ChannelAuthFailed; RETRY_CODES (rate limits, maintenance, internal errors),
HTTP 5xx, timeouts and network errors -> retried with exponential back-off (no source states a
wait; the retries are wms.channels.gateway_http's), then ChannelUnavailable; any other error_response ->
ChannelError with PDD's own reason (sub_msg, else error_msg). An answer without its documented response key
or with a field of the wrong type is a ChannelError naming the API and field, never a crash or a silently
dropped order.

Increment windows are read backwards (`read_window`): the order increment API's page says to page
backwards ("必须采用倒序的分页方式（从最后一页往回取）才能避免漏单问题") and the order FAQ
(https://open.pinduoduo.com/application/document/browse?idStr=3155CCB725082A31) how: a first call with
use_has_next=false for total_count, then pages from the last to the first with use_has_next=true. A row
that leaves the window while it is paged (updated again) shifts later rows towards page 1, which is still to
be read; the one that left comes in a later window. Rows read twice are merged by their id. A window that
fits one page is read once.
"""
import json
import math
import time

from wms.channels import gateway_http
from wms.channels.base import ChannelAuthFailed, ChannelError
from wms.channels.http import platform_session
from wms.channels.pdd_protocol import (
    API_VERSION, DATA_TYPE, describe_error, error_code, kind_of, reason_of, sign_request, unix,
)

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


class PddGateway:
    """The PDD gateway at `gateway_url` (its /api/router), called with an app's client id / secret and a shop's
    access token."""

    def __init__(self, gateway_url, client_id, client_secret, access_token, *, timeout=TIMEOUT,
                 max_attempts=MAX_ATTEMPTS, sleep=time.sleep, clock, http=None):
        base = gateway_url.rstrip("/")
        self.url = base if base.endswith("/api/router") else f"{base}/api/router"
        self.client_id, self.client_secret, self.access_token = str(client_id), client_secret, access_token
        self.timeout, self.max_attempts, self.sleep, self.clock = timeout, max(1, int(max_attempts)), sleep, clock
        self.http = http or platform_session(self.url)  # kept alive, environment read once

    def signed_params(self, method, business):
        """Common + business params with `sign`, every value a string, ready to post."""
        params = {"type": method, "client_id": self.client_id, "access_token": self.access_token,
                  "timestamp": str(unix(self.clock())), "data_type": DATA_TYPE, "version": API_VERSION,
                  **{key: _wire(value) for key, value in business.items() if value is not None}}
        params["sign"] = sign_request(params, self.client_secret)
        return params

    def call(self, method, business):
        """One API call with PDD's etiquette (wms.channels.gateway_http); the answer's response body, or a
        ChannelError."""
        return gateway_http.call_json(
            lambda: self.http.post(self.url, data=self.signed_params(method, business), timeout=self.timeout),
            lambda payload, _status: _body(method, payload),
            partner="Pinduoduo", attempts=self.max_attempts, sleep=self.sleep, error_chars=200)

    def read_window(self, method, list_key, id_key, start, end, filters, *, page_size, use_has_next):
        """Every row of one update window: counted first, then read from the last page back to the first."""
        business = {**filters, "start_updated_at": unix(start), "end_updated_at": unix(end),
                    "page_size": page_size}
        first = self.call(method, {**business, "page": 1, **({"use_has_next": "false"} if use_has_next else {})})
        rows, total = _rows(method, first, list_key), first.get("total_count")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise malformed(method, "total_count")
        if total <= page_size:
            return _merge(rows, id_key)
        pages = math.ceil(total / page_size)
        rows = []
        for page in range(pages, 0, -1):
            body = self.call(method, {**business, "page": page, **({"use_has_next": "true"} if use_has_next else {})})
            rows += _rows(method, body, list_key)
        return _merge(rows, id_key)


def malformed(method, field):
    """The ChannelError for an answer of `method` without a valid `field`."""
    return ChannelError.worded("Pinduoduo answered {method} without a valid {field}", method=method, field=field,
                               details={"field": field})


def _body(method, payload):
    """The body under `method`'s response key; PDD's error_response as our refusal, or TryAgain when transient."""
    if not isinstance(payload, dict):
        raise malformed(method, "answer")
    error = payload.get("error_response")
    if error is None:
        body = payload.get(RESPONSE_KEYS[method])
        if not isinstance(body, dict):
            raise malformed(method, RESPONSE_KEYS[method])
        return body
    if not isinstance(error, dict):
        raise malformed(method, "error_response")
    kind = kind_of(error)
    details = {"pdd_code": error_code(error), "sub_code": error.get("sub_code"), "reason": reason_of(error)}
    if kind == "auth":
        raise ChannelAuthFailed.worded("Pinduoduo refused the client id or the shop's access token: {error}",
                                       error=describe_error(error), details=details)
    if kind == "business":
        raise ChannelError.worded("Pinduoduo refused {method}: {error}", method=method,
                                  error=reason_of(error), details=details)
    raise gateway_http.TryAgain(describe_error(error), details)


def _rows(method, body, list_key):
    rows = body.get(list_key)
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise malformed(method, list_key)
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


def _wire(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
