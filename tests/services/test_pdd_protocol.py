"""The Pinduoduo protocol and mapping rules, pure: the documented signing example, error classes,
and PDD orders / after-sales rows read into canonical records (hostile shapes refused clearly)."""
import string
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wms.channels.base import ChannelError
from wms.channels.pdd_orders import logistics_id_for, order_to_record, parse_platform_sku, refund_to_record
from wms.channels.pdd_protocol import PDD_TZ, is_ciphertext, kind_of, sign_request, sign_string, verify_signature
from wms.channels.sandbox.pdd_seed import COMPANIES, SEED, build_order, order_sn, seed_orders

# The example of PDD's "API调用指南" (https://open.pinduoduo.com/application/document/browse?idStr=8EC06C399636041E).
GUIDE_PARAMS = {"access_token": "asd78172s8ds9a921j9qqwda12312w1w21211", "client_id": "1", "data_type": "XML",
                "type": "pdd.order.number.list.get", "timestamp": "1480411125", "order_status": "1", "page": "1",
                "page_size": "10"}
GUIDE_STRING = ("access_tokenasd78172s8ds9a921j9qqwda12312w1w21211client_id1data_typeXMLorder_status1page1"
                "page_size10timestamp1480411125typepdd.order.number.list.get")


def test_signing_reproduces_the_guides_example():
    assert sign_string(GUIDE_PARAMS) == GUIDE_STRING
    assert sign_request(GUIDE_PARAMS, "testSecret") == "E4DE3ED21002510DED352819E7AE6775"
    assert verify_signature({**GUIDE_PARAMS, "sign": "e4de3ed21002510ded352819e7ae6775"}, "testSecret")
    assert not verify_signature({**GUIDE_PARAMS, "sign": "E4DE3ED21002510DED352819E7AE6775"}, "otherSecret")


keys = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8)
values = st.text(alphabet=string.ascii_letters + string.digits + "拼多多-_ ", max_size=8)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.dictionaries(keys, values, min_size=1, max_size=6), st.data())
def test_a_signature_ignores_the_order_of_parameters_and_sees_every_value(params, data):
    shuffled = dict(data.draw(st.permutations(list(params.items()))))
    assert sign_request(shuffled, "s") == sign_request(params, "s")
    name = data.draw(st.sampled_from(sorted(params)))
    assert sign_request({**params, name: params[name] + "x"}, "s") != sign_request(params, "s")


@pytest.mark.parametrize("code, kind", [(10019, "auth"), (20004, "auth"), (20032, "auth"), (70031, "retry"),
                                        (52101, "retry"), (50000, "retry"), (50001, "business"), (10000, "business"),
                                        ("junk", "business")])
def test_error_codes_fall_into_auth_retry_or_business(code, kind):
    assert kind_of({"error_code": code}) == kind


STARTED = datetime(2026, 12, 7, 12, 0, tzinfo=PDD_TZ)   # the seed's times count back from here


def order(index=0, **changes):
    """Seeded order `index` as the increment API answers it, with `changes`."""
    return {**seed_orders(STARTED)[index], **changes}


def test_a_waiting_order_becomes_a_record_with_the_masked_receiver_never_the_ciphertext():
    raw = order(0)
    assert is_ciphertext(raw["receiver_phone"]) and is_ciphertext(raw["receiver_name"])
    record = order_to_record(raw)
    assert record["external_id"] == order_sn(0)
    assert (record["buyer_name"], record["buyer_phone"], record["address"]) == ("王*", "138****8000", "世纪大道***号****")
    assert (record["province"], record["city"], record["district"]) == ("上海市", "上海市", "浦东新区")
    assert record["ordered_at"] == "2026-12-06T23:00:00"   # 12:00 Beijing (04:00 UTC) - 300 minutes
    assert (record["total_cents"], record["payment_status"], record["cancelled_at"]) == (15170, "paid", None)
    assert [(l["sku_code"], l["qty"], l["unit_price_cents"]) for l in record["lines"]] == [
        ("TEA-LJ-250", 2, 4590), ("MUG-CER-350", 1, 5990)]


def test_plaintext_receiver_fields_are_used_when_no_mask_is_sent():
    raw = order(1, receiver_name_mask="", receiver_name="李伟", receiver_phone_mask=None, receiver_phone="13957123456")
    record = order_to_record(raw)
    assert (record["buyer_name"], record["buyer_phone"]) == ("李伟", "13957123456")
    assert order_to_record(order(1, receiver_name_mask=""))["buyer_name"] == ""   # the ciphertext is never used


def test_states_give_payment_status_and_cancellation():
    assert order_to_record(order(2))["payment_status"] == "pending"                # 拼团中
    unpaid = order_to_record(order(5))
    assert (unpaid["payment_status"], unpaid["cancelled_at"]) == ("pending", "2026-12-07T01:30:00")
    refunded = order_to_record(order(6))
    assert (refunded["payment_status"], refunded["cancelled_at"]) == ("refunded", "2026-12-07T02:00:00")
    assert order_to_record(order(3))["lines"][0]["sku_code"] == "pdd-510123456009-1320001009"


@pytest.mark.parametrize("changes, words", [
    ({"pay_amount": {"yuan": 1}}, "pay_amount"), ({"pay_amount": None}, "pay_amount is missing"),
    ({"item_list": "TEA"}, "item_list"), ({"updated_at": "yesterday"}, "yesterday"),
    ({"item_list": [{"goods_count": 1, "goods_price": 1}]}, "neither a merchant code"),
    ({"item_list": [{"goods_id": 1, "goods_price": 1}]}, "goods_count"),
    ({"pay_amount": "12.345"}, "fractions of a cent"), ({"confirm_status": True}, "whole number"),
])
def test_a_malformed_order_is_a_channel_error_naming_it(changes, words):
    with pytest.raises(ChannelError) as refused:
        order_to_record(order(0, **changes))
    assert order_sn(0) in refused.value.message and words in refused.value.message


def test_an_order_without_order_sn_or_not_an_object_is_refused():
    with pytest.raises(ChannelError, match="without order_sn"):
        order_to_record(order(0, order_sn=""))
    with pytest.raises(ChannelError, match="not an object"):
        order_to_record(["order"])


def test_an_after_sales_row_becomes_a_refund_record():
    raw = {"id": 9120002, "order_sn": order_sn(7), "after_sales_type": 3, "after_sales_status": 7,
           "after_sale_reason": "商品与描述不符", "refund_amount": "119.00", "goods_number": "1", "outer_id": "TEA-PUER-357",
           "goods_id": 510123456002, "sku_id": "1320001002", "tracking_number": "YT1", "shipping_name": "圆通快递",
           "created_time": "1765080000", "updated_time": "1765080600"}
    assert refund_to_record(raw) == {
        "refund_id": "9120002", "external_id": order_sn(7), "kind": "return_refund", "status": "agreed",
        "reason": "商品与描述不符", "amount_cents": 11900, "return_carrier": "圆通快递", "return_tracking_number": "YT1",
        "requested_at": "2025-12-07T04:00:00", "lines": [{"sku_code": "TEA-PUER-357", "qty": 1}]}
    with pytest.raises(ChannelError, match="9120002"):
        refund_to_record({**raw, "after_sales_status": 99})
    with pytest.raises(ChannelError, match="created_time|UNIX"):
        refund_to_record({**raw, "created_time": "soon"})


def test_carriers_match_pdds_available_companies():
    assert logistics_id_for("SF", COMPANIES) == 44
    assert logistics_id_for("zto", COMPANIES) == 115
    assert logistics_id_for("中通快递", COMPANIES) == 115
    assert logistics_id_for("HT", COMPANIES) is None        # 百世 is listed but not available
    assert logistics_id_for("Nowhere Express", COMPANIES) is None


def test_platform_sku_keys_read_back():
    assert parse_platform_sku("pdd-510123456009-1320001009") == ("510123456009", "1320001009")
    assert parse_platform_sku("pdd-510123456009") == ("510123456009", None)
    assert parse_platform_sku("TEA-LJ-250") is None and parse_platform_sku("pdd-abc-1") is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False))
def test_money_as_a_json_number_or_string_is_exact_cents(amount):
    for sent in (float(amount), f"{amount:.2f}"):
        raw = build_order("261207-1", SEED[1], STARTED, STARTED)
        assert order_to_record({**raw, "pay_amount": sent})["total_cents"] == int(amount * 100)


def test_a_presale_order_carries_its_ship_from_time_and_others_none():
    assert order_to_record(order(0))["presale_ship_from"] is None                     # is_pre_sale 0, ""
    record = order_to_record(order(0, is_pre_sale=1, pre_sale_time="2026-12-20 00:00:00"))
    assert record["presale_ship_from"] == "2026-12-19T16:00:00"                      # Beijing midnight in UTC
    assert order_to_record(order(0, is_pre_sale=0, pre_sale_time="2026-12-20 00:00:00"))["presale_ship_from"] is None
    with pytest.raises(ChannelError):
        order_to_record(order(0, is_pre_sale=1, pre_sale_time="soon"))
