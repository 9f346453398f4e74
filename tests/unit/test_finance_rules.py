"""The finance rules (财审) on plain facts: each rule, and properties of the discount and amount rules."""
import pytest
from hypothesis import given, settings, strategies as st

from wms.errors import ValidationFailed
from wms.finance import rules
from wms.finance.rules import LineFacts, OrderFacts

ALL_ON = {code: {} for code in rules.RULES}


def codes(order, enabled=ALL_ON):
    return [reason["code"] for reason in rules.run_rules(order, enabled)]


def test_a_plain_order_matches_no_rule():
    assert codes(OrderFacts(total_cents=9900, lines=(LineFacts("A", 1, 9900, 12000, 5000),))) == []


def test_each_rule_names_its_own_reason():
    assert codes(OrderFacts(cash_on_delivery=True)) == ["finance_cod"]
    assert codes(OrderFacts(invoice_requested=True)) == ["finance_invoice"]
    assert codes(OrderFacts(total_cents=500_001)) == ["finance_amount"]
    assert codes(OrderFacts(lines=(LineFacts("A", 1, 4_000, 10_000),))) == ["finance_discount"]
    assert codes(OrderFacts(lines=(LineFacts("A", 1, 4_000, None, 4_001),))) == ["finance_below_cost"]


def test_a_rule_not_enabled_finds_nothing():
    assert codes(OrderFacts(cash_on_delivery=True), {"invoice": {}}) == []


def test_the_discount_reason_names_the_line_and_its_share():
    found = rules.run_rules(OrderFacts(lines=(LineFacts("TEA-1", 2, 2_500, 10_000),)), {"discount": {}})
    assert found[0]["detail"] == "discount above 50%: TEA-1 75% off 100.00"


def test_prices_below_cost_are_only_compared_in_the_costs_currency():
    line = LineFacts("A", 1, 100, None, 5_000)
    assert codes(OrderFacts(currency="USD", lines=(line,))) == []
    assert codes(OrderFacts(currency="cny", lines=(line,))) == ["finance_below_cost"]


def test_gift_lines_are_neither_discounted_nor_below_cost():
    gift = LineFacts("GIFT", 1, 0, 10_000, 5_000, is_gift=True)
    assert codes(OrderFacts(lines=(gift,))) == []


@given(paid=st.integers(0, 10**7), listed=st.integers(0, 10**7), most=st.integers(0, 99))
@settings(max_examples=300)
def test_a_line_is_held_for_its_discount_exactly_when_its_share_off_is_above_the_limit(paid, listed, most):
    line = LineFacts("A", 1, paid, listed or None)
    share = (listed - paid) * 100 // listed if listed and paid < listed else 0
    assert 0 <= rules.discount_percent(line) == share <= 100
    held = codes(OrderFacts(lines=(line,)), {"discount": {"max_percent": most}}) == ["finance_discount"]
    assert held == (share > most)


@given(total=st.integers(0, 10**9), limit=st.integers(0, 10**9), currency=st.sampled_from(["CNY", "USD", "EUR"]))
def test_an_amount_is_only_ever_compared_with_its_own_currencys_threshold(total, limit, currency):
    found = codes(OrderFacts(total_cents=total, currency=currency), {"amount": {"thresholds": {"CNY": limit}}})
    assert found == (["finance_amount"] if currency == "CNY" and total > limit else [])


@given(st.dictionaries(st.sampled_from(["CNY", "USD", "EUR", "JPY"]), st.integers(0, 10**10), max_size=4))
def test_thresholds_read_back_from_their_text(thresholds):
    assert rules.parse_thresholds(rules.thresholds_text(thresholds)) == thresholds


def test_thresholds_typed_with_chinese_commas_and_cents():
    assert rules.parse_thresholds("cny 5000，USD=800.5") == {"CNY": 500_000, "USD": 80_050}


@pytest.mark.parametrize("text", ["CNY", "CNY five", "YUAN 5", "CNY 1.234", "CNY -5", "CNY 5 USD 6"])
def test_a_threshold_that_is_not_a_currency_and_an_amount_is_refused(text):
    with pytest.raises(ValidationFailed) as refused:
        rules.parse_thresholds(text)
    assert refused.value.details["field"] == "amount"


@pytest.mark.parametrize("percent", [-1, 100, "half", True, None])
def test_a_discount_share_outside_0_to_99_is_refused(percent):
    with pytest.raises(ValidationFailed):
        rules.clean_params("discount", {"max_percent": percent})
