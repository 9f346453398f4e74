"""Realistic Douyin shop orders and after-sales for the sandbox: Chinese buyers, masked receivers, every state.

`build_order(order_id, spec, created, updated)` fills the shop-order shape order.searchList answers (money in
fen, times in Unix seconds, the receiver masked the way the platform masks it, ciphers in encrypt_*), with
pay_amount added up from the sku orders (origin_amount x item_num - shop promotion + post_amount).
"""
from datetime import datetime

from wms.channels.douyin_protocol import DOUYIN_TZ, epoch_of

FIRST_ORDER_ID = 6_920_000_000_000_000_001
SHOP_ID, SHOP_NAME = 4_463_798, "青瓷茶舍抖音小店"

# product_id, sku_id, name, price (fen), code (商家编码)
ITEMS = {
    "TEA-LJ-250": (3_571_000_000_000_000_001, 1_770_000_000_000_001, "西湖龙井 明前特级 250g", 4800, "TEA-LJ-250"),
    "TEA-PUER-357": (3_571_000_000_000_000_002, 1_770_000_000_000_002, "云南普洱茶饼 熟茶 357g", 12800, "TEA-PUER-357"),
    "MUG-CER-350": (3_571_000_000_000_000_003, 1_770_000_000_000_003, "龙泉青瓷马克杯 350ml 梅子青", 6990, "MUG-CER-350"),
    "SCARF-SILK-RED": (3_571_000_000_000_000_004, 1_770_000_000_000_004, "杭州真丝围巾 中国红", 19900, "SCARF-SILK-RED"),
    "LIVE-GIFT": (3_571_000_000_000_000_009, 1_770_000_000_000_009, "直播间专享 茶具礼盒", 26800, ""),
}
STOCK = {"TEA-LJ-250": 120, "TEA-PUER-357": 40, "MUG-CER-350": 60, "SCARF-SILK-RED": 15,
         "dy-3571000000000000009-1770000000000009": 8}

# (receiver, phone, (province, city, town, street, detail), status, [(item, num) or (item, num, "refunded")],
#  extra, (created, updated) Beijing time)
SEED = [
    ("王芳", "13800138000", ("上海市", "上海市", "浦东新区", "陆家嘴街道", "世纪大道100号环球金融中心58楼"),
     2, [("TEA-LJ-250", 2), ("MUG-CER-350", 1)], {}, ("2026-11-19 09:12:30", "2026-11-19 09:15:02")),
    ("李伟", "13957123456", ("浙江省", "杭州市", "西湖区", "文新街道", "文三路90号1幢101室"),
     2, [("TEA-PUER-357", 1)], {"buyer_words": "请周末送货，谢谢"}, ("2026-11-19 13:40:00", "2026-11-19 13:41:10")),
    ("陈静", "13512345678", ("广东省", "深圳市", "南山区", "粤海街道", "科苑路15号讯美科技广场3栋1203"),
     1, [("SCARF-SILK-RED", 1)], {}, ("2026-11-19 22:05:00", "2026-11-19 22:05:00")),
    ("张伟", "18610002000", ("北京市", "北京市", "朝阳区", "建外街道", "建国路88号SOHO现代城A座1507"),
     105, [("LIVE-GIFT", 1)], {"seller_words": "送小样"}, ("2026-11-20 08:30:00", "2026-11-20 08:31:45")),
    ("刘洋", "13688889999", ("四川省", "成都市", "武侯区", "浆洗街街道", "人民南路四段12号华西坝1栋2单元501"),
     2, [("TEA-LJ-250", 1), ("TEA-PUER-357", 1)], {"post_amount": 1000, "pay_type": 0},   # 货到付款
     ("2026-11-20 10:02:00", "2026-11-20 10:03:00")),
    ("赵敏", "13770001111", ("江苏省", "南京市", "鼓楼区", "华侨路街道", "中山路18号德基广场二期"),
     4, [("TEA-LJ-250", 1)], {"unpaid": True}, ("2026-11-19 20:00:00", "2026-11-20 20:00:00")),
    ("孙丽", "13871234567", ("湖北省", "武汉市", "洪山区", "珞南街道", "珞喻路1037号华中科技大学东区"),
     4, [("MUG-CER-350", 2)], {}, ("2026-11-20 11:11:11", "2026-11-20 15:30:00")),
    ("周杰", "13922223333", ("广东省", "广州市", "天河区", "天河南街道", "天河路208号天河城东塔2301"),
     2, [("TEA-PUER-357", 2), ("MUG-CER-350", 1, "refunded")], {}, ("2026-11-20 16:45:00", "2026-11-20 18:00:00")),
    ("吴刚", "13399998888", ("重庆市", "重庆市", "渝中区", "解放碑街道", "民族路188号"),
     3, [("TEA-LJ-250", 1)], {}, ("2026-11-20 21:00:00", "2026-11-21 09:20:00")),
    ("郑爽", "15959591234", ("福建省", "厦门市", "思明区", "鼓浪屿街道", "龙头路55号"),
     2, [("SCARF-SILK-RED", 1), ("MUG-CER-350", 1)], {"post_amount": 1200, "promotion": 2010},
     ("2026-11-21 10:15:00", "2026-11-21 11:20:00")),
]
STATUS_DESC = {1: "待支付", 105: "已支付", 2: "备货中", 101: "部分发货", 3: "已发货", 4: "已取消", 5: "已完成"}


def epoch(text):
    """A Beijing-time "yyyy-MM-dd HH:mm:ss" as Unix seconds."""
    return epoch_of(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=DOUYIN_TZ))


NEWEST_UPDATE = max(epoch(spec[-1][1]) for spec in SEED)


def mask_phone(phone):
    """The platform's mask of a mobile number: the first three and last four digits kept."""
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name):
    return name[0] + "*" * (len(name) - 1)


def build_order(order_id, spec, created=None, updated=None):
    """A shop order in the order.searchList shape from a seed spec."""
    name, phone, (province, city, town, street, detail), status, lines, extra, times = spec
    created = created if created is not None else epoch(times[0])
    updated = updated if updated is not None else epoch(times[1])
    paid = status != 1 and not extra.get("unpaid")
    sku_orders, total = [], 0
    for index, line in enumerate(lines):
        key, num = line[0], line[1]
        product_id, sku_id, title, price, code = ITEMS[key]
        refunded = len(line) > 2
        if not refunded or status == 4:
            total += price * num
        sku_orders.append({
            "order_id": str(order_id + index + 1), "parent_order_id": str(order_id), "order_status": status,
            "product_id": product_id, "product_id_str": str(product_id), "sku_id": sku_id, "code": code,
            "out_sku_id": "", "product_name": title, "spec": [{"name": "规格", "value": "标准"}],
            "item_num": num, "origin_amount": price, "sum_amount": price * num, "pay_amount": price * num,
            "after_sale_info": {"after_sale_status": 12 if refunded else 0, "after_sale_type": 2 if refunded else 0,
                                "refund_status": 3 if refunded else 0},
            "create_time": created, "update_time": updated,
            "appointment_ship_time": created + 86400 * extra["presale_days"] if "presale_days" in extra else 0,
        })
    post, promotion = extra.get("post_amount", 0), extra.get("promotion", 0)
    return {
        "order_id": str(order_id), "order_level": 2, "shop_id": SHOP_ID, "shop_name": SHOP_NAME,
        "order_status": status, "order_status_desc": STATUS_DESC[status], "order_type": 0, "b_type": 2,
        "create_time": created, "update_time": updated, "pay_time": created + 30 if paid else 0,
        "finish_time": 0, "ship_time": 0, "cancel_reason": "" if status != 4 else "买家取消",
        "order_amount": total + post, "pay_amount": total + post - promotion, "post_amount": post,
        "promotion_amount": promotion, "buyer_words": extra.get("buyer_words", ""),
        "pay_type": extra.get("pay_type", 1),   # 【支付类型】 0 货到付款, 1 微信, 2 支付宝...
        "seller_words": extra.get("seller_words", ""),
        "post_receiver": mask_name(name), "encrypt_post_receiver": f"#{name}#sandbox-cipher#",
        "post_tel": mask_phone(phone), "encrypt_post_tel": f"${phone}$sandbox-cipher$",
        "mask_post_receiver": mask_name(name), "mask_post_tel": mask_phone(phone),
        "post_addr": {"province": {"name": province, "id": "31"}, "city": {"name": city, "id": "3101"},
                      "town": {"name": town, "id": "310115"}, "street": {"name": street, "id": "310115005"},
                      "detail": detail[:4] + "****", "encrypt_detail": f"~{detail}~sandbox-cipher~"},
        "logistics_info": [], "sku_order_list": sku_orders,
        # 预约发货 (a presale): a seed's extra "presale_days" after its creation; 0 = none
        "appointment_ship_time": created + 86400 * extra["presale_days"] if "presale_days" in extra else 0,
    }


def seed_orders():
    """The seeded shop orders, ids FIRST_ORDER_ID + 10 n (sku orders take the ids after)."""
    return [build_order(FIRST_ORDER_ID + 10 * n, spec) for n, spec in enumerate(SEED)]


def build_after_sale(aftersale_id, order, *, kind=2, status=6, reason="不想要了", applied=None, updated=None,
                     whole=True, tracking=("", "")):
    """An afterSale.List item for `order` (a shop order from build_order)."""
    applied = applied if applied is not None else order["update_time"]
    sku_orders = order["sku_order_list"]
    return {
        "aftersale_info": {
            "aftersale_id": str(aftersale_id), "aftersale_order_type": 2 if whole else 1, "aftersale_type": kind,
            "aftersale_status": status, "related_id": order["order_id"] if whole else sku_orders[0]["order_id"],
            "apply_time": applied, "update_time": updated if updated is not None else applied,
            "refund_amount": order["pay_amount"] if whole else sku_orders[0]["pay_amount"], "refund_post_amount": 0,
            "aftersale_num": sum(s["item_num"] for s in sku_orders) if whole else sku_orders[0]["item_num"],
            "refund_status": 1, "return_logistics_company_name": tracking[0], "return_logistics_code": tracking[1],
        },
        "order_info": {"shop_order_id": order["order_id"], "related_order_info": [
            {"sku_order_id": s["order_id"], "order_status": s["order_status"], "pay_amount": s["pay_amount"],
             "item_num": s["item_num"], "aftersale_item_num": s["item_num"], "product_id": s["product_id"],
             "product_name": s["product_name"], "shop_sku_code": s["code"]}
            for s in (sku_orders if whole else sku_orders[:1])]},
        "text_part": {"reason_text": reason, "aftersale_status_text": "", "aftersale_type_text": ""},
    }


def seed_after_sales(orders):
    """Two after-sales: a pre-shipment refund of the second order, a return of the shipped one."""
    by_id = {o["order_id"]: o for o in orders}
    second, shipped = by_id[str(FIRST_ORDER_ID + 10)], by_id[str(FIRST_ORDER_ID + 80)]
    return [
        build_after_sale(7_100_000_000_000_000_001, second, kind=2, status=6, reason="拍错了/不想要",
                         applied=epoch("2026-11-19 14:00:00")),
        build_after_sale(7_100_000_000_000_000_002, shipped, kind=0, status=7, reason="七天无理由退货",
                         applied=epoch("2026-11-21 12:00:00"), updated=epoch("2026-11-21 12:30:00"),
                         tracking=("中通快递", "ZT7788990011")),
    ]
