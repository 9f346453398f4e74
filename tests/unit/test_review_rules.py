"""Each review rule finds its own reason on a plain snapshot, and only that."""
import pytest

from wms.review import rules
from wms.review.rules import LineSnapshot, OrderSnapshot, ReviewContext
from wms.wording import english


def clean_order(**fields):
    values = dict(id=1, external_id="1001", channel_id=1, buyer_name="张三", buyer_phone="13800138000",
                  province="浙江省", city="杭州市", district="西湖区", address="文三路90号",
                  total_cents=9900, payment_status="paid", lines=[LineSnapshot("SKU-1", 1)])
    return OrderSnapshot(**{**values, **fields})


def ctx(**fields):
    return ReviewContext(**{"sku_codes": frozenset({"SKU-1"}), **fields})


def everything_on(order, context=None):
    return rules.run_rules(order, context or ctx(), [(code, {}) for code in rules.DEFAULT_ORDER])


def codes(found):
    return [r["code"] for r in found]


def test_a_clean_order_has_no_reasons():
    assert everything_on(clean_order()) == []


@pytest.mark.parametrize("fields, code", [
    ({"buyer_name": ""}, "required_fields"),
    ({"lines": []}, "required_fields"),
    ({"lines": [LineSnapshot("SKU-1", 0)]}, "required_fields"),
    ({"province": "", "city": "", "district": "", "address": "随便写写"}, "address"),
    ({"buyer_phone": "1380013"}, "phone"),
    ({"buyer_phone": "12345678901"}, "phone"),
    ({"payment_status": "pending"}, "payment"),
    ({"lines": [LineSnapshot("GHOST", 1)]}, "unknown_sku"),
    ({"buyer_remark": "请周末送货"}, "remark"),
    ({"total_cents": 500_001}, "amount"),
])
def test_each_rule_reports_its_own_code(fields, code):
    assert codes(everything_on(clean_order(**fields))) == [code]


def test_every_reason_that_applies_is_reported_in_rule_order():
    order = clean_order(payment_status="pending", buyer_remark="hi", total_cents=9_999_999)
    assert codes(everything_on(order)) == ["payment", "remark", "amount"]


def test_an_unknown_sku_says_unmatched_and_names_it():
    [found] = rules.check_unknown_sku(clean_order(lines=[LineSnapshot("GHOST", 2)]), ctx(), {})
    assert found["detail"] == "not in the catalogue: GHOST"


def test_a_line_already_matched_to_a_sku_is_not_unknown():
    assert rules.check_unknown_sku(clean_order(lines=[LineSnapshot("OLD", 1, sku_id=7)]), ctx(), {}) == []


@pytest.mark.parametrize("phone, country", [
    ("13800138000", "CN"), ("+86 138 0013 8000", "CN"), ("138-0013-8000", "CN"),
    ("0571-88888888", "CN"), ("+14155552671", "US"), ("+44 20 7946 0958", "GB"), ("(415) 555-2671", "US"),
])
def test_cn_mobiles_and_valid_international_numbers_pass(phone, country):
    assert rules.phone_problem(phone, country) is None


def test_a_phone_of_letters_is_reported_with_the_value():
    assert english(rules.phone_problem("call me", "CN")) == "'call me' is not a phone number"


def test_the_amount_threshold_is_a_parameter():
    order = clean_order(total_cents=20_000)
    assert rules.run_rules(order, ctx(), [("amount", {"threshold_cents": 10_000})])[0]["code"] == "amount"
    assert rules.run_rules(order, ctx(), [("amount", {"threshold_cents": 30_000})]) == []


def test_a_disabled_district_requirement_accepts_a_city_level_address():
    order = clean_order(district="", address="中山路1号", city="南京市", province="江苏省")
    assert rules.run_rules(order, ctx(), [("address", {})])[0]["detail"] == "district not recognised"
    assert rules.run_rules(order, ctx(), [("address", {"require_district": False})]) == []


def test_the_same_buyer_and_address_in_another_order_is_a_duplicate():
    order = clean_order(id=1)
    twin = clean_order(id=2, external_id="1002", province="", city="", district="",
                       address="浙江省杭州市西湖区 文三路90号", buyer_phone="+86 13800138000")
    key = rules.duplicate_key(order)
    assert rules.duplicate_key(twin) == key
    context = ctx(duplicates={key: [(1, "1001"), (2, "1002")]})
    [found] = rules.check_duplicate(order, context, {})
    assert (found["code"], found["detail"]) == ("duplicate", "same buyer and address as 1002")


def test_an_order_is_not_a_duplicate_of_itself():
    order = clean_order(id=1)
    assert rules.check_duplicate(order, ctx(duplicates={rules.duplicate_key(order): [(1, "1001")]}), {}) == []


@pytest.mark.parametrize("kind, listed, fields", [
    ("buyer", "张三", {}),
    ("phone", rules.normalise_phone("+86 138 0013 8000"), {}),
    ("address", rules.normalise_text("文三路90号"), {}),
])
def test_a_blacklisted_buyer_phone_or_address_is_held(kind, listed, fields):
    [found] = rules.check_blacklist(clean_order(**fields), ctx(blacklist={kind: {listed}}), {})
    assert found["code"] == "blacklist"


def test_a_long_remark_is_cut_in_the_detail():
    [found] = rules.check_remark(clean_order(buyer_remark="x" * 200), ctx(), {"preview_chars": 10})
    assert found["detail"] == "“" + "x" * 10 + "…”"


def test_international_orders_check_country_formats():
    order = clean_order(country="US", province="CA", city="San Jose", postcode="ABC",
                        address="1 Main St", buyer_phone="+14155552671")
    assert [r["detail"] for r in everything_on(order)] == ["postcode 'ABC' does not fit US"]


def test_unknown_rule_codes_are_ignored():
    assert rules.run_rules(clean_order(), ctx(), [("no_such_rule", {})]) == []
