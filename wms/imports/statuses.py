"""What a platform's status words mean for an import. Pure: stdlib only.

An export says where each order stands on the platform in one or more columns (order status,
payment status, fulfilment status, a "cancelled at" time, an after-sale/refund status). Each word
becomes one of four verdicts:

- IMPORT: paid and waiting for us to ship it;
- HOLD: payment pending (or a word we do not know: a person decides);
- CANCELLED: cancelled, refunded, voided or closed: rejected;
- SHIPPED: already fulfilled or shipped elsewhere: rejected.

An order's verdict is the gravest of its columns' (CANCELLED > SHIPPED > HOLD > IMPORT), with
every reason. The built-in words cover Shopify, Taobao/Tmall, 拼多多, 京东 and 抖店 (the sources
are named in wms.imports.presets); a channel's saved mapping may add its own words
(`{"their word": verdict}`), which win over the built-in ones.
"""
import re

IMPORT, HOLD, CANCELLED, SHIPPED = "import", "hold", "cancelled", "shipped"
VERDICTS = (IMPORT, HOLD, CANCELLED, SHIPPED)
GRAVITY = {IMPORT: 0, HOLD: 1, SHIPPED: 2, CANCELLED: 3}
STATUS_FIELDS = ("order_status", "payment_status", "fulfillment_status", "cancelled_at", "refund_status")

# word (lower case, spaces and punctuation folded by `fold`) -> verdict
_WORDS = {
    # Shopify: Financial Status
    "paid": IMPORT, "partially_refunded": IMPORT, "pending": HOLD, "authorized": HOLD,
    "partially_paid": HOLD, "unpaid": HOLD, "expired": CANCELLED, "refunded": CANCELLED, "voided": CANCELLED,
    # Shopify: Fulfillment Status
    "unfulfilled": IMPORT, "fulfilled": SHIPPED, "shipped": SHIPPED, "partial": HOLD, "restocked": CANCELLED,
    # our template's payment words
    "已付款": IMPORT, "已支付": IMPORT, "付款": IMPORT, "待付款": HOLD, "未付款": HOLD, "已退款": CANCELLED,
    "退款": CANCELLED,
    # Taobao / Tmall 订单状态
    "等待买家付款": HOLD, "买家已付款等待卖家发货": IMPORT, "等待卖家发货即买家已付款": IMPORT,
    "等待卖家发货": IMPORT, "买家已付款": IMPORT, "卖家部分发货": HOLD, "部分发货": HOLD,
    "卖家已发货等待买家确认": SHIPPED, "买家已签收": SHIPPED, "交易成功": SHIPPED, "交易关闭": CANCELLED,
    "付款以后用户退款成功交易自动关闭": CANCELLED, "付款以前卖家或买家主动关闭交易": CANCELLED,
    "交易自动关闭": CANCELLED, "退款成功": CANCELLED, "退款中": HOLD, "买家已申请退款": HOLD,
    "没有申请退款": IMPORT, "无退款": IMPORT,
    # 拼多多 订单状态 / 售后状态
    "待发货": IMPORT, "已发货待签收": SHIPPED, "已发货": SHIPPED, "已签收": SHIPPED, "已收货": SHIPPED,
    "待支付": HOLD, "未支付": HOLD, "已取消": CANCELLED, "已关闭": CANCELLED, "无售后或售后取消": IMPORT,
    "无售后": IMPORT, "售后取消": IMPORT, "售后处理中": HOLD, "退款处理中": HOLD,
    # 京东 订单状态
    "等待出库": IMPORT, "等待付款": HOLD, "等待付款确认": HOLD, "暂停": HOLD, "锁定": HOLD,
    "等待确认收货": SHIPPED, "等待发货": IMPORT, "完成": SHIPPED, "已完成": SHIPPED, "取消": CANCELLED,
    "(删除)取消": CANCELLED, "删除取消": CANCELLED,
    # 抖店 订单状态 / 售后状态
    "备货中": IMPORT, "待确认": HOLD, "部分发货待确认收货": HOLD, "已支付待发货": IMPORT,
    "已发货待确认收货": SHIPPED, "-": IMPORT,
}
_FOLD = re.compile(r"[\s,，。.;；:：、]+")


_FOLDED = {}   # a file repeats a handful of status words on every order


def fold(word):
    """A status word as compared: lower case, spaces and punctuation removed."""
    folded = _FOLDED.get(word)
    if folded is None:
        folded = _FOLD.sub("", word or "").lower()
        if len(_FOLDED) < 10_000:
            _FOLDED[word] = folded
    return folded


BUILT_IN = {fold(word): verdict for word, verdict in _WORDS.items()}

REASONS = {
    CANCELLED: "Cancelled, refunded or closed on the platform ({column}: {word}).",
    SHIPPED: "Already fulfilled or shipped on the platform ({column}: {word}).",
    HOLD: "Payment pending on the platform ({column}: {word}).",
    "unknown": "Status not understood ({column}: {word}): map its value on the mapping page.",
}
NO_WORD = "-"


def clean_words(words):
    """A saved {their word: verdict} map with only known verdicts, keys folded; {} for anything else."""
    if not isinstance(words, dict):
        return {}
    return {fold(w): v for w, v in words.items() if isinstance(w, str) and fold(w) and v in VERDICTS}


def decide(values, columns, words=None):
    """(verdict, [(verdict, template, values)]) for an order's status cells `{field: text}`.

    `columns` names each field's column for the reasons; `words` are the channel's own words
    (folded, see clean_words). Empty cells say nothing; `cancelled_at` is a time: any means
    cancelled. A word nobody knows holds the order (a person decides), naming the word.
    """
    verdict, reasons = IMPORT, []
    for field, text in values.items():
        if not text:
            continue
        column = columns.get(field, field)
        if field == "cancelled_at":
            said, word = CANCELLED, text
        else:
            word = text
            folded = fold(text)
            said = (words or {}).get(folded) or BUILT_IN.get(folded)
            if said is None:
                said = HOLD
                reasons.append((HOLD, REASONS["unknown"], {"column": column, "word": word}))
                verdict = max(verdict, HOLD, key=GRAVITY.get)
                continue
        if said != IMPORT:   # IMPORT is the lightest verdict: it changes nothing (most cells say it)
            reasons.append((said, REASONS[said], {"column": column, "word": word}))
            verdict = max(verdict, said, key=GRAVITY.get)
    return verdict, reasons
