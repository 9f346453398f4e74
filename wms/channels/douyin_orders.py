"""Douyin shop orders and after-sales -> our canonical records; our carriers -> Douyin company codes. Pure.

Shapes followed: the official Go SDK's order_searchList_response.go / order_orderDetail (ShopOrderListItem,
SkuOrderListItem, PostAddr) and afterSale_List_response.go (ItemsItem: aftersale_info, order_info,
text_part), as published in zsmhub/doudian-sdk. Money is integer fen (cents) everywhere; times are Unix
seconds. Receivers' names, phones and street addresses arrive encrypted or masked since 2021 (post_tel is
masked like "138****8000", the cipher is in encrypt_post_tel); decryption (order.batchDecrypt) is not done
here: the record carries the text as the platform gives it, masked if masked.

External id: the shop order's `order_id` (店铺订单号; what order.logisticsAdd addresses). A line's sku_code:
the sku order's `code` (商家编码), else `out_sku_id`, else `dy-<product_id>-<sku_id>`, so an unmapped
listing lands in the SKU mapping queue. Sku orders refunded on their own (after_sale_status 12 with
refund_status 3) are left out of an open order. A record missing a field we need, or carrying a wrong
type, raises MalformedRecord naming the field: nothing is imported half-read or silently dropped.

Presales (预售): `appointment_ship_time` (预约发货时间, Unix seconds, 0 = none) of the shop order and of
its sku orders; the latest is the order's ship-from time (wms.orders.presale).

Finance review's facts (the same Go SDK's ShopOrderListItem / SkuOrderListItem): cash_on_delivery is the
shop order's `pay_type` 0 (【支付类型】 0 货到付款, 1 微信, 2 支付宝...; an order without pay_type is not
taken as COD); a line's list_price_cents is its sku order's `origin_amount` (商品现价, fen), which is also
the unit price this adapter has always imported - the price before the order's promotions, so the
discount rule compares nothing until the unit price is taken from what the buyer paid. The order list
gives no invoice request: invoice_requested stays false.
"""
import re

from wms.channels.douyin_protocol import naive_utc
from wms.inputs import clean_text

# order_status: 1 待支付, 105 已支付, 2 备货中, 101 部分发货, 3 已发货, 4 已取消, 5 已完成
UNPAID, CANCELLED = 1, 4
CASH_ON_DELIVERY = 0   # pay_type 0: 货到付款
REFUND_DONE_AFTER_SALE, REFUND_DONE = 12, 3

# aftersale_type: 0 退货退款, 1 已发货仅退款, 2 未发货仅退款, 3 换货, 6 价保, 7 补寄, 8 维修
REFUND_KINDS = {0: "return_refund", 1: "refund_only", 2: "refund_only", 3: "exchange", 6: "refund_only",
                7: "reship", 8: "exchange"}  # repair: the goods come back and go out again, as an exchange
# aftersale_status: 6 待商家同意, 7 待买家退货, 8 待商家发货, 11 待商家二次同意, 12 售后成功,
# 3 / 13 换货待买家收货, 14 换货成功, 27 商家一次拒绝, 28 售后失败, 29 商家二次拒绝
REFUND_STATUSES = {6: "requested", 7: "agreed", 8: "agreed", 11: "agreed", 3: "agreed", 13: "agreed",
                   12: "done", 14: "done", 27: "refused", 29: "refused", 28: "closed"}
SHOP_ORDER_AFTER_SALE = 2  # aftersale_order_type 2: the whole shop order

# Our carrier codes/names -> the codes /order/logisticsCompanyList answers (kuaidi100-style names; the list
# is the platform's, confirmed here only by a third-party copy, zhowdom/whale-admin-web src/utils/mss.js).
COMPANY_CODES = {
    "sf": "shunfeng", "zto": "zhongtong", "yto": "yuantong", "sto": "shentong", "yunda": "yunda", "yd": "yunda",
    "ems": "ems", "postb": "youzhengguonei", "jd": "jd", "jdl": "jd", "dbl": "debangkuaidi",
    "deppon": "debangkuaidi", "htky": "huitongkuaidi", "best": "huitongkuaidi", "jtsd": "jtexpress",
    "jt": "jtexpress",
}
COMPANY_KEYWORDS = (
    ("顺丰", "shunfeng"), ("sf express", "shunfeng"), ("中通", "zhongtong"), ("圆通", "yuantong"),
    ("申通", "shentong"), ("韵达", "yunda"), ("邮政", "youzhengguonei"), ("ems", "ems"), ("京东", "jd"),
    ("德邦", "debangkuaidi"), ("百世", "huitongkuaidi"), ("极兔", "jtexpress"), ("j&t", "jtexpress"),
)

_GENERATED_SKU = re.compile(r"^dy-(\d+)-(\d+)$")


class MalformedRecord(ValueError):
    """An order or after-sale record without a field we need, or with a wrong type."""


def order_to_record(order):
    """Map a shop order (order.searchList / order.orderDetail JSON) to our canonical record (+ cancelled_at)."""
    _need_dict(order, "shop order")
    external_id = _need_id(order, "order_id")
    status = _need_int(order, "order_status", external_id)
    updated = _need_int(order, "update_time", external_id)
    cancelled = status == CANCELLED
    address = order.get("post_addr") or order.get("mask_post_addr") or {}
    _need_dict(address, f"order {external_id}: post_addr")
    sku_orders = order.get("sku_order_list")
    if not isinstance(sku_orders, list):
        raise MalformedRecord(f"order {external_id}: sku_order_list is not a list")
    return {
        "external_id": external_id,
        "ordered_at": naive_utc(_need_int(order, "create_time", external_id)),
        "buyer_name": clean_text(order.get("post_receiver") or order.get("mask_post_receiver")),
        "buyer_phone": clean_text(order.get("post_tel") or order.get("mask_post_tel")),
        "buyer_email": "",
        "country": "CN",
        "province": _area(address, "province"),
        "city": _area(address, "city"),
        "district": _area(address, "town"),
        "address": " ".join(part for part in (_area(address, "street"), clean_text(address.get("detail"))) if part),
        "postcode": "",
        "total_cents": _need_int(order, "pay_amount", external_id),
        "currency": "CNY",
        "payment_status": _payment_status(status, order.get("pay_time")),
        "buyer_remark": clean_text(order.get("buyer_words")),
        "seller_note": clean_text(order.get("seller_words")),
        "tags": [],
        "priority": 0,
        "carrier_code": None,
        "presale_ship_from": _presale(order, sku_orders, external_id),
        "cash_on_delivery": _pay_type(order, external_id) == CASH_ON_DELIVERY,
        "invoice_requested": False,
        "lines": [line for line in (_line(item, external_id, keep_refunded=cancelled) for item in sku_orders) if line],
        "cancelled_at": naive_utc(updated) if cancelled else None,
    }


def refund_to_record(item):
    """Map one afterSale.List item to our canonical refund record."""
    _need_dict(item, "after-sale item")
    info, order_info = item.get("aftersale_info"), item.get("order_info")
    _need_dict(info, "after-sale item: aftersale_info")
    _need_dict(order_info, "after-sale item: order_info")
    refund_id = _need_id(info, "aftersale_id")
    where = f"after-sale {refund_id}"
    kind = REFUND_KINDS.get(_need_int(info, "aftersale_type", where))
    status = REFUND_STATUSES.get(_need_int(info, "aftersale_status", where))
    if kind is None or status is None:
        raise MalformedRecord(f"{where}: unknown aftersale_type {info.get('aftersale_type')} "
                              f"or aftersale_status {info.get('aftersale_status')}")
    related = order_info.get("related_order_info") or []
    if not isinstance(related, list):
        raise MalformedRecord(f"{where}: related_order_info is not a list")
    whole = info.get("aftersale_order_type") == SHOP_ORDER_AFTER_SALE
    return {
        "refund_id": refund_id,
        "external_id": _need_id(order_info, "shop_order_id", where),
        "kind": kind,
        "status": status,
        "reason": clean_text((item.get("text_part") or {}).get("reason_text")),
        "amount_cents": _need_int(info, "refund_amount", where),
        "return_carrier": clean_text(info.get("return_logistics_company_name")) or None,
        "return_tracking_number": clean_text(info.get("return_logistics_code")) or None,
        "requested_at": naive_utc(_need_int(info, "apply_time", where)),
        "lines": [] if whole else [_refund_line(sku, where) for sku in related],
    }


def refund_updated(item):
    """The update_time (Unix seconds) of an afterSale.List item, for the cursor."""
    _need_dict(item, "after-sale item")
    _need_dict(item.get("aftersale_info"), "after-sale item: aftersale_info")
    return _need_int(item["aftersale_info"], "update_time", "after-sale item")


def platform_sku(sku_order):
    """The key a sku order names its SKU by: code, out_sku_id, else dy-<product_id>-<sku_id>."""
    for key in ("code", "out_sku_id"):
        value = clean_text(sku_order.get(key))
        if value and value != "0":
            return value[:64]
    return f"dy-{sku_order.get('product_id')}-{sku_order.get('sku_id')}"


def stock_target(key):
    """How sku.syncStock addresses a platform SKU key: product_id + sku_id for a generated key, else code."""
    found = _GENERATED_SKU.match(key or "")
    if found:
        return {"product_id": int(found.group(1)), "sku_id": int(found.group(2))}
    return {"code": key}


def company_code(carrier):
    """Our carrier code or name as a Douyin logistics company code (unknown ones lower-cased as is)."""
    text = (carrier or "").strip()
    lowered = text.lower()
    if COMPANY_CODES.get(lowered):
        return COMPANY_CODES[lowered]
    for keyword, code in COMPANY_KEYWORDS:
        if keyword in lowered:
            return code
    return lowered


def _payment_status(status, pay_time):
    if status == UNPAID:
        return "pending"
    if status == CANCELLED:
        return "refunded" if pay_time else "pending"
    return "paid"


def _line(item, external_id, keep_refunded=False):
    _need_dict(item, f"order {external_id}: sku order")
    where = f"order {external_id}, sku order {item.get('order_id')}"
    after_sale = item.get("after_sale_info") or {}
    refunded = (after_sale.get("after_sale_status") == REFUND_DONE_AFTER_SALE
                and after_sale.get("refund_status") == REFUND_DONE)
    qty = _need_int(item, "item_num", where)
    if (refunded and not keep_refunded) or qty <= 0:
        return None
    price = _need_int(item, "origin_amount", where)
    return {"sku_code": platform_sku(item), "name": clean_text(item.get("product_name"))[:255], "qty": qty,
            "unit_price_cents": price, "list_price_cents": price}


def _pay_type(order, external_id):
    """The shop order's pay_type, or None when the platform left it out."""
    if order.get("pay_type") is None:
        return None
    return _need_int(order, "pay_type", external_id)


def _presale(order, sku_orders, external_id):
    """The latest appointment_ship_time of the order and its sku orders as naive-UTC ISO text, or None."""
    times = [order.get("appointment_ship_time")] + [item.get("appointment_ship_time") for item in sku_orders
                                                    if isinstance(item, dict)]
    seconds = [_need_int({"appointment_ship_time": t}, "appointment_ship_time", external_id) for t in times if t]
    return naive_utc(max(seconds)) if seconds else None


def _refund_line(sku, where):
    _need_dict(sku, f"{where}: related order")
    code = clean_text(sku.get("shop_sku_code")) or f"dy-{sku.get('product_id')}"
    qty = sku.get("aftersale_item_num") or sku.get("item_num")
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise MalformedRecord(f"{where}: aftersale_item_num is not a whole number")
    return {"sku_code": code[:64], "qty": qty}


def _area(address, key):
    part = address.get(key) or {}
    if isinstance(part, str):
        return part.strip()
    if not isinstance(part, dict):
        raise MalformedRecord(f"post_addr.{key} is neither an object nor text")
    return clean_text(part.get("name"))


def _need_dict(value, what):
    if not isinstance(value, dict):
        raise MalformedRecord(f"{what} is not an object")


def _need_id(record, key, where=""):
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise MalformedRecord(f"{where + ': ' if where else ''}{key} is missing or not an id")
    return str(value).strip()


def _need_int(record, key, where):
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedRecord(f"{where}: {key} is missing or not a whole number ({value!r})")
    return value
