"""Exports laid out as the platforms lay them out (wms.imports.presets), built from plain order
specs, with the quirks sellers' files really have: Excel text guards, notes with commas, doubled
quotes and newlines, repeated blocks, quantity-0 lines, blank SKUs, negative prices, ids Excel
turned into scientific notation, orphan lines. Made-up people; real layouts and encodings.

`build(preset, specs)` -> Export(orders bytes, lines bytes or None, file names, expected outcome
per block). Each spec is an OrderSpec; `kind` says where it stands on the platform.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

PAID, PENDING, CANCELLED, SHIPPED = "paid", "pending", "cancelled", "shipped"
SKUS = ("SKU-1", "SKU-2", "SKU-3")   # in the catalogue (tests make them)


@dataclass
class OrderSpec:
    eid: str                        # the platform's order number, as the platform writes it
    buyer: str = "王小明"
    phone: str = "13800138000"
    province: str = "浙江省"
    city: str = "杭州市"
    district: str = "西湖区"
    street: str = "文三路 90 号 1 幢"
    postcode: str = "310012"
    kind: str = PAID
    lines: list = field(default_factory=lambda: [("SKU-1", "T恤", 1, "33.00")])   # (sku, name, qty, price)
    remark: str = ""
    currency: str = "CNY"
    guard_id: bool = False          # write the id as ="…" (Excel's guard)
    scientific: bool = False        # Excel turned the id into 1.23457E+17
    repeat: str = ""                # "apart": the block appears again at the end (a concatenated export);
    #                                 "adjacent": again right after itself

    @property
    def written_id(self):
        if self.scientific:
            return f"{float(self.eid):.5E}"
        return f'="{self.eid}"' if self.guard_id else self.eid

    @property
    def total(self):
        return f"{max(0, sum(q * float(p) for _s, _n, q, p in self.lines)):.2f}"


@dataclass
class Export:
    orders: bytes
    lines: bytes | None
    filename: str
    lines_filename: str | None
    expected: list        # [(order number (as written when Excel mangled it), outcome)] per block, file order
    orphans: int          # line rows attached to no order


def expected_outcome(spec, prices=True):
    """What the import should do with one block (its first appearance); `prices`: the layout has
    a unit price column (拼多多's has none)."""
    if spec.scientific or spec.kind in (CANCELLED, SHIPPED):
        return "failed"
    kept = [line for line in spec.lines if line[2] != 0]
    if not kept:
        return "failed"
    if spec.kind == PENDING or (prices and any(float(p) < 0 for _s, _n, _q, p in kept)):
        return "held"
    return "created"


def _csv(headers, rows, encoding, crlf=False):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([headers, *rows])
    return out.getvalue().encode(encoding)


def _blocks(specs):
    """Specs in file order, each "adjacent" repeat right after itself, the "apart" ones again at the end."""
    blocks = []
    for spec in specs:
        blocks += [spec, spec] if spec.repeat == "adjacent" else [spec]
    return blocks + [s for s in specs if s.repeat == "apart"]


def _expected(specs, prices=True):
    seen, expected = set(), []
    for spec in _blocks(specs):
        key = spec.written_id
        repeated = key in seen and not spec.scientific   # a mangled number is rejected every time
        expected.append((key if spec.scientific else spec.eid,
                         "duplicate" if repeated else expected_outcome(spec, prices)))
        seen.add(key)
    return expected


def _orphans(specs):
    """Line rows of orders whose number Excel mangled: reported, attached to nothing."""
    return sum(len(s.lines) for s in _blocks(specs) if s.scientific)


# --- Shopify ------------------------------------------------------------------------------------

SHOPIFY_HEADERS = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
                   "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
                   "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
                   "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
                   "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
                   "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
                   "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
                   "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
                   "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
                   "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Id", "Tags",
                   "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Phone"]
_SHOPIFY_STATUS = {PAID: ("paid", "unfulfilled", ""), PENDING: ("pending", "unfulfilled", ""),
                   CANCELLED: ("refunded", "unfulfilled", "2026-11-21 08:00:00 +0800"),
                   SHIPPED: ("paid", "fulfilled", "")}


def shopify(specs):
    rows = []
    for spec in _blocks(specs):
        financial, fulfillment, cancelled = _SHOPIFY_STATUS[spec.kind]
        for index, (sku, name, qty, price) in enumerate(spec.lines):
            row = dict.fromkeys(SHOPIFY_HEADERS, "")
            row.update({"Name": "#" + spec.eid[-6:], "Lineitem quantity": str(qty), "Lineitem name": name,
                        "Lineitem price": price, "Lineitem sku": sku, "Lineitem requires shipping": "true",
                        "Lineitem fulfillment status": "pending"})
            if index == 0:
                row.update({"Email": "buyer@example.com", "Financial Status": financial,
                            "Fulfillment Status": fulfillment,
                            "Currency": spec.currency, "Subtotal": spec.total, "Shipping": "0.00", "Taxes": "0.00",
                            "Total": spec.total, "Created at": "2026-11-20 10:30:00 +0800", "Cancelled at": cancelled,
                            "Billing Name": spec.buyer, "Shipping Name": spec.buyer,
                            "Shipping Street": spec.street, "Shipping Address1": spec.street,
                            "Shipping City": spec.city, "Shipping Zip": "'" + spec.postcode,
                            "Shipping Province": spec.province, "Shipping Country": "CN",
                            "Shipping Phone": "'" + spec.phone, "Notes": spec.remark, "Source": "web",
                            "Id": spec.written_id})
            rows.append([row[h] for h in SHOPIFY_HEADERS])
    return Export(_csv(SHOPIFY_HEADERS, rows, "utf-8"), None, "orders_export_1.csv", None, _expected(specs),
                  _orphans(specs))


# --- Taobao / Tmall: 订单报表 + 宝贝报表 ---------------------------------------------------------------

TAOBAO_ORDER_HEADERS = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
                        "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址",
                        "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号",
                        "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
                        "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
                        "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
                        "是否是O2O交易"]
TAOBAO_LINE_HEADERS = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态",
                       "商家编码"]
_TAOBAO_STATUS = {PAID: "买家已付款，等待卖家发货", PENDING: "等待买家付款", CANCELLED: "交易关闭",
                  SHIPPED: "卖家已发货，等待买家确认"}


def taobao(specs, orphan_lines=0):
    orders, lines = [], []
    for spec in _blocks(specs):
        count = sum(q for _s, _n, q, _p in spec.lines)
        row = dict.fromkeys(TAOBAO_ORDER_HEADERS, "")
        row.update({"订单编号": spec.eid if not spec.scientific else spec.written_id, "买家会员名": "tb" + spec.eid[-6:],
                    "买家应付货款": spec.total, "总金额": spec.total, "买家实际支付金额": spec.total,
                    "订单状态": _TAOBAO_STATUS[spec.kind], "买家留言": spec.remark, "收货人姓名": spec.buyer,
                    "收货地址": f"{spec.province} {spec.city} {spec.district} {spec.street}({spec.postcode})",
                    "运送方式": "快递", "联系手机": "'" + spec.phone, "订单创建时间": "2026-11-20 10:30:00",
                    "订单付款时间": "2026-11-20 10:31:00", "宝贝标题": spec.lines[0][1], "宝贝种类": str(len(spec.lines)),
                    "宝贝总数量": str(count), "店铺名称": "小明的店", "订单关闭原因": "订单未关闭", "是否手机订单": "手机订单"})
        orders.append([row[h] for h in TAOBAO_ORDER_HEADERS])
        for sku, name, qty, price in spec.lines:
            item = dict.fromkeys(TAOBAO_LINE_HEADERS, "")
            item.update({"订单编号": spec.written_id if (spec.guard_id or spec.scientific) else f'="{spec.eid}"',
                         "标题": name, "价格": price, "购买数量": str(qty), "商品属性": "颜色分类：白色",
                         "订单状态": _TAOBAO_STATUS[spec.kind], "商家编码": sku})
            lines.append([item[h] for h in TAOBAO_LINE_HEADERS])
    for n in range(orphan_lines):
        item = dict.fromkeys(TAOBAO_LINE_HEADERS, "")
        item.update({"订单编号": f'="99990000{n:04d}"', "标题": "袜子", "价格": "9.90", "购买数量": "1", "商家编码": "SKU-2"})
        lines.append([item[h] for h in TAOBAO_LINE_HEADERS])
    scientific_lines = sum(len(s.lines) for s in _blocks(specs) if s.scientific)
    return Export(_csv(TAOBAO_ORDER_HEADERS, orders, "gb18030", crlf=True),
                  _csv(TAOBAO_LINE_HEADERS, lines, "gb18030", crlf=True),
                  "ExportOrderList202611201030.csv", "ExportOrderDetailList202611201030.csv",
                  _expected(specs), orphan_lines + scientific_lines)


# --- 拼多多 / 京东 / 抖店: one row per line, the order's columns on every row ----------------------------

PDD_HEADERS = ["商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "邮费(元)",
               "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "身份证姓名", "身份证号码", "收货人", "手机",
               "是否审核中", "省", "市", "区", "街道", "支付时间", "拼单成功时间", "订单确认时间", "承诺发货时间",
               "发货时间", "确认收货时间", "商品id", "商品规格", "样式ID", "商家编码-SKU维度", "商家编码-商品维度",
               "商家备注", "买家留言", "快递单号", "快递公司", "售后状态", "订单成交时间"]
_PDD_STATUS = {PAID: "待发货", PENDING: "待支付", CANCELLED: "已取消", SHIPPED: "已发货，待签收"}

JD_HEADERS = ["订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
              "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型",
              "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间",
              "增值税发票", "货号", "订单完成时间", "订单来源", "订单渠道", "商家SKUID"]
_JD_STATUS = {PAID: "等待出库", PENDING: "等待付款", CANCELLED: "(删除)取消", SHIPPED: "等待确认收货"}

DOUYIN_HEADERS = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价",
                  "订单应付金额", "运费", "优惠总金额", "支付方式", "收件人", "收件人手机号", "省", "市", "区", "街道",
                  "详细地址", "是否修改过地址", "买家留言", "订单提交时间", "支付完成时间", "订单完成时间", "订单状态",
                  "售后状态", "取消原因", "商家备注", "商品金额", "订单类型"]
_DOUYIN_STATUS = {PAID: "待发货", PENDING: "待支付", CANCELLED: "已关闭", SHIPPED: "已发货"}


def pdd(specs):
    rows = []
    for spec in _blocks(specs):
        for sku, name, qty, price in spec.lines:
            row = dict.fromkeys(PDD_HEADERS, "")
            row.update({"商品": name, "订单号": spec.written_id, "订单状态": _PDD_STATUS[spec.kind],
                        "商品总价(元)": spec.total, "用户实付金额(元)": spec.total, "商家实收金额(元)": spec.total,
                        "商品数量(件)": str(qty), "收货人": spec.buyer, "手机": spec.phone, "省": spec.province,
                        "市": spec.city, "区": spec.district, "街道": spec.street, "支付时间": "2026-11-20 10:31:00",
                        "订单成交时间": "2026-11-20 10:31:00", "商家编码-SKU维度": sku, "买家留言": spec.remark,
                        "售后状态": "无售后或售后取消"})
            rows.append([row[h] for h in PDD_HEADERS])
    return Export(_csv(PDD_HEADERS, rows, "utf-8-sig"), None, "orders_export20261120.csv", None,
                  _expected(specs, prices=False), _orphans(specs))


def jd(specs):
    rows = []
    for spec in _blocks(specs):
        for sku, name, qty, price in spec.lines:
            row = dict.fromkeys(JD_HEADERS, "")
            row.update({"订单号": spec.written_id, "商品ID": "100" + sku[-1:] if sku else "", "商品名称": name, "订购数量": str(qty),
                        "支付方式": "在线支付", "下单时间": "2026-11-20 10:30:00", "京东价": price,
                        "订单金额": spec.total, "应付金额": spec.total, "订单状态": _JD_STATUS[spec.kind],
                        "订单类型": "普通订单", "客户姓名": spec.buyer,
                        "客户地址": f"{spec.province}{spec.city}{spec.district}{spec.street}",
                        "联系电话": spec.phone, "订单备注": spec.remark, "付款确认时间": "2026-11-20 10:31:00",
                        "商家SKUID": sku})
            rows.append([row[h] for h in JD_HEADERS])
    return Export(_csv(JD_HEADERS, rows, "gb18030", crlf=True), None, "ExportOrder_20261120.csv", None,
                  _expected(specs), _orphans(specs))


def douyin(specs):
    rows = []
    for spec in _blocks(specs):
        for index, (sku, name, qty, price) in enumerate(spec.lines):
            row = dict.fromkeys(DOUYIN_HEADERS, "")
            row.update({"主订单编号": spec.written_id, "子订单编号": f"{spec.eid}{index}", "选购商品": name,
                        "商品数量": str(qty), "商家编码": sku, "商品单价": price,
                        "商品金额": f"{Decimal(price) * qty:.2f}" if price else "", "订单应付金额": spec.total,
                        "收件人": spec.buyer, "收件人手机号": spec.phone, "省": spec.province, "市": spec.city,
                        "区": spec.district, "街道": "", "详细地址": spec.street, "买家留言": spec.remark,
                        "订单提交时间": "2026-11-20 10:30:00", "支付完成时间": "2026-11-20 10:31:00",
                        "订单状态": _DOUYIN_STATUS[spec.kind], "售后状态": "-", "订单类型": "普通订单"})
            rows.append([row[h] for h in DOUYIN_HEADERS])
    return Export(_csv(DOUYIN_HEADERS, rows, "utf-8-sig"), None, "订单导出_20261120.csv", None, _expected(specs),
                  _orphans(specs))


BUILDERS = {"shopify": shopify, "taobao": taobao, "pdd": pdd, "jd": jd, "douyin": douyin}


def build(preset, specs, **options):
    return BUILDERS[preset](specs, **options)


def realistic_specs(prefix):
    """The realistic file of each preset: one order of each kind, with the quirks sellers meet."""
    n = iter(range(100))

    def eid():
        return f"{prefix}{3700000000000000 + next(n) * 7919}"
    return [
        OrderSpec(eid(), buyer="张伟", phone="13800138000", remark='请发顺丰, 谢谢 "急用"\n周末也可以送',
                  lines=[("SKU-1", "纯棉T恤 白 M", 2, "49.90"), ("SKU-2", "船袜 三双装", 1, "19.90")]),
        OrderSpec(eid(), buyer="李娜", phone="13912345678", province="上海市", city="上海市", district="浦东新区",
                  street="世纪大道 100 号 2 楼", postcode="200120", guard_id=True),
        OrderSpec(eid(), buyer="王芳", phone="15000000001", kind=PENDING),
        OrderSpec(eid(), buyer="刘洋", phone="18600000002", kind=CANCELLED),
        OrderSpec(eid(), buyer="陈静", phone="13700000003", kind=SHIPPED),
        OrderSpec(eid(), buyer="杨磊", phone="13600000004", repeat="apart",
                  lines=[("SKU-3", "保温杯", 1, "59.00"), ("SKU-1", "纯棉T恤 白 L", 0, "49.90")]),
        OrderSpec(eid(), buyer="赵敏", phone="13500000005", lines=[("", "赠品 贴纸", 1, "0.00"),
                                                                  ("SKU-2", "船袜 三双装", 1, "19.90")]),
        OrderSpec(eid(), buyer="黄勇", phone="13400000006", lines=[("SKU-1", "纯棉T恤 黑 M", 1, "49.90"),
                                                                  ("SKU-2", "船袜 改价", 1, "-5.00")]),
        OrderSpec(eid(), buyer="周杰", phone="13300000007", scientific=True,
                  lines=[("SKU-1", "纯棉T恤 白 S", 1, "49.90")]),
    ]


# --- what a test checks ---------------------------------------------------------------------------

def counts(job):
    """The job's outcome counters by name."""
    return {"created": job.created, "updated": job.updated, "unchanged": job.unchanged, "held": job.held,
            "failed": job.failed, "duplicate": job.duplicate}


def expected_counts(export, again=False):
    """The counters an import of `export` should end with; `again`: a second import of the same file."""
    wanted = dict.fromkeys(("created", "updated", "unchanged", "held", "failed", "duplicate"), 0)
    for _eid, outcome in export.expected:
        wanted["unchanged" if again and outcome in ("created", "held") else outcome] += 1
    return wanted


def snapshot(session):
    """Every order, line and event row as plain values: a re-import must change none."""
    from sqlalchemy import text

    return [session.execute(text(sql)).all() for sql in (
        "SELECT id, external_id, status, version, buyer_phone, province, city, district, address, postcode, "
        "total_cents, currency, payment_status, hold_reasons, updated_at FROM orders ORDER BY id",
        "SELECT id, order_id, sku_code, qty, unit_price_cents FROM order_lines ORDER BY id",
        "SELECT count(*) FROM order_events")]


def report_rows(path):
    """The report CSV as dicts."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
