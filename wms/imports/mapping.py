"""Which of a seller's columns feeds which of our file fields. Pure: stdlib only.

A spreadsheet row is `{their header: text}`. A *mapping* says which of their columns feeds each of
our file fields (`{"buyer_name": "收件人"}`; a list of headers means "the first non-empty one").
This module holds our fields and template headers, recognises Shopify's orders export and the
headers of common Chinese platform exports, checks a mapping against a file's headers and compiles
it to column indexes. Rows become orders in file_plan; cell text becomes values in cells.
"""
import re

from wms.imports import presets
from wms.imports.statuses import STATUS_FIELDS

# Our file fields, in template order. Money is written in yuan in files ("99.00").
ORDER_FIELDS = (
    "external_id", "ordered_at", "buyer_name", "buyer_phone", "buyer_email", "country", "province",
    "city", "district", "address", "postcode", "total", "currency", "payment_status", "buyer_remark",
    "seller_note", "tags", "priority", "carrier_code", "presale_ship_from", "cash_on_delivery", "invoice_requested",
)
LINE_FIELDS = ("sku_code", "name", "qty", "unit_price", "list_price")
FIELDS = ORDER_FIELDS + LINE_FIELDS
REQUIRED_FIELDS = ("external_id", "sku_code")
# Columns a platform's export has beyond our template: where the order stands on the platform
# (wms.imports.statuses; payment_status is one of them too) and the item count its order row states.
EXTRA_FIELDS = tuple(f for f in STATUS_FIELDS if f not in FIELDS) + ("item_count",)
MAPPABLE = FIELDS + EXTRA_FIELDS
STATUS_VALUES = "_status_values"   # a mapping's own status words: {"their word": verdict}
EXTRA_LABELS = {
    "order_status": ("Order status", "订单状态"),
    "fulfillment_status": ("Fulfillment status", "发货状态"),
    "cancelled_at": ("Cancelled at", "取消时间"),
    "refund_status": ("After-sale status", "售后状态"),
    "item_count": ("Item count", "商品总数量"),
}

# Our template's headers (English, Chinese); both are recognised on upload.
TEMPLATE_HEADERS = {
    "external_id": ("Order number", "订单号"),
    "ordered_at": ("Order time", "下单时间"),
    "buyer_name": ("Buyer name", "收件人"),
    "buyer_phone": ("Phone", "手机"),
    "buyer_email": ("Email", "邮箱"),
    "country": ("Country", "国家"),
    "province": ("Province", "省"),
    "city": ("City", "市"),
    "district": ("District", "区"),
    "address": ("Address", "详细地址"),
    "postcode": ("Postcode", "邮编"),
    "total": ("Order total", "订单金额"),
    "currency": ("Currency", "币种"),
    "payment_status": ("Payment status", "付款状态"),
    "buyer_remark": ("Buyer remark", "买家留言"),
    "seller_note": ("Seller note", "卖家备注"),
    "tags": ("Tags", "标签"),
    "priority": ("Priority", "优先级"),
    "carrier_code": ("Carrier", "快递"),
    "presale_ship_from": ("Presale ship date", "预售发货日期"),   # a presale (wms.orders.presale) ships from then
    "cash_on_delivery": ("Cash on delivery", "货到付款"),   # yes / no (wms.imports.cells.parse_bool)
    "invoice_requested": ("Invoice requested", "需要发票"),   # yes / no, or the invoice title
    "sku_code": ("SKU", "商品编码"),
    "name": ("Item name", "商品名称"),
    "qty": ("Quantity", "数量"),
    "unit_price": ("Unit price", "单价"),
    "list_price": ("List price", "原价"),   # the list (tag) price: finance review's discount rule
}
# Other headers seen in Chinese platform exports, recognised when guessing a mapping.
ALIASES = {
    "external_id": ("订单编号", "外部订单号", "平台单号", "订单号码", "order_no", "order id", "order number"),
    "ordered_at": ("下单时间", "订单创建时间", "创建时间", "付款时间", "created at"),
    "buyer_name": ("收货人", "收件人姓名", "收货人姓名", "consignee", "recipient"),
    "buyer_phone": ("手机号", "联系电话", "收货人手机", "电话", "mobile", "telephone"),
    "province": ("省份",), "city": ("城市",), "district": ("区县", "县区"),
    "address": ("收货地址", "地址", "街道地址", "street"),
    "total": ("实付金额", "订单总额", "total"),
    "payment_status": ("支付状态", "订单状态"),
    "buyer_remark": ("买家备注", "留言"),
    "seller_note": ("卖家备忘", "备注"),
    "carrier_code": ("物流公司", "快递公司"),
    "presale_ship_from": ("预售发货时间", "预计发货时间", "presale ship date"),
    "cash_on_delivery": ("是否货到付款", "货到付款订单", "cod"),
    "invoice_requested": ("发票抬头", "是否需要发票", "是否开票", "invoice title", "invoice"),
    "sku_code": ("商家编码", "sku编码", "商品sku", "条码"),
    "name": ("商品标题", "宝贝标题", "品名"),
    "qty": ("购买数量", "件数", "qty"),
    "unit_price": ("价格", "商品单价", "price"),
    "list_price": ("吊牌价", "商品原价", "市场价", "compare at price"),
}

# Shopify's orders export (Admin > Orders > Export): see wms.imports.presets.
SHOPIFY_SIGNATURE = presets.SHOPIFY.signature
SHOPIFY_MAPPING = presets.SHOPIFY.mapping

# Channel and Chinese spellings of a payment status -> ours.
PAYMENT_WORDS = {
    "paid": "paid", "已付款": "paid", "已支付": "paid", "付款": "paid", "partially_refunded": "paid",
    "pending": "pending", "待付款": "pending", "未付款": "pending", "authorized": "pending",
    "partially_paid": "pending", "unpaid": "pending",
    "refunded": "refunded", "已退款": "refunded", "退款": "refunded", "voided": "refunded",
}


def template_headers(language="en"):
    """Our template's header row in English or Chinese."""
    index = 1 if language.startswith("zh") else 0
    return [TEMPLATE_HEADERS[field][index] for field in FIELDS]


def is_shopify_export(headers):
    """True when the headers are those of Shopify's orders export."""
    return SHOPIFY_SIGNATURE <= set(headers)


def guess_mapping(headers):
    """Best guess of {our field: their header}: a recognised export (presets), our template, known aliases."""
    preset = presets.recognise(headers)
    if preset is not None:
        mapping = presets.mapping_for(preset.mapping, headers)
        if preset is presets.SHOPIFY and "Id" in headers:
            # "Id" is the order id the Shopify API (and our Shopify sync) uses; "Name" (#1001) otherwise.
            mapping["external_id"] = "Id"
        return mapping
    lines_preset = presets.recognise_lines(headers)
    if lines_preset is not None:
        return presets.mapping_for(lines_preset.lines_mapping, headers)
    by_name = {_norm(h): h for h in headers}
    mapping = {}
    for field in FIELDS:
        for candidate in (field, *TEMPLATE_HEADERS[field], *ALIASES.get(field, ())):
            header = by_name.get(_norm(candidate))
            if header is not None and header not in mapping.values():
                mapping[field] = header
                break
    return mapping


def _norm(text):
    return re.sub(r"[\s_\-*:：()（）]", "", text).lower()


# What is wrong with one field of a mapping (English templates, translated where they are shown).
UNKNOWN_FIELD = "Unknown field."
NOT_IN_FILE = "Column '{column}' is not in the file."
MAP_A_COLUMN = "Map a column to this field."


def required_fields(lines_separate=False):
    """The fields a mapping must feed: the order number alone when the lines come in their own file."""
    return ("external_id",) if lines_separate else REQUIRED_FIELDS


def mapping_problems(mapping, headers, *, lines_separate=False):
    """Problems with a mapping against a file's headers, as [(field, English template, values)]."""
    present = set(headers)
    problems = []
    for field, source in mapping.items():
        if field == STATUS_VALUES:
            continue
        if field not in MAPPABLE:
            problems.append((field, UNKNOWN_FIELD, {}))
            continue
        for header in ([source] if isinstance(source, str) else source):
            if header not in present:
                problems.append((field, NOT_IN_FILE, {"column": header}))
    problems += [(f, MAP_A_COLUMN, {}) for f in required_fields(lines_separate) if not mapping.get(f)]
    return problems


def check_mapping(mapping, headers, *, lines_separate=False):
    """Problems with a mapping against a file's headers, as [(field, reason)]; [] if usable."""
    return [(field, template.format(**values))
            for field, template, values in mapping_problems(mapping, headers, lines_separate=lines_separate)]


def compile_mapping(mapping, headers):
    """[(field, (column index, ...))] for the fields the mapping feeds from these headers."""
    position = {h: i for i, h in enumerate(headers) if h}
    compiled = []
    for field in MAPPABLE:
        source = mapping.get(field)
        if not source:
            continue
        names = (source,) if isinstance(source, str) else tuple(source)
        indexes = tuple(position[h] for h in names if h in position)
        if indexes:
            compiled.append((field, indexes))
    return compiled


def first_filled(cells, indexes, size):
    """The first non-empty cell at these column indexes of a row of `size` cells ('' if none)."""
    for i in indexes:
        if i < size and cells[i]:
            return cells[i]
    return ""


def mapped_rows(headers, rows, mapping):
    """(row number, {our field: text}) with empty cells left out, for rows of cells."""
    compiled = compile_mapping(mapping, headers)
    for number, cells in rows:
        size = len(cells)
        mapped = {}
        for field, indexes in compiled:
            value = first_filled(cells, indexes, size)
            if value:
                mapped[field] = value
        yield number, mapped

