"""A TOP trade -> our canonical order record, and our carriers -> TOP logistics company codes. Pure.

External id: `tid` (the trade number; immutable and what logistics.offline.send addresses).
A line's sku_code: `outer_sku_id` (the merchant's SKU code on the SKU), else `outer_iid` (the
merchant's code on the item), else `tb-<num_iid>-<sku_id>` (or `tb-<num_iid>`) so that an
unmapped listing still lands, unmatched, in the SKU mapping queue. Sub-orders the buyer got
refunded (their own `status` TRADE_CLOSED / TRADE_CLOSED_BY_TAOBAO) are left out.

Finance review's facts: cash_on_delivery is the trade's `type` == "cod" (货到付款; TOP's Trade
structure lists the types fixed, auction, guarantee_trade, auto_delivery, ec, cod... - as in
bububa/opentaobao model/trade/Trade.go, which mirrors the TOP docs). TOP's documented Trade gives no
invoice request in the fields this adapter reads, and a sub-order's `price` is the listing's price,
the unit price we import (no separate list price): invoice_requested stays false and
list_price_cents empty.
"""
from wms.channels.base import naive_utc_text, to_cents
from wms.channels.taobao_protocol import parse_top_time

# The fields the adapter asks increment.get for: everything trade_to_record reads.
TRADE_FIELDS = ",".join((
    "tid", "status", "type", "payment", "post_fee", "buyer_nick", "buyer_message", "seller_memo",
    "receiver_name", "receiver_state", "receiver_city", "receiver_district", "receiver_town",
    "receiver_address", "receiver_zip", "receiver_mobile", "receiver_phone", "created", "modified",
    "pay_time", "orders.oid", "orders.status", "orders.refund_status", "orders.outer_sku_id",
    "orders.outer_iid", "orders.title", "orders.num", "orders.price", "orders.sku_id", "orders.num_iid",
))

PENDING_STATUSES = {"TRADE_NO_CREATE_PAY", "WAIT_BUYER_PAY", "PAY_PENDING", "WAIT_PRE_AUTH_CONFIRM",
                    "PAID_FORBID_CONSIGN"}  # the last: 拼团中, paid but may not ship yet
COD_TYPE = "cod"   # Trade.type of a cash-on-delivery trade (货到付款)
CLOSED_STATUSES = {"TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO"}
# TRADE_CLOSED after payment = refunded in full; TRADE_CLOSED_BY_TAOBAO = closed unpaid.
PAYMENT_STATUS = {"TRADE_CLOSED": "refunded", "TRADE_CLOSED_BY_TAOBAO": "pending"}

# Our carrier codes/names -> TOP logistics company codes (taobao.logistics.companies.get): an
# exact code first, then a name containing one of the keywords ("顺丰速运", "SF Express", "中通快递").
COMPANY_CODES = {
    "sf": "SF", "zto": "ZTO", "yto": "YTO", "sto": "STO", "yunda": "YUNDA", "yd": "YUNDA", "ems": "EMS",
    "postb": "POSTB", "jd": "JD", "jdl": "JD", "dbl": "DBL", "deppon": "DBL", "htky": "HTKY",
    "best": "HTKY", "jtsd": "JTSD", "jt": "JTSD",
}
COMPANY_KEYWORDS = (
    ("顺丰", "SF"), ("sf express", "SF"), ("shunfeng", "SF"), ("中通", "ZTO"), ("圆通", "YTO"),
    ("申通", "STO"), ("韵达", "YUNDA"), ("yunda", "YUNDA"), ("邮政", "POSTB"), ("ems", "EMS"),
    ("京东", "JD"), ("jd logistics", "JD"), ("德邦", "DBL"), ("deppon", "DBL"), ("百世", "HTKY"),
    ("极兔", "JTSD"), ("j&t", "JTSD"),
)


def trade_to_record(trade):
    """Map a TOP trade (increment.get / fullinfo.get JSON) to our canonical record (+ cancelled_at)."""
    status = trade.get("status") or ""
    closed = status in CLOSED_STATUSES
    payment = PAYMENT_STATUS.get(status) or ("pending" if status in PENDING_STATUSES else "paid")
    return {
        "external_id": str(trade["tid"]),
        "ordered_at": _naive_utc(trade.get("created")),
        "buyer_name": (trade.get("receiver_name") or "").strip(),
        "buyer_phone": (trade.get("receiver_mobile") or trade.get("receiver_phone") or "").strip(),
        "buyer_email": "",
        "country": "CN",
        "province": (trade.get("receiver_state") or "").strip(),
        "city": (trade.get("receiver_city") or "").strip(),
        "district": (trade.get("receiver_district") or "").strip(),
        "address": " ".join(part.strip() for part in (trade.get("receiver_town"), trade.get("receiver_address"))
                            if part and part.strip()),
        "postcode": (trade.get("receiver_zip") or "").strip(),
        "total_cents": to_cents(trade.get("payment")),
        "currency": "CNY",
        "payment_status": payment,
        "buyer_remark": (trade.get("buyer_message") or "").strip(),
        "seller_note": (trade.get("seller_memo") or "").strip(),
        "tags": [],
        "priority": 0,
        "carrier_code": None,
        "cash_on_delivery": (trade.get("type") or "") == COD_TYPE,
        "invoice_requested": False,
        # A closed trade keeps its lines (it is cancelled whole); an open one drops refunded sub-orders.
        "lines": [line for line in (_line(order, keep_closed=closed) for order in trade_orders(trade)) if line],
        "cancelled_at": _naive_utc(trade.get("modified") or trade.get("created")) if closed else None,
    }


def trade_orders(trade):
    """A trade's sub-orders, whether nested as {"order": [...]} or (simplify=true) a plain list."""
    orders = trade.get("orders") or []
    if isinstance(orders, dict):
        orders = orders.get("order") or []
    return orders


def platform_sku(order):
    """The key a sub-order names its SKU by: outer_sku_id, outer_iid, else tb-<num_iid>-<sku_id>."""
    for key in ("outer_sku_id", "outer_iid"):
        value = str(order.get(key) or "").strip()
        if value:
            return value[:64]
    num_iid, sku_id = order.get("num_iid"), order.get("sku_id")
    return f"tb-{num_iid}-{sku_id}" if sku_id else f"tb-{num_iid}"


def company_code(carrier):
    """Our carrier code or name as a TOP logistics company code (unknown ones upper-cased as is)."""
    text = (carrier or "").strip()
    lowered = text.lower()
    if lowered in COMPANY_CODES:
        return COMPANY_CODES[lowered]
    for keyword, code in COMPANY_KEYWORDS:
        if keyword in lowered:
            return code
    return text.upper()


def _line(order, keep_closed=False):
    if not keep_closed and (order.get("status") or "") in CLOSED_STATUSES:
        return None  # this sub-order was refunded on its own
    qty = int(order.get("num") or 0)
    if qty <= 0:
        return None
    return {"sku_code": platform_sku(order), "name": (order.get("title") or "").strip()[:255],
            "qty": qty, "unit_price_cents": to_cents(order.get("price"))}


def _naive_utc(top_time):
    return naive_utc_text(parse_top_time(top_time)) if top_time else None
