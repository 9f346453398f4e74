"""The JD open platform (京东宙斯 / JOS) HTTP protocol: signing, JD times, answers and error codes. Pure.

Sources (what each confirms):

* JOS 开发规范 (http://help.jd.com/jos/question-580.html): the gateway `/routerjson`; the system
  parameters `method`, `access_token`, `app_key`, `sign`, `timestamp` ("yyyy-MM-dd HH:mm:ss",
  Beijing time, the server allows 6 minutes of clock difference) and `v` = "2.0"; the business
  parameters travel as ONE parameter `360buy_param_json`, "标准json 类型，而且是按照字母先后顺序排序的"
  (a standard JSON object with its keys in alphabetical order).
* The signature, as JD's own Python SDK computes it (PsKs/jd-sdk: jd/api/base.py, `sign()`; the
  same rule in JD's 协议文档 https://jos.jd.com/commondoc?listId=33 as cited by the notes in
  public repositories): every request parameter except `sign` (system ones and 360buy_param_json),
  sorted by name, concatenated name1value1name2value2..., wrapped in the app secret on both sides,
  MD5, upper-case hex: MD5(secret + s + secret). JD's SDK encodes the text as latin-1 (it fails on
  Chinese); we encode UTF-8 as JD's Java SDK and every other public client do. No published
  example with its digest was found: the test vector in tests/services/test_jd_protocol.py was
  computed with the SDK's `sign()` rule and is checked against an independent transcription of it.
* Answers: `{"<method with dots as underscores>_responce": {"code": "0", <result key>: {...}}}`
  (JD spells it "responce"; "_response" is accepted too), or `{"error_response": {"code", "zh_desc",
  "en_desc"}}` (JD SDKs: AbstractResponse code/zh_desc/en_desc).
* Gateway error codes (网关系统错误码, the table JOS publishes, as copied in
  https://blog.csdn.net/DianSan_ERP/article/details/142364242): 2 App Call Limited (限制时间内调用失败
  次数: the call quota), 4/5 version, 7/8 timestamp, 11/12 signature, 14/15 method. Code 19
  ("token已过期或者不存在，请重新授权访问", Invalid access_token) is seen in public clients' fixtures;
  the rest of the table (application-key codes, platform-side failures) is not in any source found,
  so any other error_response is a business error reported with JD's words, and only HTTP 5xx and
  network failures are retried besides code 2.
"""
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

from wms.channels.base import cursor_text, parse_iso

JD_TZ = timezone(timedelta(hours=8))   # JOS times are Beijing time, written without an offset
JD_TIME = "%Y-%m-%d %H:%M:%S"
API_VERSION = "2.0"
PARAM_JSON = "360buy_param_json"
CLOCK_TOLERANCE = timedelta(minutes=6)

CALL_LIMITED = "2"
AUTH_CODES = {"11", "12", "19"}      # missing / invalid signature, invalid or expired access_token
TIMESTAMP_CODES = {"7", "8"}


# --- signing -------------------------------------------------------------------------------

def param_json(business):
    """The business parameters as JOS wants them: compact JSON, keys in alphabetical order, UTF-8 text."""
    return json.dumps(business, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sign_string(params):
    """secret-less signing text: name1value1name2value2... over the params sorted by name, without `sign`."""
    return "".join(f"{name}{value}" for name, value in sorted(params.items()) if name != "sign" and value is not None)


def sign_request(params, secret):
    """The JOS signature of `params`: upper-case hex MD5(secret + name1value1... + secret)."""
    return hashlib.md5(f"{secret}{sign_string(params)}{secret}".encode("utf-8")).hexdigest().upper()


def verify_signature(params, secret):
    """Constant-time check of params["sign"] against the params' own JOS signature."""
    return hmac.compare_digest(str(params.get("sign") or "").upper(), sign_request(params, secret))


# --- times ---------------------------------------------------------------------------------

def format_jd_time(moment):
    """An aware datetime as a JOS time string (Beijing time)."""
    return moment.astimezone(JD_TZ).strftime(JD_TIME)


def parse_jd_time(text):
    """A JOS time string ("2026-11-20 10:03:00", Beijing time) as an aware datetime; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"not a JD time: {text!r}")
    return datetime.strptime(text.strip()[:19], JD_TIME).replace(tzinfo=JD_TZ)


def to_cursor(jd_time):
    """A JOS time as the sync cursor (UTC ISO text)."""
    return cursor_text(parse_jd_time(jd_time))


from_cursor = parse_iso


def naive_utc(jd_time):
    """A JOS time as the naive-UTC ISO text of the canonical records (None / "" stay None)."""
    if not jd_time:
        return None
    return parse_jd_time(jd_time).astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


# --- answers -------------------------------------------------------------------------------

def response_key(method):
    """The wrapper key of `method`'s answer, in JD's spelling: jingdong_pop_order_search_responce."""
    return method.replace(".", "_") + "_responce"


def unwrap(payload, method):
    """The body of a JOS answer for `method`, or None when the answer has no such wrapper."""
    key = response_key(method)
    body = payload.get(key, payload.get(key[:-len("responce")] + "response"))
    return body if isinstance(body, dict) else None


def error_of(payload):
    """The error_response of an answer (a dict), or None."""
    error = payload.get("error_response") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else None


def error_code(error):
    """The code of an error_response as text ("19"), or ""."""
    return str(error.get("code") if error.get("code") is not None else "").strip()


def describe_error(error):
    """An error_response as one line: "code zh_desc (en_desc)", at most 300 characters."""
    text = f"{error_code(error)} {error.get('zh_desc') or ''}".strip()
    if error.get("en_desc"):
        text += f" ({error['en_desc']})"
    return text[:300]


def is_true(value):
    """A JOS boolean (true or "true") as a Python bool."""
    return value is True or str(value).lower() == "true"
