"""Realistic Taobao trades for the TOP sandbox: Chinese buyers and addresses, every trade state.

`build_trade(tid, spec, created, modified)` fills the trade shape of
`taobao.trades.sold.increment.get` (orders nested as {"order": [...]}), with `payment` computed
from the sub-orders with Decimal the way TOP's add up (price x num - discount + post_fee).
"""
from datetime import datetime, timedelta
from decimal import Decimal

FIRST_TID = 3_912_604_118_520_000_000
FIRST_OID = 3_912_604_118_530_000_000
SHOP_NICK = "青瓷茶舍旗舰店"
SELLER_USER_ID = 2_206_512_345_678

# num_iid, sku_id, title, price, outer_iid, outer_sku_id
ITEMS = {
    "TEA-LJ-250": (612345678901, 4_876_543_210_001, "西湖龙井 明前特级 250g", "48.00", "TEA-LJ", "TEA-LJ-250"),
    "TEA-PUER-357": (612345678902, 4_876_543_210_002, "云南普洱茶饼 熟茶 357g", "128.00", "TEA-PUER", "TEA-PUER-357"),
    "MUG-CER-350": (612345678903, 4_876_543_210_003, "龙泉青瓷马克杯 350ml 梅子青", "69.90", "MUG-CER", "MUG-CER-350"),
    "SCARF-SILK-RED": (612345678904, 4_876_543_210_004, "杭州真丝围巾 中国红", "199.00", "SCARF-SILK", "SCARF-SILK-RED"),
    "FAN-SANDAL-01": (612345678905, None, "苏州檀香扇 女式 折扇", "88.00", "FAN-SANDAL-01", ""),
    "TB-GIFT-BOX": (612345678906, 4_876_543_210_006, "茶礼盒 中秋送礼 龙井+普洱", "268.00", "GIFT", "TB-GIFT-BOX"),
    "BASKET": (623456789012, 4_987_654_321_098, "手工竹编收纳篮 大号", "35.50", "", ""),
}

# (receiver, address, status, [(item, num) or (item, num, sub-order status)], extra, (created, modified))
# Times are Beijing time, days before/after 2026-11-20.
SEED = [
    (("王芳", "13800138000"), ("上海", "上海市", "浦东新区", "世纪大道100号环球金融中心58楼", "200120"),
     "WAIT_SELLER_SEND_GOODS", [("TEA-LJ-250", 2), ("MUG-CER-350", 1)], {},
     ("2026-11-19 09:12:30", "2026-11-19 09:15:02")),
    (("李伟", "13957123456"), ("浙江省", "杭州市", "西湖区", "文三路90号1幢101室", "310012"),
     "WAIT_SELLER_SEND_GOODS", [("TEA-PUER-357", 1)], {"buyer_message": "请周末送货，谢谢"},
     ("2026-11-19 13:40:00", "2026-11-19 13:41:10")),
    (("陈静", "13512345678"), ("广东省", "深圳市", "南山区", "科技园科苑路15号讯美科技广场3栋1203", "518057"),
     "WAIT_BUYER_PAY", [("SCARF-SILK-RED", 1)], {},
     ("2026-11-19 22:05:00", "2026-11-19 22:05:00")),
    (("张伟", "18610002000"), ("北京", "北京市", "朝阳区", "建国路88号SOHO现代城A座1507", "100022"),
     "WAIT_SELLER_SEND_GOODS", [("FAN-SANDAL-01", 1), ("BASKET", 2)], {"seller_memo": "送小样"},
     ("2026-11-20 08:30:00", "2026-11-20 08:31:45")),
    (("刘洋", "13688889999"), ("四川省", "成都市", "武侯区", "人民南路四段12号华西坝1栋2单元501", "610041"),
     "WAIT_SELLER_SEND_GOODS", [("TB-GIFT-BOX", 1)], {"post_fee": "10.00"},
     ("2026-11-20 10:02:00", "2026-11-20 10:03:00")),
    (("赵敏", "13770001111"), ("江苏省", "南京市", "鼓楼区", "中山路18号德基广场二期", "210008"),
     "TRADE_CLOSED_BY_TAOBAO", [("TEA-LJ-250", 1)], {},
     ("2026-11-19 20:00:00", "2026-11-20 20:00:00")),
    (("孙丽", "13871234567"), ("湖北省", "武汉市", "洪山区", "珞喻路1037号华中科技大学东区", "430074"),
     "TRADE_CLOSED", [("MUG-CER-350", 2)], {},
     ("2026-11-20 11:11:11", "2026-11-20 15:30:00")),
    (("周杰", "13922223333"), ("广东省", "广州市", "天河区", "天河路208号天河城东塔2301", "510620"),
     "WAIT_SELLER_SEND_GOODS", [("TEA-PUER-357", 2), ("MUG-CER-350", 1, "TRADE_CLOSED")], {"type": "cod"},
     ("2026-11-20 16:45:00", "2026-11-20 18:00:00")),
    (("吴刚", "13399998888"), ("重庆", "重庆市", "渝中区", "解放碑民族路188号", "400010"),
     "WAIT_BUYER_CONFIRM_GOODS", [("TEA-LJ-250", 1)], {},
     ("2026-11-20 21:00:00", "2026-11-21 09:20:00")),
    (("郑爽", "15959591234"), ("福建省", "厦门市", "思明区", "鼓浪屿龙头路55号", "361002"),
     "WAIT_SELLER_SEND_GOODS", [("SCARF-SILK-RED", 1), ("FAN-SANDAL-01", 1)],
     {"post_fee": "12.00", "discount": "20.10"},
     ("2026-11-21 10:15:00", "2026-11-21 11:20:00")),
]

NEWEST_MODIFIED = max(spec[-1][1] for spec in SEED)


def top_time(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def build_trade(tid, spec, created=None, modified=None):
    """A trade in the increment.get shape from a seed spec (times as TOP strings, Beijing time)."""
    (name, mobile), (state, city, district, address, zip_code), status, lines, extra, times = spec
    created, modified = created or times[0], modified or times[1]
    orders, total = [], Decimal("0")
    for index, line in enumerate(lines):
        key, num = line[0], line[1]
        num_iid, sku_id, title, price, outer_iid, outer_sku_id = ITEMS[key]
        sub_status = line[2] if len(line) > 2 else status
        payment = Decimal(price) * num
        if sub_status not in ("TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO") or status.startswith("TRADE_CLOSED"):
            total += payment
        order = {"oid": FIRST_OID + (tid - FIRST_TID) * 10 + index, "num_iid": num_iid, "title": title,
                 "price": price, "num": num, "payment": f"{payment:.2f}", "status": sub_status,
                 "refund_status": "SUCCESS" if sub_status == "TRADE_CLOSED" else "NO_REFUND",
                 "outer_iid": outer_iid}
        if sku_id:
            order["sku_id"] = str(sku_id)
            order["outer_sku_id"] = outer_sku_id
            order["sku_properties_name"] = "规格:标准"
        orders.append(order)
    post_fee, discount = Decimal(extra.get("post_fee", "0.00")), Decimal(extra.get("discount", "0.00"))
    trade = {
        "tid": tid, "status": status, "type": extra.get("type", "fixed"),   # cod: 货到付款 "buyer_nick": f"{name[0]}**",
        "seller_nick": SHOP_NICK, "created": created, "modified": modified,
        "pay_time": None if status in ("WAIT_BUYER_PAY", "TRADE_CLOSED_BY_TAOBAO") else created,
        "payment": f"{total - discount + post_fee:.2f}", "post_fee": f"{post_fee:.2f}",
        "total_fee": f"{total:.2f}", "discount_fee": f"{discount:.2f}",
        "receiver_name": name, "receiver_mobile": mobile, "receiver_phone": "",
        "receiver_state": state, "receiver_city": city, "receiver_district": district,
        "receiver_town": "", "receiver_address": address, "receiver_zip": zip_code,
        "receiver_country": "", "buyer_message": extra.get("buyer_message", ""),
        "seller_memo": extra.get("seller_memo", ""), "orders": {"order": orders},
    }
    return trade


def seed_trades():
    """The seeded trades, tid FIRST_TID + n."""
    return [build_trade(FIRST_TID + n, spec) for n, spec in enumerate(SEED)]


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def later(text, seconds=1):
    return top_time(parse_time(text) + timedelta(seconds=seconds))
