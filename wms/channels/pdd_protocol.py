"""The Pinduoduo (拼多多) open platform's HTTP protocol: signing, times, answers and error codes. Pure.

Wire format followed: the PDD open platform's "API调用指南"
(https://open.pinduoduo.com/application/document/browse?idStr=8EC06C399636041E) and the error-code
table every API page carries (e.g. https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get),
read in a public capture of those pages; the request/answer fields of each API from the public
SDK lywzx/pdd-node-sdk (packages/pdd-origin-api/src/*, typed from the official API pages).

* Every call is an HTTP POST to `https://gw-api.pinduoduo.com/api/router` (the documented http
  address is no longer allowed) with the common parameters `type` (the API name), `client_id`,
  `access_token` (the shop's authorisation), `timestamp` (UNIX seconds, within 10 minutes of
  PDD's clock), `data_type`=JSON, `version`=V1 and `sign`, plus the API's business parameters.
  The guide's example posts JSON; the official SDKs post form fields; both are signed the same
  way. This adapter posts form fields (every value a string, as signed).
* Signature (`sign_request`): every parameter except `sign`, sorted by name (ASCII ascending),
  concatenated as name1value1name2value2... with nothing between; client_secret added before and
  after; MD5; upper-case hex. Checked in tests against the guide's example (client_secret
  `testSecret`, sign `E4DE3ED21002510DED352819E7AE6775`).
* Answers: `{"<response key>": {...}}` (e.g. `order_sn_increment_get_response`, the key each API
  documents), or `{"error_response": {"error_code", "error_msg", "sub_code", "sub_msg",
  "request_id"}}`.
* Error codes (the table on every API page): `AUTH_CODES` are credentials, authorisation and
  permission (10016 client offline or wrong client_id, 10019 access_token expired, 20004 sign
  check failed, 20005 IP not whitelisted, 20031 not authorised for this API, 20032 wrong
  access_token or client_id, 30000/30001 target / partner permission, 70032 request forbidden,
  70034/70035 user or app at risk); `RETRY_CODES` are rate limits and platform failures (70031
  calling too often, 52101 this API is throttled, 52102/52103 temporarily unavailable, 70033
  down for maintenance, 50000/50002/52001/52002 internal errors); anything else (10000 bad
  parameter, 21001/21002 request parameters, 50001 业务服务错误 with the business reason in
  sub_msg...) is a business refusal. No source states a wait for a rate limit (no Retry-After):
  the adapter backs off exponentially.
"""
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from wms.channels.base import cursor_text, parse_iso

PDD_TZ = timezone(timedelta(hours=8))   # order times are Beijing time, written without an offset
PDD_TIME = "%Y-%m-%d %H:%M:%S"
GATEWAY = "https://gw-api.pinduoduo.com/api/router"
API_VERSION = "V1"
DATA_TYPE = "JSON"
CLOCK_SKEW = timedelta(minutes=10)      # the gateway refuses a timestamp further from its clock

AUTH_CODES = {10016, 10019, 20004, 20005, 20031, 20032, 30000, 30001, 70032, 70034, 70035}
RETRY_CODES = {70031, 52101, 52102, 52103, 70033, 50000, 50002, 52001, 52002}
RATE_LIMIT_CODES = {70031, 52101}
BUSINESS_ERROR = 50001                  # 业务服务错误: the API's own refusal, its reason in sub_msg
PARAMETER_ERROR = 10000


# --- signing -------------------------------------------------------------------------------

def sign_string(params):
    """name1value1name2value2... over the params sorted by name, without `sign` and None values."""
    return "".join(f"{name}{value}" for name, value in sorted(params.items())
                   if name != "sign" and value is not None)


def sign_request(params, client_secret):
    """The PDD signature: upper-case hex MD5(client_secret + sign_string + client_secret)."""
    text = f"{client_secret}{sign_string(params)}{client_secret}"
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def verify_signature(params, client_secret):
    """Constant-time check of params["sign"] against the params' own signature."""
    given = str(params.get("sign") or "")
    return bool(given) and hmac.compare_digest(given.upper(), sign_request(params, client_secret))


# --- times ---------------------------------------------------------------------------------

def parse_pdd_time(text):
    """An order time ("2026-12-07 10:20:00", Beijing time) as an aware datetime; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"not a PDD time: {text!r}")
    return datetime.strptime(text.strip(), PDD_TIME).replace(tzinfo=PDD_TZ)


def format_pdd_time(moment):
    """An aware (or naive-UTC) datetime as PDD writes order times: Beijing time, seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(PDD_TZ).strftime(PDD_TIME)


def parse_unix(value):
    """A UNIX-seconds value (the refund list's times are strings of them) as an aware UTC datetime."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text.isdigit():
        raise ValueError(f"not a UNIX time: {value!r}")
    return datetime.fromtimestamp(int(text), tz=timezone.utc)


def unix(moment):
    """An aware datetime as UNIX seconds (what start_updated_at / end_updated_at take)."""
    return int(moment.timestamp())


from_cursor = parse_iso  # a cursor back as an aware datetime


def to_cursor(moment):
    return cursor_text(moment)


# --- answers and errors --------------------------------------------------------------------

def error_code(error):
    """The numeric `error_code` of an error_response, or None."""
    try:
        return int(error.get("error_code"))
    except (TypeError, ValueError):
        return None


def describe_error(error):
    """An error_response as one line: "code error_msg (sub_code: sub_msg)", at most 300 characters."""
    text = f"{error.get('error_code')} {error.get('error_msg') or ''}".strip()
    if error.get("sub_code") or error.get("sub_msg"):
        text += f" ({error.get('sub_code') or ''}: {error.get('sub_msg') or ''})"
    return text[:300]


def reason_of(error):
    """What the platform said, for a person: sub_msg when there is one, else error_msg."""
    return str(error.get("sub_msg") or error.get("error_msg") or error.get("error_code") or "")[:300]


def kind_of(error):
    """"auth", "retry" or "business" for an error_response."""
    code = error_code(error)
    if code in AUTH_CODES:
        return "auth"
    if code in RETRY_CODES:
        return "retry"
    return "business"


def is_ciphertext(value):
    """PDD's encrypted receiver fields look like "~AgAAAA...~0~~" (names, addresses) or "$...$0$$"
    (phones): they are kept out of our records, which carry the platform's masked copies."""
    text = str(value or "").strip()
    return len(text) > 2 and ((text[0] == text[-1] == "~") or (text[0] == text[-1] == "$"))
