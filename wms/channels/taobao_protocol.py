"""The Taobao Open Platform (TOP) HTTP protocol: signing, TOP times, answers and error codes. Pure.

Wire format followed: the TOP "API 调用方法详解" (HTTP API call protocol) of open.taobao.com.

* Every call is an HTTP POST (application/x-www-form-urlencoded, UTF-8) to the gateway
  `<gateway>/router/rest` with the system parameters `method`, `app_key`, `session` (the seller's
  access token), `timestamp` ("yyyy-MM-dd HH:mm:ss", GMT+8), `v`="2.0", `sign_method` ("md5" or
  "hmac"), `format`="json" and `sign`, plus the business parameters of the API.
* Signature (`sign_request`): every parameter (system + business) except `sign` and byte-typed
  (file upload) ones, sorted by name (byte order), concatenated as name1value1name2value2...;
  md5: MD5(secret + string + secret); hmac: HMAC-MD5(key=secret, string); hmac-sha256:
  HMAC-SHA256(key=secret, string); upper-case hex. TMC pushes are signed the same way.
* Answers: `{"<api_name_with_underscores>_response": {...}}`, or
  `{"error_response": {"code", "msg", "sub_code", "sub_msg"}}`. Code 7 is App Call Limited (the
  sub_msg states the ban: "This ban will last for N more seconds"); codes 11, 12, 25-29 are
  permissions, signature, session and app key; code 15 with an `isp.` sub_code is a platform error;
  code 10 is Service Currently Unavailable (服务不可用, TOP's platform error table). Codes 7, 10 and
  15/isp.* are transient (`is_transient`): retried, then ChannelUnavailable; every other code is the
  platform's refusal (an `isv.` sub_code: the request itself is wrong for it).
  `simplify=true` answers (no wrapper, plain lists) are understood too; the adapter does not ask
  for them.
"""
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

from wms.channels.base import cursor_text, parse_iso

TOP_TZ = timezone(timedelta(hours=8))   # TOP's timestamps are Beijing time, without an offset
TOP_TIME = "%Y-%m-%d %H:%M:%S"
API_VERSION = "2.0"
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")

AUTH_CODES = {11, 12, 25, 26, 27, 28, 29}
CALL_LIMITED = 7
SERVICE_UNAVAILABLE = 10
REMOTE_ERROR = 15
MAX_BAN_WAIT = 60.0

_BAN_RE = re.compile(r"(\d+(?:\.\d+)?)\s*more\s*seconds", re.I)


# --- signing -------------------------------------------------------------------------------

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


# --- times ---------------------------------------------------------------------------------

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


# --- answers -------------------------------------------------------------------------------

def unwrap(payload, method):
    """The body of a TOP answer for `method` (with or without the *_response wrapper)."""
    key = method.replace("taobao.", "", 1).replace(".", "_") + "_response"
    body = payload.get(key)
    return body if isinstance(body, dict) else payload


def trades_of(body):
    """The trades of a trades.sold.* answer body, whether nested as {"trade": [...]} or a plain list."""
    trades = body.get("trades") or []
    if isinstance(trades, dict):
        trades = trades.get("trade") or []
    return trades


def is_true(value):
    """A TOP boolean (true or "true") as a Python bool."""
    return value is True or str(value).lower() == "true"


def error_code(error):
    """The numeric `code` of an error_response, or None."""
    try:
        return int(error.get("code"))
    except (TypeError, ValueError):
        return None


def is_transient(error):
    """Whether an error_response may pass on a later identical call: App Call Limited (7), Service Currently
    Unavailable (10), or a remote service error (15) whose sub_code is the platform's (`isp.`)."""
    code = error_code(error)
    return code in (CALL_LIMITED, SERVICE_UNAVAILABLE) or (
        code == REMOTE_ERROR and str(error.get("sub_code") or "").startswith("isp."))


def describe_error(error):
    """An error_response as one line: "code msg (sub_code: sub_msg)", at most 300 characters."""
    text = f"{error.get('code')} {error.get('msg') or ''}".strip()
    if error.get("sub_code") or error.get("sub_msg"):
        text += f" ({error.get('sub_code') or ''}: {error.get('sub_msg') or ''})"
    return text[:300]


def ban_seconds(sub_msg, default=1.0):
    """The wait a code-7 answer states ("This ban will last for 12 more seconds")."""
    found = _BAN_RE.search(sub_msg or "")
    return min(float(found.group(1)), MAX_BAN_WAIT) if found else default
