"""A TOP refund -> our canonical refund record (wms.channels.base.RefundSource). Pure.

Shapes followed: the `Refund` structure answered by `taobao.refunds.receive.get` (查询卖家收到的退款列表:
fields, status, type, start_modified / end_modified "yyyy-MM-dd HH:mm:ss", page_no, page_size (default 40,
at most 100), use_has_next; answer {"refunds": {"refund": [...]}, "has_next" or "total_results"}) and by
`taobao.refund.get` (获取单笔退款详情: refund_id, fields; answer {"refund": {...}}), as documented in the TOP
API reference and mirrored in bububa/opentaobao model/refund/TaobaoRefundsReceiveGetAPIRequest.go,
TaobaoRefundsReceiveGetAPIResponse.go, TaobaoRefundGetAPIRequest.go, TaobaoRefundGetAPIResponse.go and
Refund.go. The list's fields do not include the units (`num`) nor the merchant code (`outer_id`): those come
from refund.get, asked only for a refund of one sub-order of a trade with several (`oid` != `tid`; TOP
documents oid == tid for a single-order trade) or a listing that lacks a field we need.

Mapping: refund_id; tid -> external_id; has_good_return (true: the buyer sends goods back) -> return_refund,
else refund_only; status WAIT_SELLER_AGREE -> requested, WAIT_BUYER_RETURN_GOODS and
WAIT_SELLER_CONFIRM_GOODS -> agreed, SELLER_REFUSE_BUYER -> refused, CLOSED -> closed, SUCCESS -> done (the
exchange states WAIT_SELLER_CONSIGN_GOODS and WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS -> an agreed
exchange, EXCHANGE_TRANSFORM_TO_REFUND -> closed; any other word is passed on and refused by
wms.channels.refunds_rules.problems); refund_fee (yuan, "200.07") -> amount_cents exactly; reason and desc ->
reason; company_name / sid -> the return's carrier and tracking number; created (Beijing time) ->
requested_at (naive UTC); modified (Beijing time) -> the cursor (UTC ISO); lines: [] for the whole trade,
else [{sku_code: outer_id or tb-<num_iid>, qty: num}].
"""
from wms.channels.base import naive_utc_text, to_cents
from wms.channels.taobao_protocol import is_true, parse_top_time, to_cursor

RECEIVE_FIELDS = ",".join(("refund_id", "tid", "oid", "title", "total_fee", "status", "created", "modified",
                           "refund_fee", "good_status", "has_good_return", "company_name", "sid", "reason", "desc",
                           "order_status", "refund_phase"))
DETAIL_FIELDS = ",".join(("refund_id", "tid", "oid", "title", "status", "created", "modified", "refund_fee",
                          "has_good_return", "company_name", "sid", "reason", "desc", "num", "num_iid", "outer_id",
                          "sku"))
NEEDED = ("refund_id", "tid", "status", "modified", "refund_fee", "has_good_return")

STATUSES = {   # TOP refund status -> (our status, a kind that overrides has_good_return or None)
    "WAIT_SELLER_AGREE": ("requested", None),             # 买家已经申请退款，等待卖家同意
    "WAIT_BUYER_RETURN_GOODS": ("agreed", None),          # 卖家已经同意退款，等待买家退货
    "WAIT_SELLER_CONFIRM_GOODS": ("agreed", None),        # 买家已经退货，等待卖家确认收货
    "SELLER_REFUSE_BUYER": ("refused", None),             # 卖家拒绝退款
    "CLOSED": ("closed", None),                           # 退款关闭
    "SUCCESS": ("done", None),                            # 退款成功
    "WAIT_SELLER_CONSIGN_GOODS": ("agreed", "exchange"),  # 商家确认收货等待商家发货 (换货)
    "WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS": ("agreed", "exchange"),
    "EXCHANGE_TRANSFORM_TO_REFUND": ("closed", "exchange"),   # 换货关闭转退款: a new refund follows
}


def refunds_of(body):
    """The refunds of a refunds.receive.get answer body, nested as {"refund": [...]} or a plain list."""
    refunds = body.get("refunds") or []
    if isinstance(refunds, dict):
        refunds = refunds.get("refund") or []
    if not isinstance(refunds, list):
        raise ValueError("refunds is not a list")
    return refunds


def needs_detail(refund):
    """Whether the listing lacks something only refund.get tells: a needed field, or a sub-order's units."""
    if any(refund.get(name) in (None, "") for name in NEEDED):
        return True
    oid = str(refund.get("oid") or "")
    return bool(oid) and oid != str(refund.get("tid")) and refund.get("num") in (None, "")


def merge_detail(refund, detail):
    """The listing's values, completed by refund.get's (the listing's win: they belong to its window)."""
    return {**(detail or {}), **{k: v for k, v in refund.items() if v not in (None, "")}}


def change_time(refund):
    """When the refund last changed (its `modified`, Beijing time) as an aware datetime; ValueError if none."""
    modified = refund.get("modified") if isinstance(refund, dict) else None
    if not isinstance(modified, str):
        raise ValueError(f"modified is not a TOP time: {modified!r:.40}")
    return parse_top_time(modified)


def refund_cursor(refund):
    """The sync cursor of a refund: its modified time in UTC ISO form."""
    change_time(refund)
    return to_cursor(refund["modified"])


def refund_to_record(refund):
    """Map a TOP refund to our canonical refund record; ValueError on a malformed one."""
    if not isinstance(refund, dict):
        raise ValueError(f"a refund is not an object: {refund!r:.60}")
    word = str(refund.get("status") or "")
    status, kind = STATUSES.get(word, (word, None))
    try:
        amount = to_cents(refund.get("refund_fee"))
    except ValueError:
        raise ValueError(f"refund_fee is not an amount in yuan: {str(refund.get('refund_fee'))[:40]!r}") from None
    return {
        "refund_id": _text(refund.get("refund_id")),
        "external_id": _text(refund.get("tid")),
        "kind": kind or ("return_refund" if is_true(refund.get("has_good_return")) else "refund_only"),
        "status": status,
        "reason": " - ".join(t for t in (_text(refund.get("reason")), _text(refund.get("desc"))) if t),
        "amount_cents": amount,
        "return_carrier": _text(refund.get("company_name")),
        "return_tracking_number": _text(refund.get("sid")),
        "requested_at": _naive_utc(refund.get("created")),
        "lines": _lines(refund),
    }


def _lines(refund):
    """[] for a refund of the whole trade; the sub-order's SKU and units otherwise."""
    oid = str(refund.get("oid") or "")
    if not oid or oid == str(refund.get("tid")):
        return []
    try:
        qty = int(str(refund.get("num")))
    except ValueError:
        raise ValueError(f"num is not a count of units: {str(refund.get('num'))[:40]!r}") from None
    sku_code = _text(refund.get("outer_id")) or f"tb-{_text(refund.get('num_iid'))}"
    return [{"sku_code": sku_code[:64], "qty": qty}]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(f"a text field holds {type(value).__name__}")
    return str(value).strip()


def _naive_utc(top_time):
    if top_time in (None, ""):
        return None
    try:
        return naive_utc_text(parse_top_time(str(top_time)))
    except ValueError:
        raise ValueError(f"created is not a TOP time: {str(top_time)[:40]!r}") from None
