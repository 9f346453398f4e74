"""The 抖店 protocol and record translation, without the network: signing against public test vectors,
param_json, the answer codes, and orders / after-sales as our canonical records (hostile ones refused)."""
import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.channels.douyin_orders import (
    REFUND_KINDS, REFUND_STATUSES, MalformedRecord, company_code, order_to_record, refund_to_record, stock_target,
)
from wms.channels.douyin_protocol import outcome, param_json, sign, sign_string, verify
from wms.channels.sandbox.douyin_seed import FIRST_ORDER_ID, build_after_sale, seed_orders

# A public Java test of a Douyin signer (DouyinSignerTest, package com.own.erp.platform.adapter.douyin), whose
# digests the official SDKs' algorithm reproduces (renhonghai/doudian-sdk SignUtil.php, minibear2021/doudian).
VECTOR = {"app_key": "appkey123", "secret": "secret123", "method": "order.searchList",
          "param_json": '{"page":0,"size":100}', "timestamp": "1800000000"}
VECTOR_MD5 = "a84d3597bbb7aaeb0540d1022623165c"
VECTOR_HMAC_SHA256 = "8a5350b8fdacaa753c0885ab9859d382a31de4add09c6943c1d34298bd2165f1"


def vector_sign(sign_method):
    return sign(VECTOR["secret"], VECTOR["app_key"], VECTOR["method"], VECTOR["param_json"], VECTOR["timestamp"],
                sign_method)


def test_the_md5_signature_matches_the_public_test_vector():
    assert vector_sign("md5") == VECTOR_MD5


def test_the_hmac_sha256_signature_matches_the_public_test_vector():
    assert vector_sign("hmac-sha256") == VECTOR_HMAC_SHA256


def test_the_signed_string_names_the_public_parameters_in_order_without_the_token():
    assert sign_string("k", "order.searchList", '{"page":0}', "1800000000") == \
        'app_keykmethodorder.searchListparam_json{"page":0}timestamp1800000000v2'


def test_an_unknown_sign_method_is_refused():
    with pytest.raises(ValueError, match="unknown sign_method"):
        vector_sign("sha1")


def test_param_json_sorts_keys_at_every_level_compactly_and_keeps_chinese():
    assert param_json({"size": 1, "page": 0, "b": {"z": 1, "a": ["中文", {"y": 2, "x": 1}]}}) == \
        '{"b":{"a":["中文",{"x":1,"y":2}],"z":1},"page":0,"size":1}'


@settings(max_examples=60, deadline=None)
@given(business=st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.integers(), st.text(max_size=12)),
                                max_size=5),
       timestamp=st.integers(min_value=1_600_000_000, max_value=2_000_000_000),
       sign_method=st.sampled_from(["md5", "hmac-sha256"]))
def test_a_signature_verifies_and_any_change_to_the_body_breaks_it(business, timestamp, sign_method):
    body = param_json(business)
    signature = sign("s3cret", "7311", "order.searchList", body, str(timestamp), sign_method)

    assert verify(signature, "s3cret", "7311", "order.searchList", body, str(timestamp), sign_method)
    assert not verify(signature, "s3cret", "7311", "order.searchList", body + " ", str(timestamp), sign_method)
    assert not verify(signature, "other", "7311", "order.searchList", body, str(timestamp), sign_method)


@pytest.mark.parametrize("answer, expected", [
    ({"code": 10000, "msg": "success", "data": {}}, "ok"),
    ({"err_no": 0, "message": "success", "data": {}}, "ok"),
    ({"code": 60000, "sub_code": "isv.traffic-limited"}, "retry"),
    ({"code": 20000, "sub_code": "dop.service-error"}, "retry"),
    ({"code": 30001, "sub_code": "dop.authorization-no-existed"}, "auth"),
    ({"code": 40003, "sub_code": "isv.access-token-expired"}, "auth"),
    ({"code": 40003, "sub_code": "isv.signature-invalid"}, "auth"),
    ({"code": 50001, "sub_code": "dop.token-generate-failed:token-expired"}, "auth"),
    ({"code": 40003, "sub_code": "isv.parameter-invalid"}, "business"),
    ({"code": 50002, "sub_code": "isv.business-failed:-20001"}, "business"),
    ({"err_no": 30002, "message": "订单不存在"}, "business"),
    ("<html>", "business"),
])
def test_answer_codes_are_sorted_into_ok_auth_retry_and_business(answer, expected):
    assert outcome(answer) == expected


# --- records -------------------------------------------------------------------------------------

def seeded(n):
    return copy.deepcopy(seed_orders()[n])


def test_an_order_becomes_a_canonical_record_with_money_in_cents_and_times_in_utc():
    record = order_to_record(seeded(0))

    assert record["external_id"] == str(FIRST_ORDER_ID)
    assert (record["ordered_at"], record["cancelled_at"]) == ("2026-11-19T01:12:30", None)  # 09:12:30 Beijing
    assert (record["province"], record["city"], record["district"]) == ("上海市", "上海市", "浦东新区")
    assert record["address"].startswith("陆家嘴街道 ")
    assert (record["buyer_name"], record["buyer_phone"]) == ("王*", "138****8000")  # masked as the platform masks
    assert (record["total_cents"], record["payment_status"]) == (16590, "paid")
    assert [(line["sku_code"], line["qty"], line["unit_price_cents"]) for line in record["lines"]] == [
        ("TEA-LJ-250", 2, 4800), ("MUG-CER-350", 1, 6990)]


def test_payment_status_and_cancellation_follow_the_order_status():
    unpaid, cancelled_unpaid, cancelled_paid = seeded(2), seeded(5), seeded(6)

    assert order_to_record(unpaid)["payment_status"] == "pending"
    assert order_to_record(cancelled_unpaid)["payment_status"] == "pending"
    refunded = order_to_record(cancelled_paid)
    assert refunded["payment_status"] == "refunded"
    assert refunded["cancelled_at"] == "2026-11-20T07:30:00" and refunded["lines"]


def test_a_sku_order_refunded_on_its_own_is_left_out_and_the_total_is_what_was_paid():
    record = order_to_record(seeded(7))

    assert [line["sku_code"] for line in record["lines"]] == ["TEA-PUER-357"]
    assert record["total_cents"] == 25600


def test_a_listing_without_a_merchant_code_gets_a_generated_key_that_addresses_its_stock():
    record = order_to_record(seeded(3))

    key = record["lines"][0]["sku_code"]
    assert key == "dy-3571000000000000009-1770000000000009"
    assert stock_target(key) == {"product_id": 3571000000000000009, "sku_id": 1770000000000009}
    assert stock_target("TEA-LJ-250") == {"code": "TEA-LJ-250"}


@pytest.mark.parametrize("change, field", [
    (lambda o: o.update(pay_amount="165.90"), "pay_amount"),
    (lambda o: o.pop("update_time"), "update_time"),
    (lambda o: o.update(order_id=None), "order_id"),
    (lambda o: o.update(sku_order_list=None), "sku_order_list"),
    (lambda o: o["sku_order_list"][0].update(item_num="2"), "item_num"),
    (lambda o: o["sku_order_list"][0].update(origin_amount=48.0), "origin_amount"),
    (lambda o: o.update(post_addr=["上海"]), "post_addr"),
    (lambda o: o.update(order_status=True), "order_status"),
])
def test_a_hostile_order_is_refused_naming_the_field(change, field):
    order = seeded(0)
    change(order)

    with pytest.raises(MalformedRecord, match=field):
        order_to_record(order)


def test_after_sales_become_refund_records_whole_order_or_per_sku():
    order = seeded(8)
    whole = refund_to_record(build_after_sale(71, order, kind=0, status=7, reason="七天无理由退货",
                                              tracking=("中通快递", "ZT1")))
    part = refund_to_record(build_after_sale(72, seeded(0), kind=1, status=12, whole=False))

    assert (whole["kind"], whole["status"], whole["lines"]) == ("return_refund", "agreed", [])
    assert (whole["return_carrier"], whole["return_tracking_number"], whole["amount_cents"]) == ("中通快递", "ZT1", 4800)
    assert (part["kind"], part["status"], part["lines"]) == ("refund_only", "done", [{"sku_code": "TEA-LJ-250", "qty": 2}])
    assert part["external_id"] == str(FIRST_ORDER_ID) and part["amount_cents"] == 9600


def test_every_documented_after_sale_type_and_status_has_a_canonical_word():
    assert set(REFUND_KINDS.values()) <= {"refund_only", "return_refund", "exchange", "reship"}
    assert set(REFUND_STATUSES.values()) == {"requested", "agreed", "refused", "closed", "done"}


@pytest.mark.parametrize("change", [
    lambda a: a["aftersale_info"].update(aftersale_status=99),
    lambda a: a["aftersale_info"].update(refund_amount="12.80"),
    lambda a: a.update(order_info=None),
    lambda a: a["order_info"].update(shop_order_id=""),
])
def test_a_hostile_after_sale_is_refused(change):
    item = build_after_sale(73, seeded(0), whole=False)
    change(item)

    with pytest.raises(MalformedRecord):
        refund_to_record(item)


@pytest.mark.parametrize("carrier, code", [("zto", "zhongtong"), ("SF", "shunfeng"), ("极兔速递", "jtexpress"),
                                           ("中通快递", "zhongtong"), ("Kuaidi100", "kuaidi100")])
def test_carriers_become_douyin_company_codes(carrier, code):
    assert company_code(carrier) == code


def test_the_seed_orders_add_up_like_the_platform():
    for order in seed_orders():
        live = [s for s in order["sku_order_list"]
                if order["order_status"] == 4 or s["after_sale_info"]["refund_status"] != 3]
        assert order["pay_amount"] == sum(s["sum_amount"] for s in live) + order["post_amount"] - order["promotion_amount"]
        json.dumps(order)  # JSON-safe


def test_the_douyin_settings_form_names_every_setting_the_adapter_reads_in_both_languages():
    from pathlib import Path

    from wms.channels.settings_forms import form_for

    catalogue = {}
    for path in (Path(__file__).resolve().parents[2] / "wms" / "translations" / "zh_CN").glob("*.json"):
        catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    fields = form_for("douyin").fields

    assert {"gateway_url", "app_key", "app_secret", "access_token", "sign_method"} <= {f.name for f in fields}
    assert {f.name for f in fields if f.secret} == {"app_secret", "access_token"}
    assert [text for f in fields for text in (f.label, f.help) if text and text not in catalogue] == []


def test_a_presale_order_ships_from_its_latest_appointment_ship_time():
    order = copy.deepcopy(seed_orders()[0])
    assert order_to_record(order)["presale_ship_from"] is None                        # 0: not a presale
    order["appointment_ship_time"] = 1797696000                                       # 2026-12-19 16:00 UTC
    order["sku_order_list"][0]["appointment_ship_time"] = 1797696000 + 86400
    assert order_to_record(order)["presale_ship_from"] == "2026-12-20T16:00:00"
    order["appointment_ship_time"] = "tomorrow"
    with pytest.raises(MalformedRecord):
        order_to_record(order)
