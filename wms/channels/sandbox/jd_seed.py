"""Realistic JD POP orders, refund applications and stock for the JOS sandbox: Chinese buyers with
masked mobiles as JD gives them, JD's four address levels, every order state the adapter reads.

`build_order(order_id, spec, created, modified)` fills the orderInfo shape of jingdong.pop.order.search
(camelCase, money as yuan text); `orderPayment` = sum(jdPrice x itemTotal) + freightPrice - sellerDiscount.
"""
from decimal import Decimal

FIRST_ORDER_ID = 305_812_345_670
VENDER_ID = "10238476"
SHOP_NAME = "青瓷茶舍京东自营专卖店"

# JD skuId -> (outerSkuId (the merchant's code), name, price, stock)
SKUS = {
    "100012345601": ("TEA-LJ-250", "西湖龙井 明前特级 250g", "48.00", 120),
    "100012345602": ("TEA-PUER-357", "云南普洱茶饼 熟茶 357g", "128.00", 40),
    "100012345603": ("MUG-CER-350", "龙泉青瓷马克杯 350ml 梅子青", "69.90", 75),
    "100012345604": ("SCARF-SILK-RED", "杭州真丝围巾 中国红", "199.00", 12),
    "100012345605": ("", "手工竹编收纳篮 大号", "35.50", 30),   # no merchant code: lands as jd-<skuId>
}

# (name, masked mobile), (province, city, county, town, street), state, [(skuId, qty)], extra, (created, modified)
# Times are Beijing time, around 2026-11-20.
SEED = [
    (("王芳", "138****8000"), ("上海", "浦东新区", "陆家嘴街道", "", "世纪大道100号环球金融中心58楼"),
     "WAIT_SELLER_STOCK_OUT", [("100012345601", 2), ("100012345603", 1)], {},
     ("2026-11-19 09:12:30", "2026-11-19 09:15:02")),
    (("李伟", "139****3456"), ("浙江", "杭州市", "西湖区", "文新街道", "文三路90号1幢101室"),
     "WAIT_SELLER_STOCK_OUT", [("100012345602", 1)], {"orderRemark": "请周末送货，谢谢"},
     ("2026-11-19 13:40:00", "2026-11-19 13:41:10")),
    (("陈静", "135****5678"), ("广东", "深圳市", "南山区", "粤海街道", "科技园科苑路15号讯美科技广场3栋1203"),
     "WAIT_SELLER_STOCK_OUT", [("100012345604", 1)], {"payType": "1-货到付款"},
     ("2026-11-19 22:05:00", "2026-11-19 22:06:00")),
    (("张伟", "186****2000"), ("北京", "朝阳区", "三环到四环之间", "", "建国路88号SOHO现代城A座1507"),
     "WAIT_SELLER_STOCK_OUT", [("100012345601", 1), ("100012345605", 2)],
     {"venderRemark": "送小样", "invoiceInfo": "发票类型:电子发票;发票抬头:北京某某科技有限公司;发票内容:明细"},
     ("2026-11-20 08:30:00", "2026-11-20 08:31:45")),
    (("刘洋", "136****9999"), ("四川", "成都市", "武侯区", "", "人民南路四段12号华西坝1栋2单元501"),
     "LOCKED", [("100012345602", 1)], {"freightPrice": "10.00"},
     ("2026-11-20 10:02:00", "2026-11-20 10:03:00")),
    (("赵敏", "137****1111"), ("江苏", "南京市", "鼓楼区", "", "中山路18号德基广场二期"),
     "TRADE_CANCELED", [("100012345601", 1)], {},
     ("2026-11-19 20:00:00", "2026-11-20 20:00:00")),
    (("孙丽", "138****4567"), ("湖北", "武汉市", "洪山区", "", "珞喻路1037号华中科技大学东区"),
     "WAIT_GOODS_RECEIVE_CONFIRM", [("100012345603", 2)], {"waybill": "JDVA00012345678", "logisticsId": "2087"},
     ("2026-11-20 11:11:11", "2026-11-20 15:30:00")),
    (("周杰", "139****3333"), ("广东", "广州市", "天河区", "", "天河路208号天河城东塔2301"),
     "WAIT_SELLER_STOCK_OUT", [("100012345602", 2), ("100012345603", 1)], {"sellerDiscount": "20.10"},
     ("2026-11-20 16:45:00", "2026-11-20 18:00:00")),
    (("吴刚", "133****8888"), ("重庆", "渝中区", "解放碑街道", "", "民族路188号"),
     "FINISHED_L", [("100012345601", 1)], {},
     ("2026-11-18 21:00:00", "2026-11-21 09:20:00")),
    (("郑爽", "159****1234"), ("福建", "厦门市", "思明区", "鼓浪屿街道", "龙头路55号"),
     "WAIT_SELLER_STOCK_OUT", [("100012345604", 1), ("100012345601", 1)], {"freightPrice": "12.00"},
     ("2026-11-21 10:15:00", "2026-11-21 11:20:00")),
]

# Refund applications (退款审核单): (seed order index, status, reason, applyTime, checkTime)
REFUNDS = [
    (4, 0, "不想要了", "2026-11-20 10:03:00", None),
    (5, 6, "拍错了/多拍了", "2026-11-20 19:40:00", "2026-11-20 20:00:00"),
    (1, 2, "地址填错了", "2026-11-19 14:00:00", "2026-11-19 16:30:00"),
]
FIRST_REFUND_ID = 7_650_001


def build_order(order_id, spec, created=None, modified=None):
    """An orderInfo (jingdong.pop.order.search shape) from a seed spec; times are JOS strings."""
    (name, mobile), (province, city, county, town, street), state, lines, extra, times = spec
    created, modified = created or times[0], modified or times[1]
    items, total = [], Decimal("0")
    for sku_id, qty in lines:
        outer, title, price, _stock = SKUS[sku_id]
        total += Decimal(price) * qty
        items.append({"skuId": sku_id, "outerSkuId": outer, "skuName": title, "jdPrice": price,
                      "itemTotal": str(qty), "wareId": str(int(sku_id) // 100), "giftPoint": "0"})
    freight, discount = Decimal(extra.get("freightPrice", "0.00")), Decimal(extra.get("sellerDiscount", "0.00"))
    order = {
        "orderId": str(order_id), "venderId": VENDER_ID, "orderType": "22", "payType": extra.get("payType", "4-在线支付"),
        "orderTotalPrice": f"{total:.2f}", "orderSellerPrice": f"{total - discount:.2f}",
        "orderPayment": f"{total - discount + freight:.2f}", "freightPrice": f"{freight:.2f}",
        "sellerDiscount": f"{discount:.2f}", "orderState": state, "orderStateRemark": "",
        "orderRemark": extra.get("orderRemark", ""), "venderRemark": extra.get("venderRemark", ""),
        "orderStartTime": created, "orderEndTime": "", "modified": modified,
        "paymentConfirmTime": "" if extra.get("payType", "").startswith("1") else created,  # COD: paid on delivery
        "consigneeInfo": {"fullname": name, "mobile": mobile, "telephone": mobile, "province": province,
                          "city": city, "county": county, "town": town,
                          "fullAddress": f"{province}{city}{county}{town}{street}"},
        "invoiceInfo": extra.get("invoiceInfo", "不需要开具发票"),   # JD's words when no invoice is asked for
        "itemInfoList": items, "waybill": extra.get("waybill", ""), "logisticsId": extra.get("logisticsId", ""),
    }
    return order


def seed_orders():
    """The seeded orders, orderId FIRST_ORDER_ID + n."""
    return [build_order(FIRST_ORDER_ID + n, spec) for n, spec in enumerate(SEED)]


def seed_refunds(orders):
    """The seeded refund applications (RefundApplyVo shape), applyRefundSum in fen."""
    refunds = []
    for n, (index, status, reason, applied, checked) in enumerate(REFUNDS):
        order = orders[index]
        refunds.append({"id": str(FIRST_REFUND_ID + n), "orderId": order["orderId"], "buyerId": f"jd_{index:04d}",
                        "buyerName": order["consigneeInfo"]["fullname"], "status": status, "reason": reason,
                        "applyRefundSum": int(Decimal(order["orderPayment"]) * 100), "applyTime": applied,
                        "checkTime": checked or "", "checkUserName": "sandbox" if checked else ""})
    return refunds


def seed_stock():
    """JD skuId -> stock on JD's side."""
    return {sku_id: spec[3] for sku_id, spec in SKUS.items()}
