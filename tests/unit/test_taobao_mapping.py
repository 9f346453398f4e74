"""TOP trade JSON -> our canonical order record: money to cents, Beijing time to UTC, SKU keys."""
import copy

import pytest

from wms.channels.base import to_cents
from wms.channels.sandbox.taobao_seed import seed_trades
from wms.channels.taobao_protocol import ban_seconds, format_top_time, from_cursor, to_cursor, trades_of, unwrap
from wms.channels.taobao_trades import company_code, platform_sku, trade_to_record

CANONICAL_KEYS = {"external_id", "ordered_at", "buyer_name", "buyer_phone", "buyer_email", "country",
                  "province", "city", "district", "address", "postcode", "total_cents", "currency",
                  "payment_status", "buyer_remark", "seller_note", "tags", "priority", "carrier_code",
                  "lines", "cancelled_at", "cash_on_delivery", "invoice_requested"}

TRADE = {
    "tid": 3912604118520000123, "status": "WAIT_SELLER_SEND_GOODS", "payment": "598.10", "post_fee": "10.00",
    "created": "2026-11-20 10:15:30", "modified": "2026-11-20 10:20:00",
    "receiver_name": "王芳", "receiver_mobile": "13800138000", "receiver_phone": "021-5555 1234",
    "receiver_state": "上海", "receiver_city": "上海市", "receiver_district": "浦东新区",
    "receiver_town": "陆家嘴街道", "receiver_address": "世纪大道100号 58楼 ", "receiver_zip": "200120",
    "buyer_message": " 请周末送货 ", "seller_memo": "送小样",
    "orders": {"order": [
        {"oid": 1, "num_iid": 612345678901, "sku_id": "4876543210001", "outer_sku_id": "TEA-LJ-250",
         "outer_iid": "TEA-LJ", "title": "西湖龙井 250g", "num": 2, "price": "48.00", "status": "WAIT_SELLER_SEND_GOODS"},
        {"oid": 2, "num_iid": 612345678905, "outer_iid": "FAN-SANDAL-01", "title": "檀香扇", "num": 1,
         "price": "88.00", "status": "WAIT_SELLER_SEND_GOODS"},
        {"oid": 3, "num_iid": 623456789012, "sku_id": "4987654321098", "outer_sku_id": "", "outer_iid": "",
         "title": "竹编收纳篮", "num": 3, "price": "35.50", "status": "WAIT_SELLER_SEND_GOODS"},
        {"oid": 4, "num_iid": 612345678903, "outer_sku_id": "MUG-CER-350", "title": "马克杯", "num": 1,
         "price": "69.90", "status": "TRADE_CLOSED", "refund_status": "SUCCESS"},
    ]},
}


def test_a_trade_maps_to_every_canonical_field():
    record = trade_to_record(TRADE)

    assert set(record) == CANONICAL_KEYS
    assert record["external_id"] == "3912604118520000123"
    assert record["ordered_at"] == "2026-11-20T02:15:30"  # Beijing time -> naive UTC
    assert (record["buyer_name"], record["buyer_phone"], record["buyer_email"]) == ("王芳", "13800138000", "")
    assert (record["country"], record["province"], record["city"], record["district"]) == ("CN", "上海", "上海市", "浦东新区")
    assert record["address"] == "陆家嘴街道 世纪大道100号 58楼"
    assert (record["postcode"], record["total_cents"], record["currency"]) == ("200120", 59810, "CNY")
    assert (record["payment_status"], record["cancelled_at"]) == ("paid", None)
    assert (record["cash_on_delivery"], record["invoice_requested"]) == (False, False)
    assert (record["buyer_remark"], record["seller_note"]) == ("请周末送货", "送小样")


def test_line_sku_is_outer_sku_id_then_outer_iid_then_a_platform_key_and_refunded_lines_are_dropped():
    lines = trade_to_record(TRADE)["lines"]

    assert [(l["sku_code"], l["qty"], l["unit_price_cents"]) for l in lines] == [
        ("TEA-LJ-250", 2, 4800), ("FAN-SANDAL-01", 1, 8800), ("tb-623456789012-4987654321098", 3, 3550)]
    assert lines[0]["name"] == "西湖龙井 250g"


def test_an_item_without_sku_and_without_merchant_codes_is_keyed_by_num_iid():
    assert platform_sku({"num_iid": 42, "outer_iid": " "}) == "tb-42"


def test_unpaid_trades_are_pending_and_closed_ones_carry_cancelled_at():
    unpaid = trade_to_record({**TRADE, "status": "WAIT_BUYER_PAY"})
    refunded = trade_to_record({**TRADE, "status": "TRADE_CLOSED"})
    closed_unpaid = trade_to_record({**TRADE, "status": "TRADE_CLOSED_BY_TAOBAO"})

    assert (unpaid["payment_status"], unpaid["cancelled_at"]) == ("pending", None)
    assert (refunded["payment_status"], refunded["cancelled_at"]) == ("refunded", "2026-11-20T02:20:00")
    assert closed_unpaid["payment_status"] == "pending" and closed_unpaid["cancelled_at"]
    assert len(refunded["lines"]) == 4  # a cancelled trade keeps its lines: it is cancelled whole


@pytest.mark.parametrize("status", ["WAIT_BUYER_CONFIRM_GOODS", "TRADE_FINISHED", "SELLER_CONSIGNED_PART"])
def test_paid_statuses_are_paid(status):
    assert trade_to_record({**TRADE, "status": status})["payment_status"] == "paid"


def test_paid_but_forbidden_to_ship_group_buys_are_held_as_pending():
    assert trade_to_record({**TRADE, "status": "PAID_FORBID_CONSIGN"})["payment_status"] == "pending"


def test_money_strings_become_exact_cents_and_fractions_of_a_cent_are_refused():
    assert [to_cents(v) for v in ("0.10", "0.29", "1234.56", "19.9", "", None)] == [10, 29, 123456, 1990, 0, 0]
    with pytest.raises(ValueError, match="fractions of a cent"):
        to_cents("1.005")
    with pytest.raises(ValueError, match="not a money amount"):
        to_cents("¥12")


def test_cursors_are_utc_iso_text_that_sorts_and_round_trips_to_top_time():
    assert to_cursor("2026-11-20 10:20:00") == "2026-11-20T02:20:00+00:00"
    assert to_cursor("2026-11-20 07:59:59") < to_cursor("2026-11-20 08:00:00")
    assert format_top_time(from_cursor("2026-11-20T02:20:00+00:00")) == "2026-11-20 10:20:00"
    assert format_top_time(from_cursor("2026-11-19T16:00:00Z")) == "2026-11-20 00:00:00"


def test_simplified_and_wrapped_answers_are_both_understood():
    wrapped = {"trades_sold_increment_get_response": {"has_next": False, "trades": {"trade": [{"tid": 1}]}}}
    simple = {"has_next": False, "trades": [{"tid": 1}]}
    for payload in (wrapped, simple):
        assert trades_of(unwrap(payload, "taobao.trades.sold.increment.get")) == [{"tid": 1}]
    assert trade_to_record({**TRADE, "orders": TRADE["orders"]["order"]})["lines"] == trade_to_record(TRADE)["lines"]


def test_call_limit_waits_what_the_sub_message_says_within_bounds():
    assert ban_seconds("This ban will last for 12 more seconds") == 12.0
    assert ban_seconds("This ban will last for 3600 more seconds") == 60.0
    assert ban_seconds("") == 1.0


def test_carriers_map_to_top_company_codes():
    assert [company_code(c) for c in ("SF Express", "顺丰速运", "zto", "中通快递", "韵达快递", "JD", "京东物流",
                                      "中国邮政 EMS", "xyz")] == [
        "SF", "SF", "ZTO", "ZTO", "YUNDA", "JD", "JD", "POSTB", "XYZ"]


def test_every_seeded_trade_maps_and_their_totals_add_up():
    for trade in seed_trades():
        record = trade_to_record(copy.deepcopy(trade))
        assert record["lines"], trade["tid"]
        lines = sum(l["qty"] * l["unit_price_cents"] for l in record["lines"])
        assert record["total_cents"] == lines - to_cents(trade["discount_fee"]) + to_cents(trade["post_fee"])
