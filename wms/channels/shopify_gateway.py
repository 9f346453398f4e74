"""One call to the Shopify Admin API, as the adapter (wms.channels.shopify) makes it, and the reading of a
list that comes in pages.

A call goes to `<base_url>/admin/api/<version>/<path>` on one kept-alive session carrying the access token
(`X-Shopify-Access-Token`), with Shopify's etiquette kept by wms.channels.gateway_http: a 429 sent again after its
Retry-After, a 5xx or a network error after the back-off, all within one budget of `max_attempts`; a 401 / 403
is the token refused (ChannelAuthFailed), any other 4xx the call (ChannelError). Wire format:
https://shopify.dev/docs/api/admin-rest (rate limits, cursor pagination).

GraphQL cost throttling (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, "GraphQL Admin API rate
limits"): a query is run only when the app's leaky bucket holds its requested cost; otherwise Shopify answers
HTTP 200 with `errors[].extensions.code` THROTTLED and `extensions.cost` giving the query's requestedQueryCost
and the bucket's throttleStatus (currentlyAvailable, restoreRate points a second). Such an answer is one
attempt of the call's one budget (`max_attempts`, shared with 429 / 5xx / network errors by gateway_http), sent
again after (requestedQueryCost - currentlyAvailable) / restoreRate seconds (`throttle_wait`).

Cursor paging (`pages`): a list's next page is the rel="next" URL of the answer's Link header, which carries
page_info (and limit); Shopify refuses any other filter with it, so the first page's parameters are not sent
again.
"""
import math
import re
import time

from wms.channels import gateway_http
from wms.channels.base import ChannelAuthFailed, ChannelError
from wms.channels.http import platform_session

API_VERSION = "2025-01"
TIMEOUT = (5, 30)          # connect, read (seconds)
MAX_ATTEMPTS = 5           # per call, across 429 / 5xx / network errors / GraphQL THROTTLED (one budget)
MAX_RETRY_AFTER = 60.0     # never sleep longer than this on one Retry-After
# The longest wait for one THROTTLED answer: Shopify runs no query dearer than 1,000 points and has published no
# restore rate below 50 points/s, so an empty bucket holds any query within 20 s; more means numbers misread.
MAX_THROTTLE_WAIT = 20.0

_LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?(\w+)"?')


class ShopifyGateway:
    """The Admin API of one store at `base_url`, called with an Admin API access token."""

    def __init__(self, base_url, access_token, *, api_version=API_VERSION, timeout=TIMEOUT,
                 max_attempts=MAX_ATTEMPTS, sleep=time.sleep, session=None):
        self.api_root = f"{base_url.rstrip('/')}/admin/api/{api_version}"
        self.timeout, self.max_attempts, self.sleep = timeout, max_attempts, sleep
        self.http = session or platform_session(self.api_root)  # kept alive, environment read once
        self.http.headers.update({"X-Shopify-Access-Token": access_token,
                                  "Accept": "application/json"})

    def request(self, method, path, **kwargs):
        """One REST call to `path` under the API root (see `_send`); the response."""
        return self._send(method, f"{self.api_root}/{path}", **kwargs)

    def graphql(self, query, variables):
        """One GraphQL Admin call's answer; THROTTLED (the cost limit) is an attempt of the call's one budget,
        sent again when the bucket holds the query; other top-level errors raise."""
        return self._send("POST", f"{self.api_root}/graphql.json", json={"query": query, "variables": variables},
                          read=_graphql_answer)

    def pages(self, path, key, params):
        """Each object of the list `key` of GET `path`, page after page as the Link header leads."""
        url = f"{self.api_root}/{path}"
        while url:
            response = self._send("GET", url, params=params)
            yield from response.json().get(key, [])
            url, params = next_page_url(response.headers.get("Link")), None

    def _send(self, method, url, *, read=None, **kwargs):
        """One call with Shopify's etiquette (wms.channels.gateway_http): honour Retry-After on 429, back off on
        5xx/network; the response (or `read(response)`, which may raise TryAgain), or a ChannelError for a 4xx."""
        read = read or (lambda response: response)
        return gateway_http.call(
            lambda: self.http.request(method, url, timeout=self.timeout, **kwargs),
            lambda response: read(_accepted(method, url, response)),
            partner="Shopify", attempts=self.max_attempts, sleep=self.sleep, also_retried=(429,),
            asked_wait=_retry_after)


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
