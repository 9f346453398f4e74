"""Realistic Shopify orders for the sandbox: Chinese and international buyers, every payment state.

`build_order(n, spec, at)` fills the Admin REST order shape (totals computed from the lines with
Decimal so they add up the way Shopify's do).
"""
import zlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal

SHOP_TZ = timezone(timedelta(hours=8))  # the sandbox shop runs on Asia/Shanghai time
FIRST_ID = 6_120_000_000_000
FIRST_NUMBER = 1001

CATALOGUE = {
    "TEA-LJ-250": ("西湖龙井 250g", "48.00"),
    "TEA-PUER-357": ("云南普洱茶饼 357g", "128.00"),
    "MUG-CER-350": ("Ceramic Mug 350ml - Celadon", "69.90"),
    "SCARF-SILK-RED": ("真丝围巾 - 中国红", "199.00"),
    "CHOP-BAMBOO-10": ("Bamboo Chopsticks (10 pairs)", "25.50"),
    "FAN-SANDAL-01": ("檀香扇 Sandalwood Fan", "88.00"),
}

# (buyer, address, currency, financial_status, lines [(sku, qty)], extra fields)
SEED = [
    (("王芳", "+86 138 0013 8000", "wang.fang@example.cn"),
     ("CN", "Shanghai", "SH", "上海市", "浦东新区世纪大道100号", "环球金融中心 58楼", "200120"),
     "CNY", "paid", [("TEA-LJ-250", 2), ("MUG-CER-350", 1)], {"compare_at": {"TEA-LJ-250": "58.00"}}),
    (("李伟", "+86 139 5712 3456", "liwei@example.cn"),
     ("CN", "Zhejiang", "ZJ", "杭州市", "西湖区文三路90号1幢101室", "", "310012"),
     "CNY", "paid", [("TEA-PUER-357", 1)], {"note": "请周末送货，谢谢", "tags": "VIP, 复购"}),
    (("陈静", "+86 135 1234 5678", "chenjing@example.cn"),
     ("CN", "Guangdong", "GD", "深圳市", "南山区科技园科苑路15号", "讯美科技广场 3栋 1203", "518057"),
     "CNY", "pending", [("SCARF-SILK-RED", 1)], {"gateways": ["Cash on Delivery (COD)"]}),   # 货到付款
    (("John Smith", "+1 212-555-0142", "john.smith@example.com"),
     ("US", "New York", "NY", "New York", "350 Fifth Avenue", "Suite 4200", "10118"),
     "USD", "paid", [("MUG-CER-350", 2), ("CHOP-BAMBOO-10", 1)], {"tags": "wholesale"}),
    (("Anna Müller", "+49 30 1234567", "anna.mueller@example.de"),
     ("DE", "Berlin", "BE", "Berlin", "Friedrichstraße 123", "", "10117"),
     "EUR", "paid", [("FAN-SANDAL-01", 1)], {"note": "Bitte beim Nachbarn abgeben"}),
    (("佐藤 花子", "+81 3-1234-5678", "hanako.sato@example.jp"),
     ("JP", "Tokyo", "JP-13", "Shibuya-ku", "神南1-2-3", "渋谷ビル 5F", "150-0041"),
     "JPY", "paid", [("TEA-LJ-250", 1)], {"prices": {"TEA-LJ-250": "980"}, "shipping": "1500"}),
    (("黄志明", "+852 9123 4567", "wong.chiming@example.hk"),
     ("HK", "Hong Kong Island", "HK", "Central", "皇后大道中 99 號", "中環中心 28 樓", ""),
     "HKD", "refunded", [("TEA-PUER-357", 2)], {"cancelled": True}),
    (("Emily Chen", "+44 20 7946 0958", "emily.chen@example.co.uk"),
     ("GB", "England", "ENG", "London", "221B Baker Street", "", "NW1 6XE"),
     "GBP", "voided", [("SCARF-SILK-RED", 1)], {"cancelled": True}),
    (("张伟", "+86 186 1000 2000", "zhangwei@example.cn"),
     ("CN", "Beijing", "BJ", "北京市", "朝阳区建国路88号", "SOHO现代城 A座 1507", "100022"),
     "CNY", "paid", [("CHOP-BAMBOO-10", 3), ("GIFT-WRAP", 1), ("", 1)], {"tags": "礼品"}),
    (("Liam O'Brien", "+61 2 9374 4000", "liam.obrien@example.com.au"),
     ("AU", "New South Wales", "NSW", "Sydney", "1 Macquarie Street", "", "2000"),
     "AUD", "partially_refunded", [("MUG-CER-350", 2), ("TEA-LJ-250", 1)], {"refund_one": "MUG-CER-350"}),
    (("Tan Wei Ling 陈慧玲", "+65 6123 4567", "weiling.tan@example.sg"),
     ("SG", "", "", "Singapore", "1 Raffles Place", "#20-61 One Raffles Place", "048616"),
     "SGD", "authorized", [("FAN-SANDAL-01", 2)], {}),
    (("林志玲", "+886 2 2345 6789", "lin.chiling@example.tw"),
     ("TW", "Taipei City", "TPE", "台北市", "信義區信義路五段7號", "台北101 35樓", "110"),
     "TWD", "paid", [("TEA-LJ-250", 1)], {"prices": {"TEA-LJ-250": "1280.00"}, "shipping": "0.00"}),
]


def seed_orders(first_id=FIRST_ID, start=datetime(2026, 11, 15, 9, 0, tzinfo=SHOP_TZ)):
    """The seeded orders, created roughly every 11 hours from `start`."""
    return [build_order(first_id + n, FIRST_NUMBER + n, spec, start + timedelta(hours=11 * n, minutes=7 * n))
            for n, spec in enumerate(SEED)]


def build_order(order_id, number, spec, created):
    """One order in the Admin REST shape, timestamps in the shop's time zone."""
    (name, phone, email), address, currency, financial, lines, extra = spec
    country, province, province_code, city, address1, address2, postcode = address
    first, _, last = name.partition(" ")
    line_items = [_line_item(order_id, i, sku, qty, extra) for i, (sku, qty) in enumerate(lines)]
    subtotal = sum(Decimal(item["price"]) * item["current_quantity"] for item in line_items)
    shipping = Decimal(extra.get("shipping", "10.00"))
    stamp = created.isoformat(timespec="seconds")
    updated = (created + timedelta(minutes=3)).isoformat(timespec="seconds")
    ship = {"first_name": first, "last_name": last, "name": name, "phone": phone, "company": None,
            "address1": address1, "address2": address2, "city": city, "province": province,
            "province_code": province_code, "country": country, "country_code": country, "zip": postcode}
    cancelled = extra.get("cancelled")
    return {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}", "order_number": number, "number": number - 1000,
        "email": email, "contact_email": email, "phone": phone,
        "created_at": stamp, "processed_at": stamp, "updated_at": updated,
        "cancelled_at": updated if cancelled else None,
        "cancel_reason": "customer" if cancelled else None, "closed_at": updated if cancelled else None,
        "financial_status": financial, "fulfillment_status": None,
        "payment_gateway_names": extra.get("gateways", ["shopify_payments"] if financial != "pending" else []),
        "currency": currency, "presentment_currency": currency,
        "subtotal_price": _fmt(subtotal, currency), "total_tax": _fmt(Decimal(0), currency),
        "total_discounts": _fmt(Decimal(0), currency),
        "total_price": _fmt(subtotal + shipping, currency),
        "note": extra.get("note"), "tags": extra.get("tags", ""),
        "customer": {"id": order_id + 500_000, "email": email, "first_name": first, "last_name": last,
                     "phone": phone},
        "shipping_address": ship, "billing_address": dict(ship),
        "shipping_lines": [{"id": order_id + 900_000, "code": "Standard", "title": "Standard Shipping",
                            "price": _fmt(shipping, currency), "source": "shopify"}],
        "line_items": line_items, "fulfillments": [], "refunds": [],
    }


def _line_item(order_id, index, sku, qty, extra):
    name, price = CATALOGUE.get(sku, ("Gift wrapping 礼品包装", "5.00") if sku == "GIFT-WRAP"
                                else ("Hand-written card 手写贺卡", "0.00"))
    price = extra.get("prices", {}).get(sku, price)
    current = qty - 1 if extra.get("refund_one") == sku else qty
    title, _, variant = name.partition(" - ")
    return {"id": order_id * 10 + index, "admin_graphql_api_id": f"gid://shopify/LineItem/{order_id * 10 + index}",
            "variant_id": 4_400_000_000 + zlib.crc32(sku.encode()) % 1_000_000 if sku else 4_499_999_999,
            "product_id": 8_800_000_000 + len(sku), "sku": sku or None, "name": name, "title": title,
            "variant_title": variant or None, "vendor": "Sandbox Tea Co.", "quantity": qty,
            "current_quantity": current, "fulfillable_quantity": current, "fulfillment_status": None,
            "price": price, "grams": 300, "requires_shipping": sku != "GIFT-WRAP", "taxable": True,
            "gift_card": False, "total_discount": "0.00",
            **({"compare_at_price": extra["compare_at"][sku]} if sku in extra.get("compare_at", {}) else {})}


def _fmt(amount, currency):
    return f"{amount:.0f}" if currency == "JPY" else f"{amount:.2f}"
