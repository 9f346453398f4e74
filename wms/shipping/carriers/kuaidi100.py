"""Kuaidi100 (快递100) adapter: 电子面单 (label/order), 实时查询 (poll/query.do), 订阅推送 (callback).

The documented wire format followed here (api.kuaidi100.com docs and the official kuaidi100-api demos):

- 电子面单下单 / 取消: ``POST {api_url}/label/order`` as ``application/x-www-form-urlencoded`` with
  ``method`` (``order`` | ``cancel``), ``key`` (授权key), ``t`` (ms timestamp), ``param`` (JSON text)
  and ``sign`` = upper(MD5(param + t + key + secret)). Order ``param``: ``kuaidicom``, ``partnerId``,
  ``partnerKey``, ``net``, ``recMan`` / ``sendMan`` {``name``, ``mobile``, ``printAddr``, ``company``},
  ``cargo``, ``count``, ``weight`` (kg), ``payType``, ``expType``, ``remark``, ``orderId`` (our id:
  the parcel, so a retry returns the same waybill), ``printType`` = ``NON`` (we print our own label).
  Answer: ``{"result": true, "returnCode": "200", "message": "...", "data": {"taskId", "kuaidinum",
  "kuaidicom", "kdComOrderNum", "bulkpen", "pkgCode", "pkgName", ...}}``; errors keep ``result`` false with a
  ``returnCode`` (``400`` bad parameters, e.g. an address out of service range; ``601`` no balance /
  waybill quota; ``500`` server error) and a ``message``. Cancel ``param``: ``partnerId``,
  ``kuaidicom``, ``kuaidinum``, ``orderId``, ``reason``.
  What the label prints from the answer (the 电子面单下单接口 document's 返回结果, "data" fields,
  https://api.kuaidi100.com/document/dianzimiandanV2; the same names in Kuaidi100's SDK response
  class LabelOrderRespone): ``bulkpen`` 大头笔 (the carrier's routing code, 三段码 for ZTO / YTO / STO
  style carriers), else ``destSortingCode`` 目的分拣编码 with ``destSortingName``; ``pkgName`` 集包地名称
  with ``pkgCode`` 集包编码 (the package centre). ``orgCode`` / ``destCode`` / ``road`` are not printed.
- 实时查询: ``POST {poll_url}/poll/query.do`` with ``customer``, ``param`` {``com``, ``num``,
  ``phone``, ``resultv2``} and ``sign`` = upper(MD5(param + key + customer)). Answer: ``message``,
  ``nu``, ``com``, ``status`` ("200" ok), ``state`` (0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签,
  5 派件, 6 退回, 7 转投, 8 清关, 14 拒签) and ``data`` [{``time``, ``ftime``, ``context``,
  ``location``, ``status``, ``statusCode``}] newest first; times are China local time.
- 订阅推送 (callback to our URL): form fields ``param`` (JSON: ``status``, ``billstatus``,
  ``message``, ``lastResult`` shaped like the query answer) and ``sign`` = upper(MD5(param + salt));
  we answer ``{"result": true, "returnCode": "200", "message": "成功"}``.

Settings (Carrier.settings): api_url, poll_url, key, secret, customer, salt, kuaidicom, partner_id,
partner_key, net, exp_type, pay_type, timeout_s.
"""
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import requests

from wms.shipping.carriers import register
from wms.shipping.carriers.base import (
    ADDRESS_REJECTED, BAD_SIGNATURE, CARRIER_ERROR, EXCEPTION, IN_TRANSIT, OUT_FOR_DELIVERY, PICKED_UP,
    QUOTA_EXCEEDED, RETURNED, SIGNED, TIMEOUT, CarrierAdapter, TrackingEvent, WaybillError, WaybillResult)

CHINA_UTC_OFFSET = timedelta(hours=8)
STATES = {"0": IN_TRANSIT, "1": PICKED_UP, "2": EXCEPTION, "3": SIGNED, "4": RETURNED, "5": OUT_FOR_DELIVERY,
          "6": RETURNED, "7": IN_TRANSIT, "8": IN_TRANSIT, "14": EXCEPTION}
STATUS_WORDS = {"在途": IN_TRANSIT, "揽收": PICKED_UP, "疑难": EXCEPTION, "签收": SIGNED, "退签": RETURNED,
                "派件": OUT_FOR_DELIVERY, "退回": RETURNED, "转投": IN_TRANSIT, "清关": IN_TRANSIT, "拒签": EXCEPTION}


def md5_upper(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def label_sign(param, t, key, secret):
    """电子面单 sign: upper(MD5(param + t + key + secret))."""
    return md5_upper(param + str(t) + key + secret)


def query_sign(param, key, customer):
    """实时查询 sign: upper(MD5(param + key + customer))."""
    return md5_upper(param + key + customer)


def push_sign(param, salt):
    """订阅推送 sign: upper(MD5(param + salt))."""
    return md5_upper(param + salt)


@register("kuaidi100")
class Kuaidi100Adapter(CarrierAdapter):
    def __init__(self, settings):
        super().__init__(settings)
        self.api_url = settings.get("api_url", "https://api.kuaidi100.com").rstrip("/")
        self.poll_url = settings.get("poll_url", self.api_url).rstrip("/")
        self.key, self.secret = settings.get("key", ""), settings.get("secret", "")
        self.customer, self.salt = settings.get("customer", ""), settings.get("salt", "")
        self.kuaidicom = settings.get("kuaidicom", "")
        self.timeout = float(settings.get("timeout_s", 5))

    # --- 电子面单 --------------------------------------------------------------------------------

    def create_waybill(self, request):
        param = {"kuaidicom": self.kuaidicom, "partnerId": self.settings.get("partner_id", ""),
                 "partnerKey": self.settings.get("partner_key", ""), "net": self.settings.get("net", ""),
                 "recMan": _man(request.recipient), "sendMan": _man(request.sender), "cargo": request.cargo[:40],
                 "count": request.count, "weight": f"{max(request.weight_g, 1) / 1000:.3f}",
                 "payType": self.settings.get("pay_type", "SHIPPER"),
                 "expType": self.settings.get("exp_type", "标准快递"), "remark": request.remark[:100],
                 "orderId": request.client_order_id, "printType": "NON"}
        data = self._label_call("order", param).get("data") or {}
        number = data.get("kuaidinum")
        if not number:
            raise WaybillError(CARRIER_ERROR, "the answer carries no kuaidinum")
        return WaybillResult(tracking_number=number, carrier_order_id=str(data.get("kdComOrderNum") or data.get("taskId") or ""),
                             sort_code=sort_code(data), package_centre=package_centre(data), raw=data)

    def cancel_waybill(self, tracking_number, carrier_order_id="", reason=""):
        param = {"partnerId": self.settings.get("partner_id", ""), "kuaidicom": self.kuaidicom,
                 "kuaidinum": tracking_number, "orderId": carrier_order_id, "reason": reason or "cancelled"}
        self._label_call("cancel", param)

    def _label_call(self, method, param):
        text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
        t = str(int(time.time() * 1000))
        form = {"method": method, "key": self.key, "t": t, "param": text,
                "sign": label_sign(text, t, self.key, self.secret)}
        answer = self._post(f"{self.api_url}/label/order", form)
        if answer.get("result") is True and str(answer.get("returnCode")) == "200":
            return answer
        raise _label_error(str(answer.get("returnCode", "")), str(answer.get("message", "")))

    # --- 实时查询 and 订阅推送 --------------------------------------------------------------------

    def query_tracking(self, tracking_number, phone=""):
        param = json.dumps({"com": self.kuaidicom, "num": tracking_number, "phone": phone, "resultv2": "1"},
                           ensure_ascii=False, separators=(",", ":"))
        answer = self._post(f"{self.poll_url}/poll/query.do", {
            "customer": self.customer, "param": param, "sign": query_sign(param, self.key, self.customer)})
        if str(answer.get("status")) != "200":
            raise WaybillError(CARRIER_ERROR, str(answer.get("message") or answer.get("returnCode") or "query failed"))
        return tracking_events(answer)

    def parse_webhook(self, headers, body):
        fields = body if isinstance(body, dict) else {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        param, sign = fields.get("param", ""), fields.get("sign", "")
        if not self.salt:  # an unsigned push could come from anyone: refuse until a salt is configured
            raise WaybillError(BAD_SIGNATURE, "no push salt is configured for this carrier", retryable=False)
        if not hmac.compare_digest(push_sign(param, self.salt).encode(), str(sign).upper().encode()):
            raise WaybillError(BAD_SIGNATURE, "the push signature does not match", retryable=False)
        try:
            payload = json.loads(param)
        except ValueError:
            raise WaybillError(CARRIER_ERROR, "the push param is not JSON", retryable=False) from None
        return tracking_events(payload.get("lastResult") or {})

    def webhook_ack(self):
        return {"result": True, "returnCode": "200", "message": "成功"}, 200

    def _post(self, url, form):
        try:
            response = requests.post(url, data=form, timeout=self.timeout)
        except requests.Timeout:
            raise WaybillError(TIMEOUT, f"no answer within {self.timeout:g}s") from None
        except requests.RequestException as error:
            raise WaybillError(CARRIER_ERROR, f"network error: {type(error).__name__}") from None
        if response.status_code >= 500:
            raise WaybillError(CARRIER_ERROR, f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise WaybillError(CARRIER_ERROR, f"HTTP {response.status_code}: not JSON") from None


def sort_code(data):
    """The routing code printed big (三段码 / 大头笔): ``bulkpen``, else the destination sorting code and name."""
    bulkpen = str(data.get("bulkpen") or "").strip()
    if bulkpen:
        return bulkpen
    return " ".join(str(data.get(key) or "").strip() for key in ("destSortingCode", "destSortingName")).strip()


def package_centre(data):
    """The package centre (集包地): ``pkgName`` with its ``pkgCode`` when the carrier gives both."""
    return " ".join(part for part in (str(data.get("pkgName") or "").strip(), str(data.get("pkgCode") or "").strip())
                    if part)


def _man(address):
    return {"name": address.name, "mobile": address.phone, "printAddr": address.full, "company": address.company}


def _label_error(code, message):
    if code == "601" or "余额" in message or "quota" in message.lower():
        return WaybillError(QUOTA_EXCEEDED, message or "waybill quota exhausted")
    if code.startswith("5"):
        return WaybillError(CARRIER_ERROR, message or f"returnCode {code}")
    if "地址" in message or "address" in message.lower():
        return WaybillError(ADDRESS_REJECTED, message)
    return WaybillError(CARRIER_ERROR, f"{code} {message}".strip(), retryable=False)


def tracking_events(result):
    """Events of a query answer / a push's lastResult, oldest first, in normalised statuses."""
    number, state = result.get("nu", ""), str(result.get("state", ""))
    items = list(reversed(result.get("data") or []))  # answered newest first
    events = []
    for index, item in enumerate(items):
        word = str(item.get("status") or "")
        status = STATES.get(str(item.get("statusCode", ""))) or STATUS_WORDS.get(word)
        if status is None:
            status = STATES.get(state, IN_TRANSIT) if index == len(items) - 1 else IN_TRANSIT
        events.append(TrackingEvent(tracking_number=number, at=_utc(item.get("ftime") or item.get("time")),
                                    status=status, description=item.get("context", ""),
                                    location=item.get("location") or item.get("areaName") or "",
                                    raw_state=str(item.get("statusCode") or word or state)))
    return sorted(events, key=lambda e: e.at or datetime.min)  # stable: same-second events keep their order


def _utc(text):
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S") - CHINA_UTC_OFFSET
    except ValueError:
        return None
