"""Aliyun SMS (阿里云短信服务, dysmsapi `SendSms`, API version 2017-05-25): the buyers' text messages.

The wire format, as Alibaba Cloud documents it:
- RPC style request (help.aliyun.com/document_detail/101343 "签名机制", /101414 "SendSms", /101346 "错误码"):
  common parameters AccessKeyId, Action=SendSms, Format=JSON, RegionId, SignatureMethod=HMAC-SHA1,
  SignatureNonce (unique per request), SignatureVersion=1.0, Timestamp (UTC, yyyy-MM-ddTHH:mm:ssZ),
  Version=2017-05-25; the call's own PhoneNumbers, SignName, TemplateCode, TemplateParam (a JSON object of the
  template's variables), OutId (ours, echoed in delivery receipts).
- Signature: parameters sorted by name, each name and value percent-encoded by RFC 3986 (space %20, `*` %2A,
  `~` kept), joined `k=v&...`; StringToSign = METHOD & %2F & percentEncode(that string); Base64 of HMAC-SHA1
  keyed by `AccessKeySecret&`. The documented example (testId / testSecret, nonce
  45e25e9b-0a6f-4070-8c85-2956eda1b466, 2017-07-12T02:42:19Z) signs to zJDF+Lrzhj/ThnlvIToysFRq6t4=
  (tests/unit/test_aliyun_sms.py checks it).
- Answer: JSON {"Code": "OK", "Message": "OK", "BizId": "...", "RequestId": "..."}; any other Code is a refusal
  with its Message. Codes sorted here by what a retry can change: rate and flow controls and the platform's own
  errors pass (temporary); a wrong number, template, signature, key or an empty account do not (permanent).

No Flask, no database: the wire format, and one HTTP call in `AliyunSms.send` (requests).
"""
import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

ACTION, VERSION = "SendSms", "2017-05-25"
TEMPORARY_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL",    # 业务限流: per number per minute / hour
    "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isp.RAM_PERMISSION_DENY_THROTTLED",
    "Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError",
    "InvalidTimeStamp.Expired",      # our clock or a slow queue: a new request gets a new timestamp
})
VARIABLE_MOST = 35  # characters a template variable may carry (the SendSms template rules)


class SmsError(Exception):
    """The provider refused (`code`, its `message`) or did not answer; `temporary`: a later retry may pass."""

    def __init__(self, code, message, temporary):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.temporary = code, message, temporary


def percent_encode(value):
    """RFC 3986 encoding as the signature wants it: only A-Z a-z 0-9 - _ . ~ left as they are."""
    return quote(str(value), safe="-_.~")


def signature(params, secret, method="GET"):
    """The Signature of `params` (every parameter but Signature itself)."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def timestamp(now=None):
    return (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def fit_variables(values):
    """Template variables as the provider takes them: strings of at most VARIABLE_MOST characters."""
    return {key: str(value)[:VARIABLE_MOST] for key, value in values.items()}


class AliyunSms:
    """One account's SendSms client. `endpoint`: https://dysmsapi.aliyuncs.com, or a sandbox's URL."""

    def __init__(self, endpoint, access_key_id, access_key_secret, sign_name, *, region="cn-hangzhou", timeout=10,
                 session=None):
        self.endpoint, self.key_id, self.secret = endpoint.rstrip("/") + "/", access_key_id, access_key_secret
        self.sign_name, self.region, self.timeout = sign_name, region, timeout
        self.session = session

    def request_params(self, phone, template_code, variables, out_id, *, nonce=None, now=None):
        """Every parameter of one SendSms POST, signed."""
        params = {"AccessKeyId": self.key_id, "Action": ACTION, "Format": "JSON", "RegionId": self.region,
                  "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or uuid.uuid4().hex,
                  "SignatureVersion": "1.0", "Timestamp": timestamp(now), "Version": VERSION,
                  "PhoneNumbers": phone, "SignName": self.sign_name, "TemplateCode": template_code,
                  "TemplateParam": json.dumps(fit_variables(variables), ensure_ascii=False, separators=(",", ":")),
                  "OutId": str(out_id)}
        params["Signature"] = signature(params, self.secret, method="POST")
        return params

    def send(self, phone, template_code, variables, out_id):
        """Send one message; its BizId. Raises SmsError (temporary or not) on any refusal or silence."""
        import requests

        http = self.session or requests
        try:
            response = http.post(self.endpoint, data=self.request_params(phone, template_code, variables, out_id),
                                 timeout=self.timeout)
        except requests.RequestException as error:
            raise SmsError("NoAnswer", f"{type(error).__name__}: {error}"[:300], temporary=True) from None
        try:
            answer = response.json()
        except ValueError:
            raise SmsError(f"HTTP{response.status_code}", "the answer is not JSON",
                           temporary=response.status_code >= 500) from None
        code = str(answer.get("Code") or f"HTTP{response.status_code}")
        if code != "OK":
            raise SmsError(code, str(answer.get("Message") or "")[:300],
                           temporary=code in TEMPORARY_CODES or response.status_code >= 500)
        return str(answer.get("BizId") or "")
