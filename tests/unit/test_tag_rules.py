"""Tag rules (订单分类): the matcher, applying rules (idempotent, priority = the highest), the form,
and tags as typed words (wms.orders.tags)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.errors import ValidationFailed
from wms.orders import tags as order_tags
from wms.review import tag_rules
from wms.review.tag_rules import OrderFacts, Rule, apply, matches, parse, rule_of


def facts(**kw):
    base = dict(channel_id=1, platform="taobao", province="广东省", city="深圳市", currency="CNY", total_cents=9900,
                skus=frozenset({"tea-1"}), remarks=("请尽快发货", ""), tags=(), priority=0)
    return OrderFacts(**{**base, **kw})


def rule(**conditions):
    tags, priority = conditions.pop("tags", ["VIP"]), conditions.pop("priority", None)
    return rule_of(1, conditions, tags, priority)


def test_a_region_matches_the_province_or_the_city_without_its_suffix():
    assert matches(rule(regions=["广东"]), facts())
    assert matches(rule(regions=["深圳"]), facts(province=""))
    assert matches(rule(regions=["guangdong"]), facts(province="Guangdong"))
    assert not matches(rule(regions=["广西"]), facts())


def test_an_amount_condition_holds_only_in_the_rules_currency_and_both_ends_count():
    r = rule(currency="CNY", min_cents=9900, max_cents=20000)
    assert matches(r, facts(total_cents=9900)) and matches(r, facts(total_cents=20000))
    assert not matches(r, facts(total_cents=9899)) and not matches(r, facts(total_cents=20001))
    assert not matches(r, facts(total_cents=9900, currency="USD"))
    assert matches(rule(currency="USD", min_cents=100), facts(currency="USD", total_cents=10**9))


def test_every_condition_set_must_hold_and_one_entry_of_a_list_is_enough():
    r = rule(regions=["广东", "浙江"], skus=["TEA-1", "MUG-2"], channel_ids=[1])
    assert matches(r, facts())
    assert not matches(r, facts(channel_id=2))
    assert not matches(r, facts(skus=frozenset({"other"})))


def test_words_are_found_in_the_buyer_remark_or_the_seller_note_whatever_their_case():
    assert matches(rule(words=["尽快"]), facts())
    assert matches(rule(words=["gift WRAP"]), facts(remarks=("", "Please GIFT wrap it")))
    assert not matches(rule(words=["加急"]), facts())


def test_a_rule_without_conditions_never_matches():
    assert not matches(rule(), facts())


def test_tags_are_added_once_in_rule_order_and_the_order_keeps_its_own_first():
    rules = [rule_of(1, {"regions": ["广东"]}, ["VIP", "南方"], None), rule_of(2, {"platforms": ["taobao"]},
                                                                            ["vip", "淘宝"], 5)]
    outcome = apply(rules, facts(tags=("复购",), priority=1))
    assert outcome.tags == ["复购", "VIP", "南方", "淘宝"]
    assert outcome.priority == 5 and outcome.rule_ids == (1, 2)


def test_a_rule_only_raises_the_priority():
    assert apply([rule(regions=["广东"], priority=3)], facts(priority=7)).priority == 7
    assert apply([rule(regions=["广东"], priority=3), rule(regions=["深圳"], priority=9)], facts()).priority == 9


# --- properties --------------------------------------------------------------------------------

names = st.sampled_from(["广东省", "浙江省", "深圳市", "杭州市", "Guangdong", ""])
words = st.text(alphabet="ab 急加VIPvip", min_size=0, max_size=8)
facts_st = st.builds(
    OrderFacts, channel_id=st.integers(1, 3), platform=st.sampled_from(["taobao", "jd", "manual"]),
    province=names, city=names, currency=st.sampled_from(["CNY", "USD"]), total_cents=st.integers(0, 50_000),
    skus=st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=3), remarks=st.tuples(words, words),
    tags=st.lists(st.sampled_from(["VIP", "vip", "加急", "复购"]), max_size=3).map(tuple),
    priority=st.integers(-5, 5))
rules_st = st.builds(
    Rule, id=st.integers(1, 99), regions=st.frozensets(st.sampled_from(["广东", "深圳", "guangdong"]), max_size=2),
    channel_ids=st.frozensets(st.integers(1, 3), max_size=2),
    platforms=st.frozensets(st.sampled_from(["taobao", "jd"]), max_size=1),
    currency=st.sampled_from(["CNY", "USD"]), min_cents=st.none() | st.integers(0, 30_000),
    max_cents=st.none() | st.integers(0, 50_000), skus=st.frozensets(st.sampled_from(["a", "b"]), max_size=2),
    words=st.lists(st.sampled_from(["急", "vip"]), max_size=2).map(tuple),
    tags=st.lists(st.sampled_from(["VIP", "南方", " 大 客户 ", "加急"]), max_size=3).map(tuple),
    priority=st.none() | st.integers(-5, 10))


@settings(max_examples=300)
@given(st.lists(rules_st, max_size=4), facts_st)
def test_a_rule_never_changes_an_order_it_does_not_match(rules, order):
    outcome = apply([r for r in rules if not matches(r, order)], order)
    assert outcome.priority == order.priority and outcome.rule_ids == ()
    assert outcome.tags == order_tags.merged(order.tags, [])


@settings(max_examples=300)
@given(st.lists(rules_st, max_size=4), facts_st)
def test_applying_twice_equals_applying_once(rules, order):
    once = apply(rules, order)
    twice = apply(rules, OrderFacts(**{**order.__dict__, "tags": tuple(once.tags), "priority": once.priority}))
    assert (twice.tags, twice.priority) == (once.tags, once.priority)


@settings(max_examples=300)
@given(st.lists(rules_st, max_size=4), facts_st)
def test_the_priority_is_the_highest_of_the_order_and_its_matching_rules_whatever_their_order(rules, order):
    outcome = apply(rules, order)
    matching = [r.priority for r in rules if matches(r, order) and r.priority is not None]
    assert outcome.priority == max([order.priority] + matching)
    assert apply(list(reversed(rules)), order).priority == outcome.priority
    assert {order_tags.key(t) for t in outcome.tags} >= {order_tags.key(t) for t in order.tags}


@given(st.text(max_size=60))
def test_a_tag_is_normalised_or_refused_never_stored_with_odd_whitespace(text):
    tag = order_tags.normalise(text)
    if order_tags.problem(text) is None:
        assert tag == tag.strip() and "  " not in tag and "\n" not in tag and 0 < len(tag) <= order_tags.MAX_LENGTH


def test_tags_keep_their_first_spelling_and_compare_by_key():
    assert order_tags.normalise("  大\u3000客户 \n") == "大 客户"
    assert order_tags.merged(["VIP"], ["vip", " 加急 "]) == ["VIP", "加急"]
    assert order_tags.keys_of(["VIP", "Vip "]) == frozenset({"vip"})
    assert len(order_tags.merged([], [f"t{i}" for i in range(50)])) == order_tags.MAX_TAGS


# --- the form ------------------------------------------------------------------------------------

def form(**kw):
    return {"name": "VIP south", "regions": "广东, 广西", "tags": "VIP，南方", **kw}


def test_the_form_gives_the_rule_with_its_lists_split_and_its_amount_in_cents():
    name, conditions, tags, priority = parse(form(min_amount="99.5", max_amount="1,000", currency="cny",
                                                  priority="5", channel_ids=["2"]), known_channels={2})
    assert name == "VIP south" and tags == ["VIP", "南方"] and priority == 5
    assert conditions == {"regions": ["广东", "广西"], "channel_ids": [2], "currency": "CNY", "min_cents": 9950,
                          "max_cents": 100000}


@pytest.mark.parametrize("changes, field", [
    ({"name": " "}, "name"),
    ({"regions": ""}, "conditions"),
    ({"tags": "", "priority": ""}, "tags"),
    ({"tags": "x" * 41}, "tags"),
    ({"tags": "a\x07b"}, "tags"),
    ({"priority": "high"}, "priority"),
    ({"priority": "5000"}, "priority"),
    ({"min_amount": "abc", "currency": "CNY"}, "min_amount"),
    ({"min_amount": "1.234", "currency": "CNY"}, "min_amount"),
    ({"min_amount": "-1", "currency": "CNY"}, "min_amount"),
    ({"min_amount": "1e999", "currency": "CNY"}, "min_amount"),
    ({"min_amount": "10"}, "currency"),
    ({"min_amount": "10", "max_amount": "5", "currency": "CNY"}, "max_amount"),
    ({"channel_ids": ["9"]}, "channel_ids"),
    ({"platforms": ["nope"]}, "platforms"),
])
def test_a_wrong_form_is_refused_naming_its_field(changes, field):
    with pytest.raises(ValidationFailed) as refused:
        parse(form(**changes), known_channels={1, 2}, known_platforms={"taobao"})
    assert refused.value.details["field"] == field
    assert refused.value.template   # worded: told in the reader's language


def test_region_keys_drop_the_administrative_suffix():
    assert tag_rules.region_key("广西壮族自治区") == tag_rules.region_key("广西")
    assert tag_rules.region_key("市") == "市"
