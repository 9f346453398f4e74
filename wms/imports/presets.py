"""The exports sellers really have, recognised with no mapping. Pure: stdlib only.

A preset is a platform's export layout: the headers that identify it (`signature`, all present),
and the mapping of its columns to our fields, with fallback lists (the first filled of several
columns, e.g. a changed address before the original one). `recognise(headers)` names the preset
of an orders file (and `recognise_lines` of a separate lines file); the upload page says which.

Sources of the layouts. Column names are as the platforms export them. They were found with the
search tool in public parsers and checked against each other. "repo:path" is a GitHub repository
and a file in it. Where no named source shows a column, the text below says so.

- Shopify "Export orders" CSV: Shopify Help Center, "Exporting orders"
  (https://help.shopify.com/manual/fulfillment/managing-orders/exporting-orders). It has one row per
  line item; the order's own columns are on its first row only and `Name` is on every row. Also
  Financial Status, Fulfillment Status, Cancelled at, Currency.
- Taobao/Tmall 已卖出的宝贝 → 订单报表 (ExportOrderList*.csv):
  c2003070110/TBTool:src/com/walk_nie/taobao/print/PrintUtil.java quotes the whole header row in a
  comment, with a sample row: 订单编号 买家会员名 买家支付宝账号 买家应付货款 买家应付邮费 买家支付积分
  总金额 返点积分 买家实际支付金额 买家实际支付积分 订单状态 买家留言 收货人姓名 收货地址 运送方式 联系电话
  联系手机 订单创建时间 订单付款时间 宝贝标题 宝贝种类 物流单号 物流公司 订单备注 宝贝总数量 店铺Id 店铺名称
  订单关闭原因 … 修改后的sku 修改后的收货地址 异常信息 ….
  c2003070110/TBTool:src/com/walk_nie/taobao/util/TaobaoUtil.java (readTaobaoSaledIn) reads the
  row in that order and strips the `'` before 联系电话/联系手机. Every column in the signature and the
  mapping is in that row. Some of its headers end in a space ("收货地址 ", "订单付款时间 "); we strip
  headers when a file is read (wms/spreadsheets/readers.py), so the signature has no spaces.
- Taobao/Tmall 宝贝报表 (ExportOrderDetailList*.csv):
  cook0422/myPython:taobaoApriori.py reads 订单编号 标题 价格 购买数量 外部系统编号 商品属性 套餐信息
  备注 订单状态 商家编码 (the older layout, keyed by 订单编号).
  zhmdeng/project-jdw:works/sku.py reads the newer Tmall layout: 子订单编号 主订单编号 标题 价格 购买数量
  外部系统编号 商品属性 套餐信息 备注 订单状态 商家编码 支付单号 买家应付货款 买家实际支付金额 退款状态 退款金额
  订单创建时间 订单付款时间. That is why the lines file keys on 订单编号 or else 主订单编号 (not 子订单编号),
  and why the SKU is 商家编码 or else 外部系统编号.
  Not confirmed: whether a newer 订单报表 also switched to 主订单编号. No named source shows it.
- 拼多多 商家后台 订单导出: NingAnMe/pinduoduo-ERP:lib/dbkucun.py (Order.csv2order) reads the export
  by header: 商品 订单号 订单状态 商品数量(件) 是否审核中 支付时间 拼单成功时间 订单确认时间 承诺发货时间
  发货时间 确认收货时间 商品id 商品规格 样式ID 商家编码-SKU维度 商家编码-商品维度 商家备注 买家留言 售后状态
  商品总价(元) 店铺优惠折扣(元) 平台优惠折扣(元) 邮费(元) 用户实付金额(元) 商家实收金额(元) 快递单号 快递公司
  省 市 区. Its model comment adds the consignee columns 收货人 手机 省 市 区 详细地址.
  Two other public scripts were found whose repositories the index would not name: a pandas
  sales script (which adds 订单成交时间) and an openpyxl reconciliation script that lists the export
  column by column (which has 街道 where the one above has 详细地址). Not confirmed by any named source:
  订单成交时间, 街道, 收货人手机号 and 收货地址. They are kept only as fallbacks.
- 京东 POP 商家后台 订单导出: howenx/sharp-admin:app/domain/sale/SaleJdOrderLineInfo.java quotes the
  header row (2016) in a comment: 订单号 商品ID 商品名称 订购数量 支付方式 下单时间 京东价 订单金额 结算金额
  余额支付 应付金额 订单状态 订单类型 下单帐号 客户姓名 客户地址 联系电话 订单备注 发票类型 发票抬头 发票内容
  商家备注 商家备注等级（等级1-5为由高到低） 运费金额 付款确认时间 增值税发票 货号 订单完成时间 订单来源
  订单渠道. The signature and every mapped column are in it, except 商家SKUID. 商家SKUID was seen
  only as a column of a public JD order-list admin page (repository not named), not in an export
  header. So 商家SKUID is not confirmed as an export column; 货号 and 商品ID are the confirmed
  fallbacks. This is still the least confirmed of the five layouts: one named source, from 2016.
- 抖店 订单导出 (one row per 子订单编号): zhmdeng/project-jdw:works/temp_douy.py reads 主订单编号
  子订单编号 支付方式 选购商品 商品ID 商家编码 商品数量 商品金额 订单提交时间 支付完成时间 订单完成时间 订单状态
  发货时间 订单应付金额 运费 优惠总金额 收件人 收件人手机号 省 市 区 街道 详细地址 仓库名称.
  zhmdeng/project-jdw:works/sku.py adds 商品规格 商品单价 买家留言 售后状态. The row grain (per 子订单 in the
  商品维度 report, 54 columns in the standard report) is described on a 抖店 help copy,
  http://gtc8.cn/baike/i103939.html ("抖音订单报表使用说明"); that page does not list the columns.
  Not confirmed by a named source: 收件人电话, 商家备注, 货号. 货号 and "商品金额 is the unit price" come
  from a pandas Douyin sales script whose repository the index would not name. project-jdw
  disagrees: sku.py takes 商品单价 as the price and temp_douy.py stores 商品金额 as total_fee. So the
  column DOUYIN reads as unit_price (商品金额) is uncertain.
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
        "unit_price": ["商品单价", "商品金额"],   # 商品金额 may be the line total: the unit price first
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
