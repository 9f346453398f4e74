"""4PX (递四方) adapter: 直发委托单 (parcels to other countries) through the 4PX Open Platform (FOP).

The documented wire format followed here (4PX Open Platform, open.4px.com/apiInfo: "ds.xms.order.create"
apiDetail?itemId=2&mainId=96, "ds.xms.order.cancel" mainId=99, "tr.order.tracking.get" itemId=6&mainId=25;
read through 4PX's own integration notes and the fop-sdk client, github.com/EalenXie/sdk-all fop-sdk/
FopClient.java and direct/dto/*.java):

- One gateway: ``POST {api_url}/router/api/service`` (production https://open.4px.com, test
  https://open-test.4px.com). The common parameters go in the query string: ``app_key``, ``format``
  (``json``), ``method``, ``timestamp`` (ms), ``v`` (``1.1.0`` for order create, ``1.0.0`` for cancel and
  tracking), ``sign``; the business parameters are the JSON body (``Content-Type: application/json``).
- ``sign`` = lower-case hex MD5 of ``"app_key" + app_key + "format" + format + "method" + method +
  "timestamp" + timestamp + "v" + v`` (names ascending, no ``=`` or ``&``) followed by the body text and
  the app secret. ``access_token`` and ``language`` are not signed.
- Answer: ``{"result": "1" | "0", "msg": ..., "errors": [{"error_code", "error_msg", ...}], "data": ...}``;
  ``result`` "1" is success. A business refusal is ``result`` "0" with ``errors``; an unknown method
  or a rejected signature may come back as HTTP 500 with an ``ApiException`` text instead of JSON.
- ``ds.xms.order.create`` body: ``ref_no`` (our id, unique per account: the parcel, so a resend never
  makes a second parcel), ``business_type`` ``BDS``, ``duty_type`` (``U`` DDU / ``P`` DDP), ``vat_no``,
  ``ioss_no`` (EU VAT reform), ``logistics_service_info.logistics_product_code``, ``parcel_list``
  [{``weight`` (g, integer), ``parcel_value``, ``currency``, ``include_battery``, ``declare_product_info``
  [{``declare_product_name_cn`` (must contain Chinese), ``declare_product_name_en`` (no Chinese),
  ``declare_product_code_qty``, ``declare_unit_price_export`` / ``_import``, ``currency_export`` /
  ``_import``, ``hscode_export`` / ``_import``, ``origin_country``, ``material``, ``package_remarks``}]}],
  ``sender`` / ``recipient_info`` {``first_name``, ``company``, ``phone``, ``email``, ``post_code``,
  ``country``, ``state``, ``city``, ``district``, ``street``}, ``deliver_type_info.deliver_type``
  (1 pick-up, 2 courier to the 4PX warehouse, 3 delivered by us). Answer ``data``: ``ref_no``,
  ``4px_tracking_no`` (4PX's number), ``label_barcode`` (the number printed as the barcode),
  ``logistics_channel_no`` (the last-mile carrier's number; may be empty at first),
  ``logistics_channel_name``, ``ds_consignment_no``. A second create with a ref_no 4PX already holds
  is refused ("此单已存在"); the adapter then reads that consignment with ``ds.xms.order.get``
  {``request_no``: ref_no} (answer: [{``consignment_info``: {``4px_tracking_no``, ``ref_no``,
  ``logistics_channel_no``, ``ds_consignment_no``, ...}}]), so a resend after a timeout gets the same
  parcel, never a second one. The tracking number kept is ``4px_tracking_no`` (both answers carry it).
- ``ds.xms.order.cancel`` body: ``request_no`` (the 4PX number or ``ref_no`` only), ``cancel_reason``.
- ``tr.order.tracking.get`` body ``{"deliveryOrderNo": number}``; answer ``data`` {``deliveryOrderNo``,
  ``destinationCountry``, ``trackingList`` [{``occurDatetime``, ``trackingContent``, ``occurLocation``,
  ``businessLinkCode``}]} (fop-sdk track/vo). The sources list no businessLinkCode values, so an event's
  status is read from its words (STATUS_WORDS). 4PX pushes no tracking to us: `parse_webhook` refuses
  every push and tracking is polled.

Failures: a refused signature or unknown app key is AUTH_FAILED (not retryable: fix the settings); a
refusal naming the address is ADDRESS_REJECTED; one naming balance or credit is QUOTA_EXCEEDED; a
refusal of the declaration (品名, 申报, HS, IOSS) is CARRIER_ERROR with 4PX's own words, not retryable;
no answer in time is TIMEOUT and a 5xx without business errors CARRIER_ERROR, both retryable.

Settings (Carrier.settings): api_url, app_key, app_secret, product_code (logistics_product_code),
duty_type, deliver_type, timeout_s.
"""
import hashlib
import json
import time
from datetime import datetime, timedelta

import requests

from wms.shipping.carriers import register
from wms.shipping.carriers.base import (
    ADDRESS_REJECTED, AUTH_FAILED, BAD_SIGNATURE, CARRIER_ERROR, EXCEPTION, IN_TRANSIT, OUT_FOR_DELIVERY,
    PICKED_UP, QUOTA_EXCEEDED, RETURNED, SIGNED, TIMEOUT, CarrierAdapter, TrackingEvent, WaybillError,
    WaybillResult)

GATEWAY = "/router/api/service"
CREATE, GET, CANCEL, TRACK = "ds.xms.order.create", "ds.xms.order.get", "ds.xms.order.cancel", "tr.order.tracking.get"
VERSIONS = {CREATE: "1.1.0", GET: "1.1.0", CANCEL: "1.0.0", TRACK: "1.0.0"}
CHINA_UTC_OFFSET = timedelta(hours=8)
# A tracking event's status from its words (the sources read list no businessLinkCode values): the
# first group whose word the content holds; anything else is in transit.
STATUS_WORDS = ((EXCEPTION, ("异常", "滞留", "失败", "exception", "failed", "held")),
                (RETURNED, ("退回", "退件", "return")),
                (SIGNED, ("签收", "妥投", "delivered")),
                (OUT_FOR_DELIVERY, ("派送", "out for delivery")),
                (PICKED_UP, ("揽收", "收件", "picked up", "received")))
_AUTH_WORDS = ("sign", "签名", "app_key", "appkey", "授权", "access_token")
_ADDRESS_WORDS = ("address", "地址", "post_code", "postcode", "邮编", "recipient", "收件人")
_QUOTA_WORDS = ("balance", "余额", "credit", "欠费", "额度")


def sign(app_key, method, timestamp, version, body, secret, fmt="json"):
    """FOP sign: lower(MD5("app_key{k}format{f}method{m}timestamp{t}v{v}" + body + secret))."""
    text = f"app_key{app_key}format{fmt}method{method}timestamp{timestamp}v{version}{body}{secret}"
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@register("fourpx")
class FourPxAdapter(CarrierAdapter):
    def __init__(self, settings):
        super().__init__(settings)
        self.api_url = (settings.get("api_url") or "https://open.4px.com").rstrip("/")
        self.app_key, self.app_secret = settings.get("app_key", ""), settings.get("app_secret", "")
        self.timeout = float(settings.get("timeout_s") or 10)

    # --- 直发委托单 ------------------------------------------------------------------------------

    def create_waybill(self, request):
        try:
            data = self._call(CREATE, order_body(request, self.settings)) or {}
        except WaybillError as error:
            if not _already_exists(error):
                raise
            data = self._existing(request.client_order_id)   # a resend after a timeout: the parcel 4PX has
        number = data.get("4px_tracking_no")
        if not number:
            raise WaybillError(CARRIER_ERROR, "the answer carries no 4px_tracking_no")
        product = self.settings.get("product_code", "")
        sort = " ".join(part for part in (request.recipient.country, product) if part)
        return WaybillResult(tracking_number=str(number), carrier_order_id=str(data.get("ds_consignment_no") or number),
                             sort_code=sort, raw=data)

    def _existing(self, ref_no):
        """The consignment 4PX already holds for our ref_no (ds.xms.order.get), as create's data."""
        found = self._call(GET, {"request_no": ref_no}) or []
        for order in found if isinstance(found, list) else [found]:
            info = order.get("consignment_info") or {}
            if info.get("ref_no") == ref_no and info.get("4px_tracking_no"):
                return info
        raise WaybillError(CARRIER_ERROR, f"4PX says {ref_no} exists but does not return it")

    def cancel_waybill(self, tracking_number, carrier_order_id="", reason=""):
        """4PX cancels by its own number or our ref_no only (not the consignment number)."""
        self._call(CANCEL, {"request_no": tracking_number, "cancel_reason": (reason or "cancelled")[:100]})

    # --- tracking -------------------------------------------------------------------------------

    def query_tracking(self, tracking_number, phone=""):
        data = self._call(TRACK, {"deliveryOrderNo": tracking_number}) or {}
        events = []
        for item in data.get("trackingList") or []:
            code = str(item.get("businessLinkCode") or "")
            events.append(TrackingEvent(tracking_number=tracking_number, at=_utc(item.get("occurDatetime")),
                                        status=event_status(str(item.get("trackingContent") or "")),
                                        description=str(item.get("trackingContent") or ""),
                                        location=str(item.get("occurLocation") or ""), raw_state=code))
        return sorted(events, key=lambda e: e.at or datetime.min)

    def parse_webhook(self, headers, body):
        raise WaybillError(BAD_SIGNATURE, "4PX pushes no tracking; its parcels are polled", retryable=False)

    # --- the gateway ----------------------------------------------------------------------------

    def _call(self, method, body):
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        timestamp, version = str(int(time.time() * 1000)), VERSIONS[method]
        query = {"app_key": self.app_key, "format": "json", "method": method, "timestamp": timestamp, "v": version,
                 "sign": sign(self.app_key, method, timestamp, version, text, self.app_secret)}
        try:
            response = requests.post(self.api_url + GATEWAY, params=query, data=text.encode("utf-8"),
                                     headers={"Content-Type": "application/json;charset=UTF-8"}, timeout=self.timeout)
        except requests.Timeout:
            raise WaybillError(TIMEOUT, f"no answer within {self.timeout:g}s") from None
        except requests.RequestException as error:
            raise WaybillError(CARRIER_ERROR, f"network error: {type(error).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            raise _http_error(response.status_code, response.text[:200]) from None
        if str(answer.get("result")) == "1":
            return answer.get("data")
        raise refusal(answer, response.status_code)


def order_body(request, settings):
    """The ds.xms.order.create body of a waybill request (its `customs` is the declaration)."""
    customs = request.customs
    currency = customs.currency if customs else "USD"
    items = [{"declare_product_name_cn": item.name_cn[:60], "declare_product_name_en": item.name_en[:60],
              "declare_product_code_qty": str(item.qty), "declare_unit_price_export": item.unit_value_cents / 100,
              "currency_export": currency, "declare_unit_price_import": item.unit_value_cents / 100,
              "currency_import": currency, "hscode_export": item.hs_code, "hscode_import": item.hs_code,
              "origin_country": item.origin, "material": item.material[:60], "package_remarks": item.sku_code}
             for item in (customs.items if customs else ())]
    body = {"ref_no": request.client_order_id, "business_type": "BDS",
            "duty_type": settings.get("duty_type") or "U", "cargo_type": "5",
            "logistics_service_info": {"logistics_product_code": settings.get("product_code", "")},
            "parcel_list": [{"weight": max(int(request.weight_g), 1), "parcel_value": (customs.value_cents if customs else 0) / 100,
                             "currency": currency, "include_battery": "N", "declare_product_info": items}],
            "sender": _party(request.sender), "recipient_info": _party(request.recipient),
            "deliver_type_info": {"deliver_type": str(settings.get("deliver_type") or "1")}}
    if customs and customs.ioss_number:
        body["ioss_no"] = customs.ioss_number
    if customs and customs.vat_number:
        body["vat_no"] = customs.vat_number
    return body


def event_status(content):
    """The normalised status of a 4PX tracking line, by its words."""
    lowered = content.lower()
    for status, words in STATUS_WORDS:
        if any(word in lowered for word in words):
            return status
    return IN_TRANSIT


def _party(address):
    return {"first_name": address.name, "company": address.company, "phone": address.phone,
            "post_code": address.postcode, "country": address.country or "CN", "state": address.province,
            "city": address.city, "district": address.district, "street": address.address}


def refusal(answer, status=200):
    """The WaybillError of a `result` "0" answer, by what 4PX's errors say."""
    errors = answer.get("errors") or []
    words = "; ".join(f"{e.get('error_code', '')} {e.get('error_msg', '')}".strip() for e in errors)
    words = words or str(answer.get("msg") or f"HTTP {status}")
    lowered = words.lower()
    if any(word in lowered for word in _AUTH_WORDS):
        return WaybillError(AUTH_FAILED, words, retryable=False)
    if any(word in lowered for word in _QUOTA_WORDS):
        return WaybillError(QUOTA_EXCEEDED, words)
    if any(word in lowered for word in _ADDRESS_WORDS):
        return WaybillError(ADDRESS_REJECTED, words)
    if status >= 500 and not errors:
        return WaybillError(CARRIER_ERROR, words)
    return WaybillError(CARRIER_ERROR, words, retryable=False)


def _already_exists(error):
    """4PX refuses a second create with the same ref_no ("已存在"): the first one went through."""
    return error.reason == CARRIER_ERROR and ("已存在" in error.message or "already exist" in error.message.lower())


def _http_error(status, text):
    if "sign" in text.lower() or "签名" in text:
        return WaybillError(AUTH_FAILED, f"HTTP {status}: {text}", retryable=False)
    return WaybillError(CARRIER_ERROR, f"HTTP {status}: not JSON")


def _utc(text):
    if text in (None, ""):
        return None
    if isinstance(text, (int, float)):   # epoch milliseconds
        return datetime.utcfromtimestamp(text / 1000)
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S") - CHINA_UTC_OFFSET
    except ValueError:
        return None
