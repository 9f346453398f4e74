"""A Pinduoduo order / after-sales record -> our canonical records; our carriers -> PDD's logistics
companies. Pure.

Fields read (pdd.order.number.list.increment.get / pdd.order.information.get, as typed by
lywzx/pdd-node-sdk packages/pdd-origin-api/src/dingDan/*; after-sales from
pdd.refund.list.increment.get's page): order_sn (the external id: "yyMMdd-<digits>", what
logistics.online.send addresses), created_time, updated_at (Beijing time, "yyyy-MM-dd HH:mm:ss"),
pay_time, confirm_status (0 未成交, 1 已成交, 2 已取消), group_status (0 拼团中, 1 已成团, 2 团失败),
order_status (1 待发货, 2 已发货待签收, 3 已签收), refund_status (1 无售后或售后关闭, 2 售后处理中,
3 退款中, 4 退款成功), pay_amount (= goods_amount - discount_amount + postage, yuan; PDD answers
money as JSON numbers or strings), province / city / town (the district), buyer_memo, remark,
item_list [{goods_id, sku_id, outer_id (the SKU's merchant code), outer_goods_id, goods_name,
goods_price, goods_count}], is_pre_sale (1: a presale, 预售) with pre_sale_time (预售时间, Beijing time:
the ship-from time; both as typed in the public SDKs' order information), invoice_status (发票申请:
1 有, 0 无) and pay_type (支付方式: QQ, WEIXIN, ALIPAY, LIANLIANPAY).

Finance review's facts: invoice_requested is invoice_status 1. PDD's pay_type has no cash on
delivery (its documented values are the four online ones above): cash_on_delivery stays false. A
line's goods_price is the price sold at and PDD gives no list price: list_price_cents stays empty.

Receiver data (脱敏 / 加密): since PDD's data-security change, receiver_name, receiver_phone and
receiver_address come as ciphertext ("~...~", "$...$") while the order waits to ship and as ""
otherwise; only PDD's own cloud (多多云, pdd.open.decrypt.batch) may decrypt them, and PDD asks
for the ciphertext to be kept as it is (FAQ "常见FAQ", API调用场景 / 订单查询,
https://open.pinduoduo.com/application/document/browse?idStr=3155CCB725082A31). Records carry
the masked copies the answer gives beside them (receiver_name_mask "林*坤", receiver_phone_mask,
receiver_address_mask: the street part; field names as in a public example answer, which no API
page in our sources lists): the buyer's phone is therefore masked as PDD masks it. A plaintext
value (an answer from before the change) is used when no mask is given; a ciphertext never.

A line's sku_code: outer_id, else outer_goods_id, else `pdd-<goods_id>-<sku_id>` so that an
unmapped listing still lands, unmatched, in the SKU mapping queue (and push_stock can address it).
A malformed answer (a missing order_sn, time or money; a non-list item_list) is a ChannelError
naming the order, never a crash or a silently dropped order.
"""
from wms.channels.base import ChannelError, naive_utc_text, to_cents
from wms.channels.pdd_protocol import is_ciphertext, parse_pdd_time, parse_unix

SKU_PREFIX = "pdd-"
CANCELLED_CONFIRM, FAILED_GROUP = 2, 2
UNCONFIRMED, GROUPING = 0, 0
REFUND_DONE = 4
INVOICE_ASKED = 1   # invoice_status: 发票申请, 1 有

# after_sales_type -> our refund kind (1 = 全部 is a query value only)
REFUND_KINDS = {2: "refund_only", 3: "return_refund", 4: "exchange", 5: "reship", 6: "exchange"}
# after_sales_status -> our refund status
REFUND_STATUS = {
    2: "requested", 3: "requested", 8: "requested", 14: "requested", 21: "requested", 33: "requested",
    4: "agreed", 5: "agreed", 7: "agreed", 15: "agreed", 18: "agreed", 22: "agreed", 27: "agreed", 31: "agreed",
    32: "agreed",
    6: "refused", 9: "refused",
    11: "closed", 12: "closed", 13: "closed", 17: "closed", 24: "closed", 0: "closed",
    10: "done", 16: "done", 25: "done",
}

# Our carrier codes -> words that name the company in pdd.logistics.companies.get
CARRIER_WORDS = {
    "sf": ("顺丰",), "zto": ("中通",), "yto": ("圆通",), "sto": ("申通",), "yunda": ("韵达",), "yd": ("韵达",),
    "ems": ("EMS", "邮政"), "postb": ("邮政",), "jd": ("京东",), "jdl": ("京东",), "dbl": ("德邦",),
    "deppon": ("德邦",), "best": ("百世",), "htky": ("百世",), "jtsd": ("极兔",), "jt": ("极兔",),
}


def order_to_record(order):
    """Map a PDD order (increment list or information.get) to our canonical record (+ cancelled_at)."""
    if not isinstance(order, dict):
        raise ChannelError.worded("Pinduoduo answered an order that is not an object: {value}",
                                  value=repr(order)[:80])
    order_sn = str(order.get("order_sn") or "").strip()
    if not order_sn:
        raise ChannelError("Pinduoduo answered an order without order_sn")
    try:
        return _record(order, order_sn)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ChannelError.worded("Pinduoduo answered order {order} in a shape we cannot read: {error}",
                                  order=order_sn, error=str(error)[:200], details={"external_id": order_sn}) from None


def updated_at(order):
    """The order's last update as an aware datetime (the sync cursor's source)."""
    return parse_pdd_time(order.get("updated_at"))


def _record(order, order_sn):
    updated = updated_at(order)
    confirm, group = _int(order.get("confirm_status"), 1), _int(order.get("group_status"), 1)
    refund = _int(order.get("refund_status"), 1)
    cancelled = confirm == CANCELLED_CONFIRM or group == FAILED_GROUP or refund == REFUND_DONE
    paid = bool(order.get("pay_time"))
    if refund == REFUND_DONE or (cancelled and paid):
        payment = "refunded"
    elif cancelled or confirm == UNCONFIRMED or group == GROUPING or not paid:
        payment = "pending"   # 拼团中: paid, but PDD forbids shipping until the group forms
    else:
        payment = "paid"
    items = order.get("item_list")
    if not isinstance(items, list):
        raise ValueError("item_list is not a list")
    return {
        "external_id": order_sn,
        "ordered_at": naive_utc_text(parse_pdd_time(order["created_time"])) if order.get("created_time") else None,
        "buyer_name": _receiver(order, "receiver_name"),
        "buyer_phone": _receiver(order, "receiver_phone"),
        "buyer_email": "",
        "country": "CN",
        "province": _text(order.get("province")),
        "city": _text(order.get("city")),
        "district": _text(order.get("town")),
        "address": _receiver(order, "receiver_address"),
        "postcode": "",
        "total_cents": _cents(order.get("pay_amount"), "pay_amount"),
        "currency": "CNY",
        "payment_status": payment,
        "buyer_remark": _text(order.get("buyer_memo")),
        "seller_note": _text(order.get("remark")),
        "tags": [],
        "priority": 0,
        "carrier_code": None,
        "presale_ship_from": _presale(order),
        "cash_on_delivery": False,   # pay_type is always an online payment (see the docstring)
        "invoice_requested": _int(order.get("invoice_status"), 0) == INVOICE_ASKED,
        "lines": [line for line in (_line(item) for item in items) if line],
        "cancelled_at": naive_utc_text(updated) if cancelled else None,
    }


def _presale(order):
    """A presale's ship-from time (is_pre_sale 1 + pre_sale_time) as naive-UTC ISO text, else None."""
    if _int(order.get("is_pre_sale"), 0) != 1 or not _text(order.get("pre_sale_time")):
        return None
    return naive_utc_text(parse_pdd_time(order["pre_sale_time"]))


def _receiver(order, field):
    """The masked copy PDD sends beside an encrypted receiver field; a plaintext value when there is
    no mask; never a ciphertext."""
    masked = _text(order.get(f"{field}_mask"))
    if masked:
        return masked
    plain = _text(order.get(field))
    return "" if is_ciphertext(plain) else plain


def platform_sku(item):
    """The key a line names its SKU by: outer_id, outer_goods_id, else pdd-<goods_id>-<sku_id>."""
    for key in ("outer_id", "outer_goods_id"):
        value = _text(item.get(key))
        if value:
            return value[:64]
    goods_id, sku_id = _text(item.get("goods_id")), _text(item.get("sku_id"))
    if not goods_id:
        raise ValueError("an item has neither a merchant code nor a goods_id")
    return f"{SKU_PREFIX}{goods_id}-{sku_id}" if sku_id else f"{SKU_PREFIX}{goods_id}"


def parse_platform_sku(text):
    """(goods_id, sku_id) of a `pdd-<goods_id>-<sku_id>` key, or None for a merchant code."""
    if not text.startswith(SKU_PREFIX):
        return None
    goods_id, _, sku_id = text[len(SKU_PREFIX):].partition("-")
    if not goods_id.isdigit() or (sku_id and not sku_id.isdigit()):
        return None
    return goods_id, sku_id or None


def _line(item):
    if not isinstance(item, dict):
        raise ValueError(f"an item is not an object: {item!r}"[:120])
    qty = _int(item.get("goods_count"), None)
    if qty is None:
        raise ValueError("an item has no goods_count")
    if qty <= 0:
        return None
    return {"sku_code": platform_sku(item), "name": _text(item.get("goods_name"))[:255], "qty": qty,
            "unit_price_cents": _cents(item.get("goods_price"), "goods_price")}


# --- after-sales ---------------------------------------------------------------------------

def refund_to_record(refund):
    """Map one pdd.refund.list.increment.get row to the canonical refund record of base.RefundSource."""
    if not isinstance(refund, dict):
        raise ChannelError.worded("Pinduoduo answered an after-sales row that is not an object: {value}",
                                  value=repr(refund)[:80])
    refund_id = _text(refund.get("id"))
    try:
        if not refund_id:
            raise ValueError("no id")
        order_sn = _text(refund.get("order_sn"))
        if not order_sn:
            raise ValueError("no order_sn")
        status = REFUND_STATUS.get(_int(refund.get("after_sales_status"), None))
        if status is None:
            raise ValueError(f"unknown after_sales_status {refund.get('after_sales_status')!r}")
        qty = _int(refund.get("goods_number"), 0)
        lines = []
        if qty > 0 and (refund.get("outer_id") or refund.get("outer_goods_id") or refund.get("goods_id")):
            lines = [{"sku_code": platform_sku(refund), "qty": qty}]
        return {
            "refund_id": refund_id,
            "external_id": order_sn,
            "kind": REFUND_KINDS.get(_int(refund.get("after_sales_type"), 2), "refund_only"),
            "status": status,
            "reason": _text(refund.get("after_sale_reason")),
            "amount_cents": _cents(refund.get("refund_amount"), "refund_amount"),
            "return_carrier": _text(refund.get("shipping_name")),
            "return_tracking_number": _text(refund.get("tracking_number")),
            "requested_at": naive_utc_text(parse_unix(refund.get("created_time"))),
            "lines": lines,
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ChannelError.worded("Pinduoduo answered after-sales {refund} in a shape we cannot read: {error}",
                                  refund=refund_id or "?", error=str(error)[:200],
                                  details={"refund_id": refund_id}) from None


def refund_updated(refund):
    """An after-sales row's updated_time (UNIX seconds) as an aware datetime."""
    return parse_unix(refund.get("updated_time"))


# --- carriers ------------------------------------------------------------------------------

def logistics_id_for(carrier, companies):
    """The id of the available PDD logistics company for our carrier code or name, or None.

    `companies`: pdd.logistics.companies.get's [{id, logistics_company, code, available}]; an exact
    `code` match first (case-insensitive), then our code's words (or, for a carrier's full name such as
    "顺丰速运", the words it holds: the write-back sends our carrier's name), then the carrier's own name
    inside the company name."""
    text = (carrier or "").strip()
    usable = [c for c in companies if isinstance(c, dict) and _int(c.get("available"), 1) == 1 and c.get("id") is not None]
    for company in usable:
        if text and _text(company.get("code")).lower() == text.lower():
            return company["id"]
    words = CARRIER_WORDS.get(text.lower(), ()) or tuple(
        dict.fromkeys(word for known in CARRIER_WORDS.values() for word in known if len(text) >= 2 and word in text))
    for company in usable:
        name = _text(company.get("logistics_company"))
        if any(word in name for word in words) or (len(text) >= 2 and text in name):
            return company["id"]
    return None


# --- values --------------------------------------------------------------------------------

def _text(value):
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _int(value, default):
    if value in (None, ""):
        return default
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError(f"not a whole number: {value!r}")
    return int(str(value).strip()) if not isinstance(value, float) else int(value)


def _cents(value, field):
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueError(f"{field} is not a money amount: {value!r}")
    if value in (None, ""):
        raise ValueError(f"{field} is missing")
    return to_cents(value)
