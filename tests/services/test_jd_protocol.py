"""The JOS protocol and JD's shapes, without a network: the signature against a vector computed with
JD's own SDK rule, the business-parameter JSON, JD times, and the order / refund mappings."""
import hashlib
import json

import pytest
from hypothesis import given, settings, strategies as st

from wms.channels.jd_orders import carrier_id, order_to_record, refund_to_record, street_address
from wms.channels.jd_protocol import naive_utc, param_json, sign_request, to_cursor, unwrap, verify_signature
from wms.channels.sandbox.jd_seed import SEED, build_order

# The example request of JOS's 开发规范 (360buy.order.search with its 360buy_param_json), signed with
# the secret "test-secret". SIGNED was computed with the `sign()` of JD's Python SDK (PsKs/jd-sdk
# jd/api/base.py: md5(secret + sorted key+value + secret), upper hex); no digest is published by JD.
EXAMPLE = {
    "method": "360buy.order.search", "app_key": "123456780233FA31AD94AA59CFA65305",
    "access_token": "12345678-b0e1-4d0c-9d10-a998d9597d75", "timestamp": "2013-05-20 12:00:00", "v": "2.0",
    "360buy_param_json": '{"end_date":"2013-12-01 00:00:00","order_state":"WAIT_SELLER_STOCK_OUT,'
                         'WAIT_GOODS_RECEIVE_CONFIRM","page":"1","page_size":"20","start_date":"2013-05-01 00:00:00"}',
}
SIGNED = "BA02FBCC06E79B3BBA4FB7CD1766BFD8"


def test_the_signature_matches_the_vector_made_with_jds_sdk_rule():
    assert sign_request(EXAMPLE, "test-secret") == SIGNED


def test_the_signature_is_md5_of_the_secret_around_the_sorted_names_and_values():
    text = ("test-secret" + "360buy_param_json" + EXAMPLE["360buy_param_json"] + "access_token" + EXAMPLE["access_token"]
            + "app_key" + EXAMPLE["app_key"] + "method360buy.order.search" + "timestamp2013-05-20 12:00:00"
            + "v2.0" + "test-secret")
    assert hashlib.md5(text.encode()).hexdigest().upper() == SIGNED


def test_the_sign_itself_is_left_out_and_a_changed_value_fails_verification():
    signed = {**EXAMPLE, "sign": SIGNED}
    assert verify_signature(signed, "test-secret") and verify_signature({**signed, "sign": SIGNED.lower()}, "test-secret")
    assert not verify_signature({**signed, "v": "1.0"}, "test-secret")
    assert not verify_signature(signed, "another-secret")


def test_the_business_parameters_are_compact_json_in_alphabetical_order_with_chinese_kept():
    text = param_json({"page_size": "20", "end_date": "2026-11-20 00:00:00", "logiNo": "顺丰1", "dateType": 0})
    assert text == '{"dateType":0,"end_date":"2026-11-20 00:00:00","logiNo":"顺丰1","page_size":"20"}'
    assert json.loads(text)["logiNo"] == "顺丰1"


def test_jd_times_are_beijing_time_and_become_utc_cursors():
    assert to_cursor("2026-11-21 11:20:00") == "2026-11-21T03:20:00+00:00"
    assert naive_utc("2026-11-20 08:00:00") == "2026-11-20T00:00:00"


def test_answers_are_unwrapped_in_jds_spelling_and_the_usual_one():
    assert unwrap({"jingdong_pop_order_get_responce": {"code": "0"}}, "jingdong.pop.order.get") == {"code": "0"}
    assert unwrap({"jingdong_pop_order_get_response": {"code": "0"}}, "jingdong.pop.order.get") == {"code": "0"}
    assert unwrap({"error_response": {}}, "jingdong.pop.order.get") is None


def test_an_order_keeps_jds_address_levels_masked_phone_and_exact_money():
    record = order_to_record(build_order(1, SEED[7]))
    assert (record["province"], record["city"], record["district"], record["address"]) == (
        "广东", "广州市", "天河区", "天河路208号天河城东塔2301")
    assert record["buyer_phone"] == "139****3333"
    assert record["total_cents"] == 128 * 2 * 100 + 6990 - 2010
    assert record["ordered_at"] == "2026-11-20T08:45:00" and record["payment_status"] == "paid"


def test_a_cancelled_paid_order_is_refunded_and_cancelled_at_its_modified_time():
    record = order_to_record(build_order(1, SEED[5]))
    assert (record["payment_status"], record["cancelled_at"]) == ("refunded", "2026-11-20T12:00:00")


def test_cash_on_delivery_is_pending_and_a_locked_order_is_tagged():
    assert order_to_record(build_order(1, SEED[2]))["payment_status"] == "pending"
    assert order_to_record(build_order(1, SEED[4]))["tags"] == ["jd:LOCKED"]


def test_an_item_without_merchant_code_lands_under_its_jd_sku_id():
    assert [line["sku_code"] for line in order_to_record(build_order(1, SEED[3]))["lines"]] == [
        "TEA-LJ-250", "jd-100012345605"]


@pytest.mark.parametrize("broken, message", [
    ({"orderId": None}, "orderId is missing"), ({"modified": "yesterday"}, "modified is not a JD time"),
    ({"orderPayment": "12.345"}, "fractions of a cent"), ({"orderPayment": {"v": 1}}, "orderPayment"),
    ({"itemInfoList": "x"}, "itemInfoList is not a list"), ({"consigneeInfo": []}, "consigneeInfo is not an object"),
])
def test_a_malformed_order_is_refused_naming_the_field(broken, message):
    with pytest.raises(ValueError, match=message):
        order_to_record({**build_order(1, SEED[0]), **broken})


def test_a_full_address_that_does_not_start_with_the_levels_is_kept_whole():
    assert street_address({"province": "上海", "city": "浦东新区", "fullAddress": "世纪大道100号"}) == "世纪大道100号"


def test_a_refund_application_is_in_fen_already_and_its_status_is_ours():
    record = refund_to_record({"id": 7, "orderId": "305812345670", "status": 6, "applyRefundSum": 4800,
                               "applyTime": "2026-11-20 19:40:00", "checkTime": "2026-11-20 20:00:00", "reason": "拍错了"})
    assert (record["amount_cents"], record["status"], record["kind"], record["requested_at"]) == (
        4800, "done", "refund_only", "2026-11-20T11:40:00")
    with pytest.raises(ValueError, match="unknown refund status"):
        refund_to_record({**record, "id": 7, "orderId": "1", "status": 42, "applyTime": "2026-11-20 19:40:00"})


def test_carriers_become_jd_logistics_ids_and_an_unknown_one_is_refused():
    assert (carrier_id("顺丰速运"), carrier_id("ZTO"), carrier_id("yunda", {"yunda": "9999"}), carrier_id("1274")) == (
        "467", "1499", "9999", "1274")
    with pytest.raises(ValueError, match="no JD logistics company id"):
        carrier_id("Pony Express")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 99_999_99), st.integers(1, 50)), min_size=1, max_size=4),
       st.integers(0, 5000))
def test_money_in_yuan_text_becomes_exact_cents(lines, freight_cents):
    items = [{"skuId": str(100 + n), "outerSkuId": f"S{n}", "skuName": "x", "jdPrice": f"{cents / 100:.2f}",
              "itemTotal": str(qty)} for n, (cents, qty) in enumerate(lines)]
    total = sum(cents * qty for cents, qty in lines) + freight_cents
    order = {**build_order(1, SEED[0]), "itemInfoList": items, "orderPayment": f"{total // 100}.{total % 100:02d}"}
    record = order_to_record(order)
    assert record["total_cents"] == total
    assert [(line["unit_price_cents"], line["qty"]) for line in record["lines"]] == lines


def test_every_jd_setting_and_adapter_wording_reads_in_chinese():
    import re
    from pathlib import Path

    from wms.channels.settings_forms import JD
    from wms.i18n import translate

    texts = [text for field in JD for text in (field.label, field.help)]
    source = Path(__file__).resolve().parents[2].joinpath("wms/channels/jd.py").read_text(encoding="utf-8")
    texts += re.findall(r'"(JD [^"]*\{[^"]*)"', source)
    untranslated = [text for text in texts if translate(text, "zh_CN") == text]
    assert len(texts) > 20 and untranslated == []
