"""The demo warehouse `make run` seeds on first start: users for every role, two warehouses with
bins and stock, carriers (one of them 4PX, for parcels abroad), 500 SKUs with barcodes (the first
few with customs data), ~300 orders (three of them abroad) through the real import and review
paths (so the review queue holds real exceptions), allocation, a released wave with a task on the
demo picker's handheld, two cart types and a put wall. Deterministic (seeded random)."""
import random

from flask import current_app
from sqlalchemy import select

from wms.extensions import db
from wms.wording import wording

USERS = (
    ("admin", "管理员", "admin", "admin123", None),
    ("supervisor", "王主管", "supervisor", "super123", None),
    ("reviewer", "李审单", "reviewer", "review123", None),
    ("finance", "周财务", "finance", "finance123", None),
    ("picker", "张拣货", "picker", "picker123", "482915"),
    ("picker2", "赵拣货", "picker", "picker123", "593816"),
    ("packer", "陈打包", "packer", "packer123", "736204"),
    ("dock", "孙交接", "dock", "dock1234", None),
)
# Domestic carriers with the regions and prices the carrier rules rank by (cents): SF everywhere and dear,
# with the latest truck; YTO cheaper but not to Tibet or Xinjiang; ZTO cheapest, within 江浙沪皖 only.
CARRIERS = (("SF", "顺丰速运", ["12:00", "18:00"], {"base_cents": 1800, "per_kg_cents": 1000}),
            ("YTO", "圆通速递", ["17:30"], {"excluded": ["西藏自治区", "新疆维吾尔自治区"], "max_weight_g": 30000,
                                         "base_cents": 800, "per_kg_cents": 500}),
            ("ZTO", "中通快递", ["16:00"], {"regions": ["浙江省", "上海市", "江苏省", "安徽省"], "max_weight_g": 20000,
                                         "base_cents": 500, "per_kg_cents": 300}))
PRODUCTS = ("保温杯", "数据线", "蓝牙耳机", "手机壳", "帆布包", "T恤", "袜子", "笔记本", "台灯", "收纳盒",
            "牙刷", "毛巾", "雨伞", "水杯", "鼠标垫", "充电宝", "钥匙扣", "围巾", "拖鞋", "抱枕")
COLOURS = ("黑色", "白色", "红色", "蓝色", "灰色", "粉色", "绿色", "米色")
ADDRESSES = (
    ("浙江省", "杭州市", "西湖区", "文三路{n}号{b}幢{r}室", "310012"),
    ("上海市", "上海市", "浦东新区", "世纪大道{n}号{b}楼{r}室", "200120"),
    ("广东省", "深圳市", "南山区", "科苑路{n}号{b}栋{r}", "518057"),
    ("北京市", "北京市", "朝阳区", "建国路{n}号院{b}号楼{r}", "100022"),
    ("江苏省", "南京市", "鼓楼区", "中山路{n}号{b}单元{r}", "210008"),
    ("四川省", "成都市", "武侯区", "人民南路四段{n}号{b}栋{r}", "610041"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英")


def ean13(body12):
    """A valid EAN-13 from 12 digits (check digit computed)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


EARLY_ORDERS = 20   # the last orders go to the Tmall store, whose waybills are requested after allocation

def seed(n_skus=500, n_orders=300):
    """Seed everything; returns a short summary string."""
    rng = random.Random(20261122)
    _users()
    channel = _channels()
    _carriers()
    _stations()
    from wms.inventory.services import seed_demo_warehouses

    seed_demo_warehouses()
    _put_wall()
    skus = _skus(rng, n_skus)
    _stock(rng, skus)
    order_ids = _orders(rng, channel, skus, n_orders - len(ABROAD)) + _orders_abroad(skus) + _finance_orders(skus)
    _tag_rules()
    from wms.review.services import review_orders

    reviewed = review_orders(order_ids)
    wave = _wave_for_the_demo_picker()
    return f"{n_skus} SKUs, {len(order_ids)} orders ({reviewed}), wave {wave}"


def _tag_rules():
    """Three tag rules (订单分类), applied as review passes the demo's orders."""
    from wms.review import tagging

    for form in ({"name": "华东", "regions": "上海, 浙江, 江苏", "tags": "华东"},
                 {"name": "大额订单", "currency": "CNY", "min_amount": "500", "tags": "大额", "priority": "2"},
                 {"name": "买家催单", "words": "加急, 尽快", "tags": "加急", "priority": "5"}):
        tagging.create_rule(form, actor="system")


def _users():
    from wms.admin.services import create_user

    for username, name, role, password, pin in USERS:
        create_user(username=username, display_name=name, role=role, password=password, pin=pin)


def _channels():
    """Manual stores fed by files, and one store per platform with an adapter, each served by its local sandbox
    (`make run` starts them; "Sync now")."""
    from wms.orders.models import Channel

    # the web store tells its buyers by email and text (the launcher's SMS sandbox and SMTP sink receive them)
    notices = {"shipped": ["email", "sms"], "shortage": ["sms"], "out_for_delivery": ["sms"],
               "exchange_shipped": ["sms"], "refund_done": ["email", "sms"]}
    channels = [Channel(code="web", name="官网商城", platform="manual", settings={"buyer_notices": notices}),
                # a store that works the 店小秘 way: waybills in bulk after review, labels printed before picking
                Channel(code="tmall", name="天猫旗舰店", platform="manual", waybill_timing="after_allocation"),
                Channel(code="shopify", name="Shopify 海外店", platform="shopify",
                        settings={"access_token": "shpat_sandbox"}, notifies_buyers=True),
                *_platform_stores()]
    db.session.add_all(channels)
    db.session.commit()
    return channels[0]


def _platform_stores():
    """A Taobao, a JD, a PDD and a Douyin store on their sandboxes' credentials (the address comes from the launcher)."""
    from wms.channels.sandbox import douyin, jd, pdd, taobao_store
    from wms.orders.models import Channel

    return [Channel(code="taobao", name="淘宝店", platform="taobao", settings={
                "app_key": taobao_store.DEFAULT_APP_KEY, "app_secret": taobao_store.DEFAULT_SECRET,
                "session": taobao_store.DEFAULT_SESSION, "initial_since": "2026-11-18T00:00:00Z", "settle_seconds": 0}),
            Channel(code="jd", name="京东专卖店", platform="jd", settings={
                "app_key": jd.DEFAULT_APP_KEY, "app_secret": jd.DEFAULT_SECRET, "access_token": jd.DEFAULT_TOKEN,
                "initial_since": "2026-11-18T00:00:00Z", "settle_seconds": 0}),
            Channel(code="pdd", name="拼多多旗舰店", platform="pdd", settings={
                "client_id": pdd.DEFAULT_CLIENT_ID, "client_secret": pdd.DEFAULT_SECRET,
                "access_token": pdd.DEFAULT_TOKEN, "settle_seconds": 0}),
            Channel(code="douyin", name="抖音小店", platform="douyin", settings={
                "app_key": douyin.DEFAULT_APP_KEY, "app_secret": douyin.DEFAULT_SECRET,
                "access_token": douyin.DEFAULT_TOKEN, "initial_since": "2026-11-18T00:00:00Z"})]


def _stations():
    from wms.packing.models import CartonType
    from wms.shipping.models import PackStation
    from wms.shipping.print_sandbox import TEMPLATE_URL

    # PS-1 prints through the print component on its PC when `make run` started the sandbox one.
    component = current_app.config.get("PRINT_COMPONENT_SANDBOX_URL") or ""
    db.session.add_all([PackStation(code="PS-1", name="打包台 1", default_carrier_code="SF",
                                    print_component_url=component, print_component_template=TEMPLATE_URL if component else ""),
                        PackStation(code="PS-2", name="打包台 2", default_carrier_code="YTO")])
    db.session.add_all([CartonType(code=code, name=name, length_mm=l, width_mm=w, height_mm=h, tare_g=tare,
                                   max_weight_g=max_g)
                        for code, name, l, w, h, tare, max_g in (
                            ("C1", "1号箱", 200, 150, 100, 80, 3000), ("C2", "2号箱", 300, 200, 150, 150, 8000),
                            ("C3", "3号箱", 400, 300, 250, 260, 15000), ("C4", "4号箱", 550, 400, 350, 420, 25000))])
    db.session.commit()


def _put_wall():
    """Two cart types (a tote cart, a pick-all trolley) and a 4 x 6 put wall (播种墙) in Hangzhou whose lights
    are the sandbox controller `make run` starts (PUTWALL_LIGHTS_SANDBOX_URL; none: the tablet screen only)."""
    from wms.inventory.models import Warehouse
    from wms.picking import cart_types
    from wms.putwall import wall_setup

    for name, totes, volume_cm3, weight_g, lines, units in (("8 格拣货车", 8, 20000, 10000, "", 80),
                                                            ("播种整车", 1, 400000, 80000, 200, 300)):
        cart_types.save_cart_type({"name": name, "totes": str(totes), "tote_volume_cm3": str(volume_cm3),
                                   "tote_max_weight_g": str(weight_g), "max_lines": str(lines), "max_units": str(units)})
    hangzhou = db.session.scalar(select(Warehouse.id).where(Warehouse.code == "HZ1"))
    wall_setup.save_wall({"code": "PW1", "name": "播种墙 1", "warehouse_id": str(hangzhou), "rows": "4",
                          "columns": "6", "light_url": current_app.config.get("PUTWALL_LIGHTS_SANDBOX_URL") or ""})


def _carriers():
    from wms.shipping.models import Carrier

    for code, name, cutoffs, rules in CARRIERS:
        db.session.add(Carrier(code=code, name=name, cutoffs=cutoffs, settings={"adapter": "kuaidi100", **rules}))
    db.session.add(Carrier(code="4PX", name="递四方 4PX", cutoffs=["17:00"], settings=FORWARDER))
    db.session.commit()


# One international route: 4PX (its local sandbox in the demo) takes the parcels leaving China.
FORWARDER = {"adapter": "fourpx", "international": True, "countries": ["US", "GB", "DE", "FR", "NL", "ES", "IT", "JP"],
             "product_code": "PX", "base_cents": 4500, "per_kg_cents": 3000,
             "sender": {"name": "杭州一号仓", "phone": "0571-88886666", "province": "浙江省", "city": "杭州市",
                        "district": "余杭区", "address": "仓前街道文一西路 1 号"}}
# Customs data (报关信息) of the first products (SKU-0001 .. SKU-0006): name in Chinese, in English,
# HS code, value in USD cents, material. SKU-0006 lacks its English name, so the review desk shows a gap.
CUSTOMS = (("保温杯", "Vacuum flask", "961700", 1250, "stainless steel"), ("数据线", "USB cable", "854442", 300, "copper, PVC"),
           ("蓝牙耳机", "Bluetooth earphones", "851830", 2500, "plastic"), ("手机壳", "Phone case", "392690", 400, "TPU"),
           ("帆布包", "Canvas bag", "420222", 800, "cotton canvas"), ("T恤", "", "610910", 900, "cotton"))
ABROAD = (  # buyer, country, state, city, street, postcode, phone, SKUs (index, qty), tags
    ("Anna Schmidt", "DE", "Berlin", "Berlin", "Hauptstraße 5", "10115", "+49 30 1234567", ((0, 2), (1, 1)),
     ["ioss:IM2760000742"]),
    ("John Miller", "US", "NY", "New York", "350 Fifth Avenue", "10118", "+1 212 555 0100", ((2, 1),), []),
    ("Claire Martin", "FR", "Île-de-France", "Paris", "12 rue de Rivoli", "75004", "+33 1 42 00 00 00", ((5, 1), (4, 1)),
     ["ioss:IM2500000013"]),
)


def _skus(rng, n):
    from sqlalchemy import insert

    from wms.catalog.models import Sku, SkuBarcode

    rows = []
    for i in range(n):
        product = PRODUCTS[i % len(PRODUCTS)]
        rows.append({"code": f"SKU-{i + 1:04d}", "name": f"{COLOURS[rng.randrange(len(COLOURS))]}{product} {i + 1}号",
                     "weight_g": rng.randint(50, 1500), "length_mm": rng.randint(50, 300),
                     "width_mm": rng.randint(40, 200), "height_mm": rng.randint(10, 150)})
    db.session.execute(insert(Sku), rows)
    skus = db.session.scalars(select(Sku).order_by(Sku.id)).all()
    barcodes = [{"sku_id": s.id, "barcode": ean13(f"69{20000000 + s.id:08d}{rng.randint(10, 99)}")} for s in skus]
    barcodes += [{"sku_id": s.id, "barcode": f"SUP{s.id:06d}"} for s in skus[::3]]  # a supplier code too
    db.session.execute(insert(SkuBarcode), barcodes)
    for sku, (name_cn, name_en, hs_code, cents, material) in zip(skus, CUSTOMS):
        sku.customs_name_cn, sku.customs_name_en, sku.hs_code = name_cn, name_en, hs_code
        sku.declared_value_cents, sku.declared_currency, sku.origin_country, sku.material = cents, "USD", "CN", material
    db.session.commit()
    return skus


def _stock(rng, skus):
    """Every SKU in one bin of Hangzhou (most) or Shanghai; a few SKUs short so backorders exist."""
    from wms.inventory.models import Bin, Warehouse
    from wms.inventory.services import receive_stock

    for warehouse in db.session.scalars(select(Warehouse).order_by(Warehouse.id)).all():
        bins = db.session.scalars(select(Bin.id).where(Bin.warehouse_id == warehouse.id, Bin.level == 1)
                                  .order_by(Bin.id)).all()
        share = skus if warehouse.code == "HZ1" else skus[::4]
        lines = [(sku.id, bins[(i * 7) % len(bins)], 0 if sku.id % 50 == 0 else rng.randint(20, 200))
                 for i, sku in enumerate(share)]
        receive_stock(warehouse.id, [line for line in lines if line[2] > 0], reference=f"demo-{warehouse.code}")


def _orders(rng, channel, skus, n):
    from wms.imports.services import import_order_records

    records = []
    for i in range(n):
        province, city, district, street, postcode = ADDRESSES[rng.randrange(len(ADDRESSES))]
        name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
        lines = [{"sku_code": sku.code, "name": sku.name, "qty": rng.choice((1, 1, 1, 2, 3)),
                  "unit_price_cents": rng.randint(990, 29900)} for sku in rng.sample(skus, rng.choice((1, 1, 2, 3, 4)))]
        record = {"external_id": f"DEMO{100000 + i}", "buyer_name": name,
                  "buyer_phone": f"13{rng.randint(100000000, 999999999)}", "country": "CN",
                  "province": province, "city": city, "district": district,
                  "address": street.format(n=rng.randint(1, 999), b=rng.randint(1, 12), r=rng.randint(101, 2505)),
                  "postcode": postcode, "payment_status": "paid", "currency": "CNY",
                  "total_cents": sum(line["qty"] * line["unit_price_cents"] for line in lines),
                  "carrier_code": rng.choice(("SF", "YTO", "ZTO")), "priority": rng.choice((0, 0, 0, 1, 2)),
                  "lines": lines, "tags": ["demo"]}
        _exception(i, record)
        records.append(record)
    from wms.orders.models import Channel

    tmall = db.session.scalar(select(Channel).where(Channel.code == "tmall"))
    result = import_order_records(channel.id, records[:-EARLY_ORDERS], source=wording("the demo data"))
    early = import_order_records(tmall.id, records[-EARLY_ORDERS:], source=wording("the demo data"))
    return result.order_ids + early.order_ids


def _finance_orders(skus):
    """A distribution store with finance review on (财审): after the review, its cash-on-delivery order and
    the one asking for an invoice wait on the finance desk (made here, as the import has no column for them)."""
    from wms.orders.models import Channel, Order, OrderLine

    store = Channel(code="resale", name="分销商城", platform="manual", finance_review=True)
    db.session.add(store)
    db.session.flush()
    province, city, district, street, postcode = ADDRESSES[0]
    orders = [Order(channel_id=store.id, external_id=external_id, buyer_name=name, buyer_phone=phone,
                    province=province, city=city, district=district, address=street.format(n=8, b=2, r=301),
                    postcode=postcode, carrier_code="SF", total_cents=2 * 5990, status="imported",
                    cash_on_delivery=cod, invoice_requested=not cod,
                    lines=[OrderLine(sku_id=sku.id, sku_code=sku.code, name=sku.name, qty=2, unit_price_cents=5990)])
              for external_id, name, phone, sku, cod in (("FIN-COD-1", "钱多多", "13900011122", skus[0], True),
                                                         ("FIN-INV-1", "孙发票", "13900033344", skus[1], False))]
    for order in orders:
        order.note(wording("Imported from {source}", source=wording("the demo data")), kind="import")
    db.session.add_all(orders)
    db.session.commit()
    return [order.id for order in orders]


def _orders_abroad(skus):
    """Three Shopify orders leaving China (Berlin and Paris with an IOSS number, New York): 4PX takes
    them; the Paris one waits at the review desk for its missing English name."""
    from wms.imports.services import import_order_records
    from wms.orders.models import Channel

    channel = db.session.scalar(select(Channel).where(Channel.code == "shopify"))
    records = []
    for i, (name, country, state, city, street, postcode, phone, lines, tags) in enumerate(ABROAD):
        lines = [{"sku_code": skus[index].code, "name": skus[index].name, "qty": qty, "unit_price_cents": 2990}
                 for index, qty in lines]
        records.append({"external_id": f"#{1001 + i}", "buyer_name": name, "buyer_phone": phone, "country": country,
                        "province": state, "city": city, "district": "", "address": street, "postcode": postcode,
                        "payment_status": "paid", "currency": "USD", "carrier_code": "4PX",
                        "total_cents": sum(line["qty"] * line["unit_price_cents"] for line in lines),
                        "lines": lines, "tags": ["demo", *tags]})
    return import_order_records(channel.id, records, source=wording("the demo data")).order_ids


def _exception(i, record):
    """Every 10th order carries one of the exceptions review must catch."""
    kind = i % 10
    if kind == 1 and i % 30 == 1:
        record["address"], record["province"], record["city"], record["district"] = "不详", "", "", ""
    elif kind == 3:
        record["payment_status"] = "pending"
    elif kind == 5 and i % 20 == 5:
        record["buyer_phone"] = "12345"
    elif kind == 7 and i % 30 == 7:
        record["buyer_remark"] = "请周末送货，<b>不要</b>放快递柜"
    elif kind == 9 and i % 40 == 9:
        record["lines"][0]["sku_code"] = "UNKNOWN-SKU"


def _wave_for_the_demo_picker():
    """Allocate what review approved, release one wave in Hangzhou, give the demo picker a task."""
    from wms.auth.models import User
    from wms.inventory.models import Warehouse
    from wms.inventory.services import allocate_orders
    from wms.orders.models import Order
    from wms.picking import services, waves

    approved = db.session.scalars(select(Order.id).where(Order.status == "approved")).all()
    allocate_orders(approved)
    hangzhou = db.session.scalar(select(Warehouse.id).where(Warehouse.code == "HZ1"))
    try:
        wave = services.release_wave(hangzhou, limits=waves.WaveLimits(max_orders=40), time_budget=0.5)
    except Exception:  # nothing allocated in Hangzhou: the demo still works without a wave
        db.session.rollback()
        return "none"
    picker = db.session.scalar(select(User).where(User.username == "picker"))
    services.assign_next_task(picker, "demo-handheld")
    return wave.code
