"""The exports sellers really have, recognised with no mapping. Pure: stdlib only.

A preset is a platform's export layout: the headers that identify it (`signature`, all present),
and the mapping of its columns to our fields, with fallback lists (the first filled of several
columns, e.g. a changed address before the original one). `recognise(headers)` names the preset
of an orders file (and `recognise_lines` of a separate lines file); the upload page says which.

Sources of the layouts (column names as the platforms export them; found with the search tool in
public parsers and import templates, and checked against each other):

- Shopify "Export orders" CSV: Shopify Help Center, "Exporting orders" (help.shopify.com
  /manual/fulfillment/managing-orders/exporting-orders): one row per line item, the order's own
  columns on its first row only, `Name` on every row; Financial Status, Fulfillment Status,
  Cancelled at, Currency.
- Taobao/Tmall 已卖出的宝贝 → 订单报表 (ExportOrderList*.csv) + 宝贝报表 (ExportOrderDetailList*.csv):
  the 订单报表 header row quoted in a public Java Taobao print tool's TaobaoUtil reader (订单编号
  买家会员名 买家支付宝账号 买家应付货款 … 订单状态 买家留言 收货人姓名 收货地址 运送方式 联系电话 联系手机
  订单创建时间 订单付款时间 宝贝标题 宝贝种类 物流单号 物流公司 订单备注 宝贝总数量 …), a Go `OrderInfo` bean
  and a public R script joining the two reports on 订单编号 after stripping `=` and `'`; the
  宝贝报表 columns (订单编号/主订单编号 标题 价格 购买数量 外部系统编号 商品属性 套餐信息 备注 订单状态 商家编码)
  from a public pandas Tmall reconciliation script.
- 拼多多 商家后台 订单导出: a public pandas PDD sales script's column constants (商品 订单号 订单状态
  商品总价(元) 店铺优惠折扣(元) 平台优惠折扣(元) 用户实付金额(元) 商家实收金额(元) 商品数量(件) 发货时间
  确认收货时间 商品id 商品规格 售后状态 快递单号 快递公司 订单成交时间), plus the consignee columns
  (收货人 手机 省 市 区 街道) and 商家编码-SKU维度 of the same export.
- 京东 POP 商家后台 订单导出: 订单号 商品ID 商品名称 订购数量 下单时间 京东价 应付金额 订单状态 客户姓名 客户地址
  联系电话 订单备注 商家备注 付款确认时间 商家SKUID 货号 (商家SKUID seen as an order-list column in a
  public JD order admin page). This layout is the least confirmed of the five: the fallbacks are
  wide on purpose.
- 抖店 订单导出: a public pandas Douyin sales script's column constants (主订单编号 选购商品 货号 商品ID
  商品数量 商品金额 (the unit price) 订单提交时间 支付完成时间 订单完成时间 订单状态 取消原因 售后状态 订单类型),
  one row per 子订单编号, plus the consignee columns (收件人 收件人手机号 省 市 区 街道 详细地址).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    code: str
    name: str                      # English; the page translates it
    platform: str
    signature: frozenset
    mapping: dict
    lines_signature: frozenset = frozenset()
    lines_mapping: dict = field(default_factory=dict)


SHOPIFY = Preset(
    "shopify", "Shopify orders export", "shopify",
    frozenset({"Name", "Financial Status", "Lineitem quantity", "Lineitem sku", "Lineitem name"}),
    {
        "external_id": "Name",
        "ordered_at": ["Created at", "Paid at"],
        "buyer_name": ["Shipping Name", "Billing Name"],
        "buyer_phone": ["Shipping Phone", "Phone", "Billing Phone"],
        "buyer_email": "Email",
        "country": ["Shipping Country", "Billing Country"],
        "province": ["Shipping Province Name", "Shipping Province"],
        "city": "Shipping City",
        "address": ["Shipping Street", "Shipping Address1"],
        "postcode": "Shipping Zip",
        "total": "Total",
        "currency": "Currency",
        "payment_status": "Financial Status",
        "fulfillment_status": "Fulfillment Status",
        "cancelled_at": "Cancelled at",
        "buyer_remark": "Notes",
        "tags": "Tags",
        "sku_code": "Lineitem sku",
        "name": "Lineitem name",
        "qty": "Lineitem quantity",
        "unit_price": "Lineitem price",
    })

TAOBAO = Preset(
    "taobao", "Taobao/Tmall 订单报表 + 宝贝报表", "taobao",
    frozenset({"订单编号", "买家会员名", "收货地址", "订单状态"}),
    {
        "external_id": "订单编号",
        "ordered_at": ["订单创建时间", "订单付款时间"],
        "buyer_name": "收货人姓名",
        "buyer_phone": ["联系手机", "联系电话"],
        "address": ["修改后的收货地址", "收货地址"],
        "total": ["买家实际支付金额", "总金额"],
        "order_status": "订单状态",
        "buyer_remark": "买家留言",
        "seller_note": "订单备注",
        "item_count": "宝贝总数量",
    },
    frozenset({"标题", "价格", "购买数量"}),
    {
        "external_id": ["订单编号", "主订单编号"],
        "sku_code": ["商家编码", "外部系统编号"],
        "name": "标题",
        "qty": "购买数量",
        "unit_price": "价格",
    })

PDD = Preset(
    "pdd", "拼多多 order export", "pdd",
    frozenset({"订单号", "订单状态", "商品数量(件)", "用户实付金额(元)"}),
    {
        "external_id": "订单号",
        "ordered_at": ["支付时间", "订单成交时间"],
        "buyer_name": "收货人",
        "buyer_phone": ["手机", "收货人手机号"],
        "province": "省",
        "city": "市",
        "district": "区",
        "address": ["详细地址", "街道", "收货地址"],
        "total": "用户实付金额(元)",
        "order_status": "订单状态",
        "refund_status": "售后状态",
        "buyer_remark": "买家留言",
        "seller_note": "商家备注",
        "sku_code": ["商家编码-SKU维度", "商家编码-商品维度", "样式ID", "商品id"],
        "name": "商品",
        "qty": "商品数量(件)",
    })

JD = Preset(
    "jd", "京东 order export", "jd",
    frozenset({"订单号", "商品ID", "订购数量", "客户姓名"}),
    {
        "external_id": "订单号",
        "ordered_at": ["付款确认时间", "下单时间"],
        "buyer_name": "客户姓名",
        "buyer_phone": "联系电话",
        "address": "客户地址",
        "total": ["应付金额", "订单金额"],
        "order_status": "订单状态",
        "buyer_remark": "订单备注",
        "seller_note": "商家备注",
        "sku_code": ["商家SKUID", "货号", "商品ID"],
        "name": "商品名称",
        "qty": "订购数量",
        "unit_price": "京东价",
    })

DOUYIN = Preset(
    "douyin", "抖店 order export", "douyin",
    frozenset({"主订单编号", "子订单编号", "选购商品", "商品数量"}),
    {
        "external_id": "主订单编号",
        "ordered_at": ["支付完成时间", "订单提交时间"],
        "buyer_name": "收件人",
        "buyer_phone": ["收件人手机号", "收件人电话"],
        "province": "省",
        "city": "市",
        "district": "区",
        "address": ["详细地址", "街道"],
        "total": "订单应付金额",
        "order_status": "订单状态",
        "refund_status": "售后状态",
        "buyer_remark": "买家留言",
        "seller_note": "商家备注",
        "sku_code": ["商家编码", "货号", "商品ID"],
        "name": "选购商品",
        "qty": "商品数量",
        "unit_price": "商品金额",
    })

PRESETS = (SHOPIFY, DOUYIN, TAOBAO, PDD, JD)   # most specific signatures first
BY_CODE = {p.code: p for p in PRESETS}


def recognise(headers):
    """The preset whose signature these headers hold, or None."""
    present = set(headers)
    for preset in PRESETS:
        if preset.signature <= present:
            return preset
    return None


def recognise_lines(headers, preset=None):
    """The preset whose lines report these headers are (the orders file's preset first), or None."""
    present = set(headers)
    for candidate in ((preset,) if preset else ()) + PRESETS:
        if candidate and candidate.lines_signature and candidate.lines_signature <= present and (
                {"订单编号", "主订单编号"} & present):
            return candidate
    return None


def mapping_for(mapping, headers):
    """A preset's mapping narrowed to the columns these headers have (lists keep their order)."""
    present = set(headers)
    narrowed = {}
    for our_field, source in mapping.items():
        names = [source] if isinstance(source, str) else list(source)
        names = [n for n in names if n in present]
        if names:
            narrowed[our_field] = names if len(names) > 1 else names[0]
    return narrowed
