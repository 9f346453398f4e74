"""Wordings: sentences the server makes, stored with their values and told in each reader's language."""
import re

from wms.i18n import reason_text, render
from wms.orders.states import hold_reason
from wms.review import rules
from wms.review.rules import LineSnapshot, OrderSnapshot, ReviewContext
from wms.wording import english, wording


def test_a_wording_reads_in_english_with_nested_wordings_and_lists():
    said = wording("blacklisted: {hits}", hits=[wording("buyer {name}", name="张三"), wording("address")])
    assert english(said) == "blacklisted: buyer 张三; address"


def test_a_wording_is_told_in_chinese_part_by_part_and_values_stay_as_they_are():
    said = wording("blacklisted: {hits}", hits=[wording("buyer {name}", name="address"), wording("address")])
    assert render(said, "zh_CN") == "命中黑名单：买家 address；地址"


def test_a_reason_without_a_wording_shows_its_text():
    assert reason_text({"code": "manual", "detail": "call the buyer first"}, "zh_CN") == "call the buyer first"
    assert reason_text(hold_reason("manual", "{note}", note="{not a placeholder}"), "zh_CN") == "{not a placeholder}"


def test_every_reason_the_rules_find_has_a_chinese_wording():
    order = OrderSnapshot(id=1, external_id="1", buyer_name="", buyer_phone="call me", country="US", province="XX",
                          city="", postcode="1", address="1 Main St", total_cents=900_000, payment_status="pending",
                          buyer_remark="fragile", lines=[LineSnapshot("GHOST", 0)])
    context = ReviewContext(sku_codes=frozenset(), duplicates={rules.duplicate_key(order): [(1, "1"), (2, "2")]},
                            blacklist={"phone": {rules.normalise_phone("call me")}, "buyer": {""}})
    found = rules.run_rules(order, context, [(code, {}) for code in rules.DEFAULT_ORDER])
    assert {r["code"] for r in found} == set(rules.DEFAULT_ORDER)
    for reason in found:
        chinese = render(reason["wording"], "zh_CN")
        own_words = not re.sub(r"\{\w+\}", "", reason["wording"]["text"]).strip("“”\" ")   # only the buyer's words
        assert own_words or chinese != reason["detail"], reason
        assert english(reason["wording"]) == reason["detail"]
