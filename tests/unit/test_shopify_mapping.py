"""Shopify order JSON -> our canonical order record, money to cents, cursors and Link headers."""
import copy

import pytest

from wms.channels.base import to_cents
from wms.channels.sandbox.shopify_seed import seed_orders
from wms.channels.shopify_gateway import next_page_url
from wms.channels.shopify_orders import order_to_record, to_cursor

CANONICAL_KEYS = {"external_id", "ordered_at", "buyer_name", "buyer_phone", "buyer_email", "country",
                  "province", "city", "district", "address", "postcode", "total_cents", "currency",
                  "payment_status", "buyer_remark", "seller_note", "tags", "priority", "carrier_code",
                  "lines", "cancelled_at", "cash_on_delivery", "invoice_requested"}

SHOPIFY_ORDER = {
    "id": 450789469, "name": "#1001", "email": "wang.fang@example.cn",
    "created_at": "2026-11-20T10:15:30+08:00", "updated_at": "2026-11-20T10:20:00+08:00",
    "cancelled_at": None, "financial_status": "paid", "currency": "CNY", "total_price": "598.10",
    "note": "请周末送货", "tags": "VIP, 复购 ,  ", "phone": None,
    "shipping_address": {"name": "王芳", "address1": "浦东新区世纪大道100号", "address2": "58楼",
                         "city": "上海市", "province": "Shanghai", "province_code": "SH",
                         "country_code": "cn", "zip": "200120", "phone": "+86 138 0013 8000"},
    "line_items": [
        {"id": 1, "sku": "TEA-LJ-250", "name": "西湖龙井 250g", "title": "西湖龙井", "quantity": 2,
         "price": "48.00", "requires_shipping": True},
        {"id": 2, "sku": "MUG-CER-350", "name": "Mug - Celadon", "title": "Mug", "quantity": 3,
         "current_quantity": 1, "price": "69.90", "requires_shipping": True},
        {"id": 3, "sku": "GIFT-WRAP", "name": "Gift wrap", "quantity": 1, "price": "5.00",
         "requires_shipping": False},
        {"id": 4, "sku": None, "variant_id": 777, "name": "Card", "quantity": 1, "price": "0.00"},
    ],
}


def test_a_shopify_order_maps_to_every_canonical_field():
    record = order_to_record(SHOPIFY_ORDER)

    assert set(record) == CANONICAL_KEYS
    assert record["external_id"] == "450789469"
    assert record["ordered_at"] == "2026-11-20T02:15:30"  # naive UTC, like every stored time
    assert (record["buyer_name"], record["buyer_phone"], record["buyer_email"]) == (
        "王芳", "+86 138 0013 8000", "wang.fang@example.cn")
    assert (record["country"], record["province"], record["city"], record["postcode"]) == (
        "CN", "Shanghai", "上海市", "200120")
    assert record["address"] == "浦东新区世纪大道100号 58楼"
    assert (record["total_cents"], record["currency"], record["payment_status"]) == (59810, "CNY", "paid")
    assert record["buyer_remark"] == "请周末送货"
    assert record["tags"] == ["VIP", "复购"]
    assert record["cancelled_at"] is None
    assert (record["cash_on_delivery"], record["invoice_requested"]) == (False, False)


def test_lines_keep_current_quantity_and_skip_what_needs_no_shipping():
    lines = order_to_record(SHOPIFY_ORDER)["lines"]

    assert lines == [
        {"sku_code": "TEA-LJ-250", "name": "西湖龙井 250g", "qty": 2, "unit_price_cents": 4800,
         "list_price_cents": None},
        {"sku_code": "MUG-CER-350", "name": "Mug - Celadon", "qty": 1, "unit_price_cents": 6990,
         "list_price_cents": None},
        {"sku_code": "shopify-variant-777", "name": "Card", "qty": 1, "unit_price_cents": 0,
         "list_price_cents": None},
    ]


def test_a_fully_refunded_line_is_dropped():
    order = copy.deepcopy(SHOPIFY_ORDER)
    order["line_items"][0]["current_quantity"] = 0

    assert [line["sku_code"] for line in order_to_record(order)["lines"]] == [
        "MUG-CER-350", "shopify-variant-777"]


@pytest.mark.parametrize("financial, ours", [
    ("paid", "paid"), ("partially_refunded", "paid"), ("pending", "pending"), ("authorized", "pending"),
    ("partially_paid", "pending"), ("refunded", "refunded"), ("voided", "refunded"), (None, "pending"),
])
def test_financial_status_maps_to_our_payment_status(financial, ours):
    order = {**SHOPIFY_ORDER, "financial_status": financial}

    assert order_to_record(order)["payment_status"] == ours


def test_a_cancelled_order_carries_its_cancellation_time_in_utc():
    order = {**SHOPIFY_ORDER, "cancelled_at": "2026-11-21T09:00:00-05:00"}

    assert order_to_record(order)["cancelled_at"] == "2026-11-21T14:00:00"


def test_missing_shipping_address_falls_back_to_billing_and_customer():
    order = {**SHOPIFY_ORDER, "shipping_address": None,
             "billing_address": {"first_name": "John", "last_name": "Smith", "country_code": "US",
                                 "city": "New York", "address1": "350 Fifth Ave", "zip": "10118"},
             "phone": "+1 212-555-0142"}

    record = order_to_record(order)

    assert (record["buyer_name"], record["country"], record["buyer_phone"]) == (
        "John Smith", "US", "+1 212-555-0142")


@pytest.mark.parametrize("amount, cents", [
    ("598.10", 59810), ("0.00", 0), ("12800", 1280000), ("0.1", 10), ("19.999", None),
    ("1.250", 125), ("1e2", 10000), (None, 0), ("", 0), ("abc", None),
])
def test_decimal_strings_become_exact_integer_cents(amount, cents):
    if cents is None:
        with pytest.raises(ValueError):
            to_cents(amount)
    else:
        assert to_cents(amount) == cents


def test_cursor_is_utc_and_sorts_as_text_across_offsets():
    shanghai = to_cursor("2026-11-20T08:00:00+08:00")
    new_york = to_cursor("2026-11-19T20:00:01-05:00")

    assert shanghai == "2026-11-20T00:00:00+00:00"
    assert new_york == "2026-11-20T01:00:01+00:00"
    assert shanghai < new_york


def test_next_page_url_reads_the_next_link_only():
    header = ('<https://shop.myshopify.com/admin/api/2025-01/orders.json?limit=2&page_info=abc>; rel="previous", '
              '<https://shop.myshopify.com/admin/api/2025-01/orders.json?limit=2&page_info=def>; rel="next"')

    assert next_page_url(header).endswith("page_info=def")
    assert next_page_url(header.split(", ")[0]) is None
    assert next_page_url(None) is None


def test_every_seeded_sandbox_order_maps_without_error():
    records = [order_to_record(order) for order in seed_orders()]

    assert len({r["external_id"] for r in records}) == len(records)
    assert {r["country"] for r in records} >= {"CN", "US", "DE", "JP", "HK", "GB"}
    assert all(r["lines"] and r["total_cents"] > 0 for r in records)
