"""A JD POP order -> our canonical order record, a JD refund application -> our refund record, and
our carriers -> JD logistics company ids. Pure.

Order shape: `orderInfo` of jingdong.pop.order.search / jingdong.pop.order.get (JD's Java SDK,
com.jd.open.api.sdk.domain.order.OrderQueryJsfService.response.search.OrderSearchInfo / ItemInfo /
UserInfo): orderId, orderState, orderPayment (what the buyer pays, yuan text), freightPrice,
payType ("1-货到付款" cash on delivery, "4-在线支付" online...), orderStartTime, modified,
paymentConfirmTime, orderRemark (the buyer's words), venderRemark (the seller's note),
consigneeInfo {fullname, mobile, telephone, province, city, county, town, fullAddress},
itemInfoList [{skuId, outerSkuId, skuName, jdPrice, itemTotal, wareId}], invoiceInfo.

Finance review's facts: cash_on_delivery is payType 1 (货到付款); invoice_requested is an
`invoiceInfo` other than "不需要开具发票" (OrderSearchInfo's invoiceInfo: "发票信息: 不需要开具发票
means none, any other value: issue one", as JD's SDK documents it - e.g. "发票类型:电子发票;发票抬头:
个人;发票内容:明细"). JD gives jdPrice (the price sold at) and no list price: list_price_cents stays
empty.
Order states (jingdong.pop.order.search's order_state): WAIT_SELLER_STOCK_OUT 等待出库,
WAIT_GOODS_RECEIVE_CONFIRM 等待确认收货, WAIT_SELLER_DELIVERY 等待发货 (cross-border), PAUSE 暂停,
FINISHED_L 完成, TRADE_CANCELED 取消, LOCKED 已锁定 (the buyer asked to cancel), POP_ORDER_PAUSE.

Phones are kept as JD gives them: JD masks the consignee's mobile in search answers (138****8000)
and we do not guess the digits. JD gives the address split in four levels (province, city, county,
town) plus `fullAddress`, which repeats them at its start: `address` is fullAddress with the levels
it starts with taken off (when it does not start with them, it is kept whole).

Refund shape: `RefundApplyVo` of jingdong.pop.afs.soa.refundapply.queryPageList (退款审核单: the
refund of an order cancelled before it shipped): id, orderId, applyRefundSum (in fen, 分), status
(0 未审核, 1 审核通过, 2 审核不通过, 3 京东财务审核通过, 4 京东财务审核不通过, 5 人工审核通过,
6 拦截并退款, 7 青龙拦截成功, 8 青龙拦截失败, 9 强制关单并退款), applyTime, checkTime, reason.
Malformed input raises ValueError naming the field; the adapter turns it into a ChannelError.
"""
from decimal import Decimal, InvalidOperation

from wms.channels.base import to_cents
from wms.channels.jd_protocol import naive_utc, parse_jd_time

ORDER_STATES = ("WAIT_SELLER_STOCK_OUT", "WAIT_GOODS_RECEIVE_CONFIRM", "WAIT_SELLER_DELIVERY", "PAUSE", "FINISHED_L",
                "TRADE_CANCELED", "LOCKED", "POP_ORDER_PAUSE")
CANCELLED = "TRADE_CANCELED"
HELD_STATES = {"LOCKED", "PAUSE", "POP_ORDER_PAUSE"}   # tagged so review sees them: not to ship as they are
CASH_ON_DELIVERY = "1"
NO_INVOICE = "不需要开具发票"   # invoiceInfo when the buyer asked for none

# The orderInfo fields the adapter asks for (optional_fields): everything order_to_record reads.
OPTIONAL_FIELDS = ",".join((
    "orderId", "orderState", "orderPayment", "freightPrice", "payType", "orderStartTime", "modified",
    "paymentConfirmTime", "orderRemark", "venderRemark", "consigneeInfo", "itemInfoList", "invoiceInfo",
))

REFUND_STATUS = {0: "requested", 1: "agreed", 2: "refused", 3: "done", 4: "refused", 5: "agreed", 6: "done",
                 7: "agreed", 8: "refused", 9: "done"}

# Our carrier codes/names -> JD logistics company ids (logiCoprId). JD gives each seller the ids of
# the companies it signed with (京麦 我的配送); these are the common ones public JD clients use. A
# channel's `carrier_ids` setting overrides them.
CARRIER_IDS = {"zto": "1499", "yunda": "1327", "yd": "1327", "sto": "470", "yto": "463", "sf": "467", "ems": "465",
               "dbl": "3046", "deppon": "3046", "jd": "2087", "jdl": "2087"}
CARRIER_KEYWORDS = (("中通", "1499"), ("韵达", "1327"), ("申通", "470"), ("圆通", "463"), ("顺丰", "467"),
                    ("sf express", "467"), ("ems", "465"), ("邮政", "465"), ("德邦", "3046"), ("京东", "2087"),
                    ("jd logistics", "2087"))


def order_to_record(order):
    """Map a JD orderInfo to our canonical record (+ cancelled_at); ValueError on a malformed order."""
    if not isinstance(order, dict):
        raise ValueError(f"an order is not an object: {order!r:.60}")
    order_id = _text(order, "orderId", required=True)
    state = _text(order, "orderState", required=True)
    modified = _time(order, "modified", required=True)
    consignee = order.get("consigneeInfo")
    consignee = {} if consignee is None else consignee
    if not isinstance(consignee, dict):
        raise ValueError("consigneeInfo is not an object")
    items = order.get("itemInfoList")
    items = [] if items is None else items
    if not isinstance(items, list):
        raise ValueError("itemInfoList is not a list")
    cancelled = state == CANCELLED
    return {
        "external_id": order_id,
        "ordered_at": _time(order, "orderStartTime"),
        "buyer_name": _text(consignee, "fullname"),
        "buyer_phone": _text(consignee, "mobile") or _text(consignee, "telephone"),
        "buyer_email": "",
        "country": "CN",
        "province": _text(consignee, "province"),
        "city": _text(consignee, "city"),
        "district": _text(consignee, "county"),
        "address": street_address(consignee),
        "postcode": "",
        "total_cents": _money(order, "orderPayment"),
        "currency": "CNY",
        "payment_status": _payment_status(order, state),
        "buyer_remark": _text(order, "orderRemark"),
        "seller_note": _text(order, "venderRemark"),
        "tags": [f"jd:{state}"] if state in HELD_STATES else [],
        "priority": 0,
        "carrier_code": None,
        "cash_on_delivery": _pay_type(order) == CASH_ON_DELIVERY,
        "invoice_requested": _text(order, "invoiceInfo") not in ("", NO_INVOICE),
        "lines": [line for line in map(_line, items) if line],
        "cancelled_at": modified if cancelled else None,
    }


def order_cursor_time(order):
    """The JOS `modified` time of an order (for sorting and the cursor); ValueError when it has none."""
    value = order.get("modified") if isinstance(order, dict) else None
    if not value:
        raise ValueError("modified is missing")
    try:
        return parse_jd_time(value)
    except ValueError:
        raise ValueError(f"modified is not a JD time: {value!r:.40}") from None


def street_address(consignee):
    """fullAddress without the province / city / county / town it starts with."""
    full = _text(consignee, "fullAddress")
    rest = full
    for level in ("province", "city", "county", "town"):
        part = _text(consignee, level)
        if part and rest.startswith(part):
            rest = rest[len(part):].lstrip()
    return rest or full


def platform_sku(item):
    """The key a line names its SKU by: outerSkuId (the merchant's code), else jd-<skuId>."""
    outer = str(item.get("outerSkuId") or "").strip()
    if outer:
        return outer[:64]
    sku_id = str(item.get("skuId") or "").strip()
    if not sku_id:
        raise ValueError("an item has neither outerSkuId nor skuId")
    return f"jd-{sku_id}"


def refund_to_record(refund):
    """Map a JD RefundApplyVo to our canonical refund record; ValueError on a malformed one."""
    if not isinstance(refund, dict):
        raise ValueError(f"a refund is not an object: {refund!r:.60}")
    try:
        status = int(refund.get("status"))
    except (TypeError, ValueError):
        raise ValueError(f"refund status is not a number: {refund.get('status')!r}") from None
    if status not in REFUND_STATUS:
        raise ValueError(f"unknown refund status {status}")
    try:
        amount = int(Decimal(str(refund.get("applyRefundSum") if refund.get("applyRefundSum") is not None else "0")))
    except InvalidOperation:
        raise ValueError(f"applyRefundSum is not an amount: {refund.get('applyRefundSum')!r}") from None
    return {
        "refund_id": _text(refund, "id", required=True),
        "external_id": _text(refund, "orderId", required=True),
        "kind": "refund_only",   # a refund application is the cancellation of an order not yet shipped
        "status": REFUND_STATUS[status],
        "reason": _text(refund, "reason"),
        "amount_cents": amount,   # applyRefundSum is in fen already
        "return_carrier": "",
        "return_tracking_number": "",
        "requested_at": _time(refund, "applyTime", required=True),
        "lines": [],
    }


def refund_change_time(refund):
    """When a refund application last changed, as JOS time: its check time, else its application time."""
    return max(parse_jd_time(refund[key]) for key in ("applyTime", "checkTime") if refund.get(key))


def carrier_id(carrier, overrides=None):
    """Our carrier code or name as a JD logistics company id; a numeric code is taken as JD's id."""
    text = (carrier or "").strip()
    lowered = text.lower()
    table = {**CARRIER_IDS, **{str(k).lower(): str(v) for k, v in (overrides or {}).items()}}
    if lowered in table:
        return table[lowered]
    for keyword, code in CARRIER_KEYWORDS:
        if keyword in lowered:
            return code
    if text.isdigit():
        return text
    raise ValueError(f"no JD logistics company id for carrier {text!r}")


def _payment_status(order, state):
    if state == CANCELLED:
        return "refunded" if order.get("paymentConfirmTime") else "pending"
    if _pay_type(order) == CASH_ON_DELIVERY:
        return "pending"
    return "paid"


def _pay_type(order):
    """payType's number: "1-货到付款" -> "1"."""
    return str(order.get("payType") or "").split("-")[0].strip()


def _line(item):
    if not isinstance(item, dict):
        raise ValueError("an item of itemInfoList is not an object")
    try:
        qty = int(str(item.get("itemTotal") or "0"))
    except ValueError:
        raise ValueError(f"itemTotal is not a number: {item.get('itemTotal')!r}") from None
    if qty <= 0:
        return None
    return {"sku_code": platform_sku(item), "name": _text(item, "skuName")[:255], "qty": qty,
            "unit_price_cents": _money(item, "jdPrice")}


def _text(obj, key, required=False):
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"{key} is missing")
        return ""
    if isinstance(value, (dict, list, bool)):
        raise ValueError(f"{key} is not text: {value!r:.60}")
    return str(value).strip()


def _money(obj, key):
    try:
        return to_cents(obj.get(key))
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from None


def _time(obj, key, required=False):
    value = obj.get(key)
    if not value:
        if required:
            raise ValueError(f"{key} is missing")
        return None
    try:
        return naive_utc(value)
    except ValueError:
        raise ValueError(f"{key} is not a JD time: {value!r:.40}") from None
