"""The gift rule matching (wms.review.gift_rules): which orders a rule gives to and how many units,
on hand-checked orders and as properties over generated rules and orders."""
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wms.review.gift_rules import GiftTerms, LineFacts, OrderFacts, code_matches, matches, pick_sku, wanted

PAID = datetime(2026, 11, 11, 12)


def order(*lines, **fields):
    return OrderFacts(**{"id": 1, "channel_id": 1, "total_cents": 9900, "paid_at": PAID, "buyer_remark": "",
                         "lines": tuple(LineFacts(*line) for line in lines), **fields})


def test_a_code_family_matches_codes_starting_with_it_and_an_exact_code_only_itself():
    assert code_matches("TEA-*", "tea-green") and not code_matches("TEA-*", "MUG-1")
    assert code_matches("SKU-1", "sku-1") and not code_matches("SKU-1", "SKU-10")
    assert not code_matches("*", "ANY")


def test_a_rule_without_conditions_gives_every_order_its_quantity():
    assert wanted(GiftTerms(id=1, gift_qty=1, per_order_max=1), order(("A", 1))) == 1


def test_each_condition_can_keep_an_order_out():
    rule = GiftTerms(id=1, channel_ids=frozenset({1}), bought=("TEA-*",), min_amount_cents=5000,
                     paid_from=PAID - timedelta(days=1), paid_until=PAID + timedelta(days=1), remark_words=("生日",))
    good = order(("TEA-1", 1), buyer_remark="生日快乐")
    assert matches(rule, good)
    assert not matches(rule, order(("TEA-1", 1), buyer_remark="生日快乐", channel_id=2))
    assert not matches(rule, order(("MUG-1", 1), buyer_remark="生日快乐"))
    assert not matches(rule, order(("TEA-1", 1), buyer_remark="生日快乐", total_cents=4999))
    assert not matches(rule, order(("TEA-1", 1), buyer_remark="生日快乐", paid_at=PAID + timedelta(days=2)))
    assert not matches(rule, order(("TEA-1", 1), buyer_remark="生日快乐", paid_at=None))
    assert not matches(rule, order(("TEA-1", 1), buyer_remark="尽快发货"))


def test_gift_lines_already_on_the_order_do_not_count_as_bought():
    rule = GiftTerms(id=1, bought=("GIFT-*",))
    assert wanted(rule, order(("GIFT-CUP", 1, True))) == 0


def test_per_unit_bought_gives_for_each_matching_unit_up_to_the_per_order_max():
    rule = GiftTerms(id=1, bought=("TEA-*",), gift_qty=1, per_unit_bought=True, per_order_max=3)
    assert wanted(rule, order(("TEA-1", 2), ("MUG-1", 5))) == 2
    assert wanted(rule, order(("TEA-1", 2), ("TEA-2", 4))) == 3


def test_a_pool_gives_the_first_sku_with_the_stock_and_a_fixed_gift_its_sku():
    assert pick_sku([7, 8, 9], 2, {7: 1, 8: 2, 9: 5}) == 8
    assert pick_sku([7, 8], 2, {7: 1}) is None
    assert pick_sku([7], 3) == 7
    assert pick_sku([], 1) is None


codes = st.sampled_from(["TEA-1", "TEA-2", "MUG-1", "CUP-9", "GIFT-1"])
lines = st.lists(st.tuples(codes, st.integers(0, 6), st.booleans()), max_size=5)
orders = st.builds(lambda ls, channel, total, hours, remark: order(*ls, channel_id=channel, total_cents=total,
                                                                      paid_at=PAID + timedelta(hours=hours),
                                                                      buyer_remark=remark),
                   lines, st.integers(1, 3), st.integers(0, 20000), st.integers(-72, 72),
                   st.sampled_from(["", "生日快乐", "please hurry", "BIRTHDAY gift"]))
terms = st.builds(
    GiftTerms, id=st.just(1), channel_ids=st.frozensets(st.integers(1, 3), max_size=2),
    bought=st.lists(st.sampled_from(["TEA-*", "MUG-1", "CUP-*", "GIFT-1"]), max_size=2).map(tuple),
    min_amount_cents=st.none() | st.integers(0, 20000),
    paid_from=st.none() | st.integers(-72, 72).map(lambda h: PAID + timedelta(hours=h)),
    paid_until=st.none() | st.integers(-72, 72).map(lambda h: PAID + timedelta(hours=h)),
    remark_words=st.lists(st.sampled_from(["生日", "birthday", "hurry"]), max_size=2).map(tuple),
    gift_qty=st.integers(-1, 4), per_unit_bought=st.booleans(), per_order_max=st.integers(-1, 5))


@given(terms, orders)
def test_never_more_than_the_per_order_max_and_never_negative(rule, facts):
    assert 0 <= wanted(rule, facts) <= max(rule.per_order_max, 0)


@given(terms, orders)
def test_never_a_gift_for_an_order_that_does_not_match(rule, facts):
    if not matches(rule, facts):
        assert wanted(rule, facts) == 0


@given(terms, orders)
def test_a_matching_order_meets_every_condition_the_rule_sets(rule, facts):
    if matches(rule, facts):
        assert not rule.channel_ids or facts.channel_id in rule.channel_ids
        assert rule.min_amount_cents is None or facts.total_cents >= rule.min_amount_cents
        assert rule.paid_from is None or facts.paid_at >= rule.paid_from
        assert rule.paid_until is None or facts.paid_at <= rule.paid_until
        assert not rule.remark_words or any(w.casefold() in facts.buyer_remark.casefold() for w in rule.remark_words)
        assert any(not line.is_gift and line.qty > 0 for line in facts.lines)


@given(terms, orders, st.lists(st.tuples(codes, st.integers(1, 6)), max_size=3))
def test_gift_lines_never_change_what_a_rule_gives(rule, facts, extra_gifts):
    with_gifts = OrderFacts(**{**facts.__dict__, "lines": facts.lines + tuple(LineFacts(c, q, True)
                                                                               for c, q in extra_gifts)})
    assert wanted(rule, with_gifts) == wanted(rule, facts)


@given(st.lists(st.integers(1, 20), min_size=1, max_size=5, unique=True),
       st.dictionaries(st.integers(1, 20), st.integers(0, 5)), st.integers(1, 5))
def test_a_pool_never_picks_a_sku_without_the_stock(pool, stock, qty):
    chosen = pick_sku(pool, qty, stock)
    assert chosen is None or (chosen in pool and stock.get(chosen, 0) >= qty)
    assert chosen is not None or all(stock.get(sku, 0) < qty for sku in pool)
