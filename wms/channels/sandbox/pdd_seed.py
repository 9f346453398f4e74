"""Realistic Pinduoduo orders, after-sales rows and goods for the PDD sandbox.

`build_order(order_sn, spec, created, updated)` fills the order shape of
pdd.order.number.list.increment.get (item_list, masked and encrypted receiver fields as PDD sends
them: ciphertext only while the order waits to ship, "" afterwards; the masks always), with
pay_amount computed with Decimal the way PDD's add up (goods_amount - discount_amount + postage).
Seed times are minutes before the sandbox started, so a first sync walks a few 30-minute windows.
"""
import base64
import hashlib
from datetime import timedelta
from decimal import Decimal

MALL_NAME = "青瓷茶舍拼多多店"

# goods_id, sku_id, goods_name, goods_spec, price, outer_id (SKU merchant code), outer_goods_id
ITEMS = {
    "TEA-LJ-250": (510123456001, 1320001001, "西湖龙井 明前特级 250g", "250g", "45.90", "TEA-LJ-250", "TEA-LJ"),
    "TEA-PUER-357": (510123456002, 1320001002, "云南普洱茶饼 熟茶 357g", "357g", "119.00", "TEA-PUER-357", "TEA-PUER"),
    "MUG-CER-350": (510123456003, 1320001003, "龙泉青瓷马克杯 350ml", "梅子青", "59.90", "MUG-CER-350", "MUG-CER"),
    "SCARF-SILK-RED": (510123456004, 1320001004, "杭州真丝围巾", "中国红", "179.00", "SCARF-SILK-RED", ""),
    "BASKET": (510123456009, 1320001009, "手工竹编收纳篮 大号", "大号", "29.90", "", ""),
}
# Goods the shop lists (pdd.goods.list.get), with the stock of each SKU. RESOURCE_SLOT: a SKU on a
# promotion slot, whose stock PDD will not let a seller lower ("在资源位上的商品不能减少库存").
STOCK = {"TEA-LJ-250": 120, "TEA-PUER-357": 40, "MUG-CER-350": 75, "SCARF-SILK-RED": 12, "BASKET": 30}
RESOURCE_SLOT = {"SCARF-SILK-RED"}

COMPANIES = [
    {"id": 44, "logistics_company": "顺丰快递", "code": "SF", "available": 1},
    {"id": 115, "logistics_company": "中通快递", "code": "ZTO", "available": 1},
    {"id": 85, "logistics_company": "圆通快递", "code": "YTO", "available": 1},
    {"id": 1, "logistics_company": "申通快递", "code": "STO", "available": 1},
    {"id": 121, "logistics_company": "韵达快递", "code": "YUNDA", "available": 1},
    {"id": 118, "logistics_company": "邮政EMS", "code": "EMS", "available": 1},
    {"id": 120, "logistics_company": "京东快递", "code": "JD", "available": 1},
    {"id": 3, "logistics_company": "百世快递", "code": "HT", "available": 0},
]

# (receiver name, mask, phone, phone mask), (province, city, town, street, street mask),
# status (order_status, confirm_status, group_status, refund_status), [(item, count)], extra,
# (created, updated) in minutes before the sandbox started.
WAIT = (1, 1, 1, 1)
SEED = [
    (("王芳", "王*", "13800138000", "138****8000"), ("上海市", "上海市", "浦东新区", "世纪大道100号环球金融中心58楼", "世纪大道***号****"),
     WAIT, [("TEA-LJ-250", 2), ("MUG-CER-350", 1)], {}, (300, 298)),
    (("李伟", "李*", "13957123456", "139****3456"), ("浙江省", "杭州市", "西湖区", "文三路90号1幢101室", "文三路**号****"),
     WAIT, [("TEA-PUER-357", 1)], {"buyer_memo": "请周末送货，谢谢"}, (280, 279)),
    (("陈静", "陈*", "13512345678", "135****5678"), ("广东省", "深圳市", "南山区", "科技园科苑路15号讯美科技广场3栋1203", "科苑路**号****"),
     (1, 1, 0, 1), [("SCARF-SILK-RED", 1)], {}, (250, 250)),                                    # 拼团中
    (("张伟", "张*", "18610002000", "186****2000"), ("北京市", "北京市", "朝阳区", "建国路88号SOHO现代城A座1507", "建国路**号****"),
     WAIT, [("BASKET", 2), ("TEA-LJ-250", 1)], {"remark": "送小样", "invoice_status": 1}, (220, 219)),
    (("刘洋", "刘*", "13688889999", "136****9999"), ("四川省", "成都市", "武侯区", "人民南路四段12号华西坝1栋2单元501", "人民南路****"),
     WAIT, [("TEA-PUER-357", 2)], {"postage": "8.00", "seller_discount": "10.00"}, (200, 190)),
    (("赵敏", "赵*", "13770001111", "137****1111"), ("江苏省", "南京市", "鼓楼区", "中山路18号德基广场二期", "中山路**号****"),
     (1, 2, 1, 1), [("TEA-LJ-250", 1)], {}, (180, 150)),                                       # cancelled unpaid
    (("孙丽", "孙*", "13871234567", "138****4567"), ("湖北省", "武汉市", "洪山区", "珞喻路1037号华中科技大学东区", "珞喻路****"),
     (1, 1, 1, 4), [("MUG-CER-350", 2)], {}, (170, 120)),                                      # refunded before shipping
    (("周杰", "周*", "13922223333", "139****3333"), ("广东省", "广州市", "天河区", "天河路208号天河城东塔2301", "天河路***号****"),
     (2, 1, 1, 1), [("TEA-PUER-357", 1)], {"tracking_number": "SF1400012345678", "logistics_id": 44},
     (160, 100)),                                                                              # shipped
    (("吴刚", "吴*", "13399998888", "133****8888"), ("重庆市", "重庆市", "渝中区", "解放碑民族路188号", "民族路***号"),
     WAIT, [("MUG-CER-350", 1)], {"platform_discount": "5.00"}, (90, 60)),
    (("郑爽", "郑*", "15959591234", "159****1234"), ("福建省", "厦门市", "思明区", "鼓浪屿龙头路55号", "龙头路**号"),
     WAIT, [("SCARF-SILK-RED", 1), ("TEA-LJ-250", 1)], {"postage": "12.00"}, (40, 35)),
]
FIRST_ORDER_DAY = "261207"
FIRST_ORDER_NUMBER = 398_201_552_010_000

# after-sales rows: (seed order index, id, after_sales_type, after_sales_status, reason, refund amount,
# return tracking, minutes before start (created, updated))
REFUNDS = [
    (6, 9_120_001, 2, 10, "不想要了", "119.80", "", (140, 120)),
    (7, 9_120_002, 3, 7, "商品与描述不符", "119.00", "", (80, 70)),
    (1, 9_120_003, 2, 2, "拍错了/多拍了", "119.00", "", (30, 25)),
]


def pdd_time(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def order_sn(index):
    return f"{FIRST_ORDER_DAY}-{FIRST_ORDER_NUMBER + index * 7919}"


def cipher(text, kind="~"):
    """A stand-in for PDD's ciphertext: the same shape ("~AgAAAA...~0~~" / "$...$0$$"), opaque."""
    blob = base64.b64encode(b"\x02\x00\x00\x00" + hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"{kind}{blob}{kind}0{kind}{kind}"


def build_order(sn, spec, created, updated):
    """An order in the increment.get shape from a seed spec (created, updated: Beijing-time datetimes)."""
    (name, name_mask, phone, phone_mask), (province, city, town, street, street_mask), status, lines, extra, _ = spec
    order_status, confirm_status, group_status, refund_status = status
    items, goods_amount = [], Decimal("0")
    for key, count in lines:
        goods_id, sku_id, goods_name, spec_text, price, outer_id, outer_goods_id = ITEMS[key]
        goods_amount += Decimal(price) * count
        items.append({"goods_id": goods_id, "sku_id": sku_id, "goods_name": goods_name, "goods_spec": spec_text,
                      "goods_price": float(price), "goods_count": count, "outer_id": outer_id,
                      "outer_goods_id": outer_goods_id, "goods_img": "https://img.pddpic.com/sandbox.jpeg"})
    postage = Decimal(extra.get("postage", "0.00"))
    platform_discount = Decimal(extra.get("platform_discount", "0.00"))
    seller_discount = Decimal(extra.get("seller_discount", "0.00"))
    discount = platform_discount + seller_discount
    paid = confirm_status == 1 or refund_status == 4
    waiting = order_status == 1 and confirm_status == 1 and refund_status == 1
    full_address = f"{province}{city}{town}{street}"
    return {
        "order_sn": sn, "created_time": pdd_time(created), "updated_at": pdd_time(updated),
        "confirm_time": pdd_time(created + timedelta(seconds=2)) if paid else "",
        "pay_time": pdd_time(created + timedelta(seconds=1)) if paid else "",
        "confirm_status": confirm_status, "group_status": group_status, "order_status": order_status,
        "refund_status": refund_status, "after_sales_status": 10 if refund_status == 4 else 0,
        "trade_type": 0, "is_lucky_flag": 1, "risk_control_status": 0,
        "country": "中国", "province": province, "city": city, "town": town,
        "province_id": 1, "city_id": 1, "town_id": 1,
        # 待发货: ciphertext; otherwise PDD answers "" for the encrypted fields. The masks always.
        "receiver_name": cipher(name) if waiting else "", "receiver_name_mask": name_mask,
        "receiver_phone": cipher(phone, "$") if waiting else "", "receiver_phone_mask": phone_mask,
        "receiver_address": cipher(street) if waiting else "", "receiver_address_mask": street_mask,
        "address": cipher(full_address) if waiting else "", "address_mask": f"{province}{city}{town}{street_mask}",
        "goods_amount": float(goods_amount), "discount_amount": float(discount), "postage": float(postage),
        "platform_discount": float(platform_discount), "seller_discount": float(seller_discount),
        "capital_free_discount": 0.0, "order_change_amount": 0.0,
        "pay_amount": float(goods_amount - discount + postage),
        "buyer_memo": extra.get("buyer_memo", ""), "remark": extra.get("remark", ""),
        "logistics_id": extra.get("logistics_id", 0), "tracking_number": extra.get("tracking_number", ""),
        "shipping_time": pdd_time(updated) if order_status != 1 else "",
        "last_ship_time": pdd_time(created + timedelta(days=2)),
        # 预售: a seed's extra "presale_days" makes it a presale shipping that many days after its creation
        "is_pre_sale": 1 if "presale_days" in extra else 0,
        "pre_sale_time": pdd_time(created + timedelta(days=extra["presale_days"])) if "presale_days" in extra else "",
        # 发票申请 (1 有, 0 无) and 支付方式 (PDD's are all online: QQ, WEIXIN, ALIPAY, LIANLIANPAY)
        "invoice_status": extra.get("invoice_status", 0), "pay_type": "WEIXIN" if paid else "",
        "item_list": items,
    }


def seed_orders(started):
    """The seeded orders, their times counted back from `started` (a Beijing-time datetime)."""
    orders = []
    for index, spec in enumerate(SEED):
        created_ago, updated_ago = spec[-1]
        orders.append(build_order(order_sn(index), spec, started - timedelta(minutes=created_ago),
                                  started - timedelta(minutes=updated_ago)))
    return orders


def build_refund(refund_id, order, after_sales_type, status, reason, amount, tracking, created, updated):
    """One pdd.refund.list.increment.get row for the order's first item (times as UNIX-second strings)."""
    item = order["item_list"][0]
    return {"id": refund_id, "order_sn": order["order_sn"], "after_sales_type": after_sales_type,
            "after_sales_status": status, "after_sale_reason": reason, "refund_amount": amount,
            "order_amount": f"{order['pay_amount']:.2f}", "discount_amount": f"{order['discount_amount']:.2f}",
            "goods_id": item["goods_id"], "sku_id": str(item["sku_id"]), "goods_name": item["goods_name"],
            "goods_number": str(item["goods_count"]), "goods_price": f"{item['goods_price']:.2f}",
            "outer_id": item["outer_id"], "outer_goods_id": item["outer_goods_id"], "good_image": item["goods_img"],
            "tracking_number": tracking, "shipping_name": "", "created_time": str(int(created.timestamp())),
            "updated_time": str(int(updated.timestamp())), "confirm_time": str(int(created.timestamp())),
            "speed_refund_flag": 0, "speed_refund_status": "", "dispute_refund_status": 0,
            "refund_operator_role": 0, "user_shipping_status": "0"}


def seed_refunds(started, orders):
    refunds = []
    for index, refund_id, kind, status, reason, amount, tracking, (created_ago, updated_ago) in REFUNDS:
        refunds.append(build_refund(refund_id, orders[index], kind, status, reason, amount, tracking,
                                    started - timedelta(minutes=created_ago), started - timedelta(minutes=updated_ago)))
    return refunds


def seed_goods():
    """The shop's goods as pdd.goods.list.get lists them, one SKU each, with their stock."""
    goods = []
    for key, (goods_id, sku_id, goods_name, spec_text, _price, outer_id, outer_goods_id) in ITEMS.items():
        goods.append({"goods_id": goods_id, "goods_name": goods_name, "is_onsale": 1, "is_more_sku": 0,
                      "thumb_url": "https://img.pddpic.com/sandbox.jpeg", "image_url": "https://img.pddpic.com/sandbox.jpeg",
                      "goods_quantity": STOCK[key], "goods_reserve_quantity": 0,
                      "sku_list": [{"sku_id": sku_id, "spec": spec_text, "outer_id": outer_id,
                                    "outer_goods_id": outer_goods_id, "sku_quantity": STOCK[key],
                                    "is_sku_onsale": 1, "reserve_quantity": 0,
                                    "resource_slot": key in RESOURCE_SLOT}]})
    return goods
