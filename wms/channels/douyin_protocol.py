"""The Douyin shop open platform (抖店开放平台, op.jinritemai.com) HTTP protocol: param_json, signing,
times and answer codes. Pure.

Sources (no official page could be read here; these public SDKs follow it and agree with each other):
* the official Go SDK as published in zsmhub/doudian-sdk (module doudian.com/open/sdk_golang):
  core/doudian_op_api_client.go (the request), core/doudian_op_api_base_response.go (the answer);
* renhonghai/doudian-sdk src/Utils/SignUtil.php and src/Core/DoudianOpClient.php (PHP port of the
  official SDK), src/Constants/ErrNoConstant.php (the documented code / sub_code table);
* minibear2021/doudian doudian/core.py (Python SDK); and a Go copy of the official guide's example
  code whose comments cite https://op.jinritemai.com/docs/guide-docs/10/813;
* a copy of the official "API调用指南" page (public parameters, sign_method values, param_json rules).

Wire format:
* POST `<gateway>/<method with "." as "/">` (order.searchList -> /order/searchList), body = param_json
  (`Content-Type: application/json`), query = `app_key`, `method`, `access_token`, `timestamp`, `v`=2,
  `sign_method`, `sign`. param_json is the business parameters as compact JSON with every object's keys
  sorted (nested ones too), no HTML escaping.
* sign: S = "app_key" + app_key + "method" + method + "param_json" + param_json + "timestamp" + timestamp
  + "v" + v; md5: MD5(secret + S + secret); hmac-sha256 (recommended): HMAC-SHA256(key=secret,
  secret + S + secret); lower-case hex. Without `sign_method` the platform assumes md5. Checked in the
  tests against two public test vectors (a public Java DouyinSignerTest: appkey123 / secret123 /
  order.searchList / {"page":0,"size":100} / timestamp 1800000000, md5 a84d3597... and hmac-sha256
  8a5350b8...), which the SDKs' code reproduces.
* timestamp: the guide documents "yyyy-MM-dd HH:mm:ss" in GMT+8; every official SDK sends Unix seconds.
  We send Unix seconds as the SDKs do; the sandbox takes both. More than 10 minutes off is refused.
* Answers (with header `x-open-no-old-err-code: 1`, as the SDKs send): {"code", "msg", "sub_code",
  "sub_msg", "log_id", "data"}; code 10000 is success. Older answers carry {"err_no": 0, "message"}.
  Codes: 20000 service unavailable (retry), 30001 permission / authorisation gone, 40001 parameter
  missing, 40003 invalid parameter (also signature and access_token sub_codes), 50001 token, 50002
  business failure (`isv.business-failed:<n>`), 60000 traffic limited (retry), 70000 API off, 90000 other.
"""
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

from wms.channels.base import cursor_text, naive_utc_text, parse_iso
from wms.inputs import as_int

API_VERSION = "2"
SIGN_METHODS = ("hmac-sha256", "md5")
DOUYIN_TZ = timezone(timedelta(hours=8))
DOUYIN_TIME = "%Y-%m-%d %H:%M:%S"

SUCCESS = 10000
SERVICE_ERROR = 20000
PERMISSION_DENIED = 30001
PARAMETER_MISSING = 40001
PARAMETER_INVALID = 40003
TOKEN_ERROR = 50001
BUSINESS_FAILED = 50002
TRAFFIC_LIMITED = 60000

# sub_codes of 40001 / 40003 that say the app key, signature or shop token is wrong: the person must act.
AUTH_SUB_CODES = {
    "isv.signature-missing", "isv.app-id-missing", "isv.access-token-missing", "isv.signature-invalid",
    "isv.access-token-expired", "isv.access-token-no-existed", "isv.access-token-invalid", "isv.app-id-invalid",
    "isv.app-id-expired", "isv.authorization-type-invalid",
}
RETRY_CODES = {SERVICE_ERROR, TRAFFIC_LIMITED}


# --- signing -------------------------------------------------------------------------------

def param_json(business):
    """Business parameters as the param_json the platform signs: compact, keys sorted at every level."""
    return json.dumps(business or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign_string(app_key, method, params_text, timestamp, version=API_VERSION):
    """app_key<k>method<m>param_json<json>timestamp<t>v<v>: the public parameters in name order."""
    return f"app_key{app_key}method{method}param_json{params_text}timestamp{timestamp}v{version}"


def sign(app_secret, app_key, method, params_text, timestamp, sign_method="hmac-sha256", version=API_VERSION):
    """The request signature: lower-case hex MD5 or HMAC-SHA256 of secret + sign_string + secret."""
    text = f"{app_secret}{sign_string(app_key, method, params_text, timestamp, version)}{app_secret}".encode("utf-8")
    if sign_method == "md5":
        return hashlib.md5(text).hexdigest()
    if sign_method == "hmac-sha256":
        return hmac.new(app_secret.encode("utf-8"), text, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown sign_method {sign_method!r} (hmac-sha256 or md5)")


def verify(given, app_secret, app_key, method, params_text, timestamp, sign_method="md5", version=API_VERSION):
    """Constant-time check of a received signature."""
    try:
        expected = sign(app_secret, app_key, method, params_text, timestamp, sign_method, version)
    except ValueError:
        return False
    return bool(given) and hmac.compare_digest(str(given).lower(), expected)


def method_path(method):
    """order.searchList -> order/searchList (the URL path of a method)."""
    return method.replace(".", "/")


# --- times ---------------------------------------------------------------------------------

def epoch_of(moment):
    """An aware datetime as Unix seconds (the platform's times)."""
    return int(moment.timestamp())


def from_epoch(seconds):
    """Unix seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(int(seconds), timezone.utc)


def to_cursor(seconds):
    """Unix seconds as the sync cursor."""
    return cursor_text(from_epoch(seconds))


def naive_utc(seconds):
    """Unix seconds (0 / None = not happened) as the canonical naive-UTC ISO text."""
    return naive_utc_text(from_epoch(seconds)) if seconds else None


from_cursor = parse_iso


def parse_timestamp(text):
    """A request's timestamp, Unix seconds or "yyyy-MM-dd HH:mm:ss" Beijing time, as an aware datetime."""
    text = str(text or "").strip()
    if text.isdigit():
        return from_epoch(int(text))
    return datetime.strptime(text, DOUYIN_TIME).replace(tzinfo=DOUYIN_TZ)


# --- answers -------------------------------------------------------------------------------

def outcome(answer):
    """"ok", "auth", "retry" or "business" for a decoded answer."""
    if not isinstance(answer, dict):
        return "business"
    if "code" not in answer and "err_no" in answer:
        return "ok" if answer.get("err_no") in (0, "0") else "business"
    code = as_int(answer.get("code"))
    if code == SUCCESS:
        return "ok"
    if code in RETRY_CODES:
        return "retry"
    sub_code = str(answer.get("sub_code") or "")
    if code in (PERMISSION_DENIED, TOKEN_ERROR) or sub_code in AUTH_SUB_CODES:
        return "auth"
    return "business"


def describe(answer):
    """An error answer as one line: "code msg (sub_code: sub_msg)", at most 300 characters."""
    if not isinstance(answer, dict):
        return repr(answer)[:300]
    code = answer.get("code", answer.get("err_no"))
    text = f"{code} {answer.get('msg') or answer.get('message') or ''}".strip()
    if answer.get("sub_code") or answer.get("sub_msg"):
        text += f" ({answer.get('sub_code') or ''}: {answer.get('sub_msg') or ''})"
    return text[:300]


def error_answer(code, msg, sub_code="", sub_msg="", log_id="sandbox"):
    """An error answer as the platform writes it (the sandbox's)."""
    return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg, "log_id": log_id, "data": {}}


def ok_answer(data, log_id="sandbox"):
    """A success answer as the platform writes it (the sandbox's)."""
    return {"code": SUCCESS, "msg": "success", "sub_code": "", "sub_msg": "", "log_id": log_id, "data": data}
