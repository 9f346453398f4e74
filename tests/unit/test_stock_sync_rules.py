"""The stock sync formula (wms.channels.stock_sync_rules): what each store may sell."""
from hypothesis import given
from hypothesis import strategies as st

from wms.channels.stock_sync_rules import StoreRule, free_stock, listing_quantity, retry_delay_seconds, store_quantity

qty = st.integers(min_value=0, max_value=100_000)
rule = st.builds(StoreRule, st.integers(0, 100), st.none() | qty)


@given(qty, qty, qty)
def test_free_stock_is_what_no_order_holds_and_no_safety_stock_keeps_back(on_hand, reserved, safety):
    assert free_stock(on_hand, reserved, safety) == max(0, on_hand - reserved - safety)


@given(qty, rule)
def test_a_store_is_never_offered_more_than_is_free(free, store_rule):
    offered = store_quantity(free, store_rule)
    assert 0 <= offered <= free
    if store_rule.fixed_qty is not None:
        assert offered == min(store_rule.fixed_qty, free)


@given(qty, st.lists(st.integers(0, 100), min_size=1, max_size=5))
def test_shares_adding_up_to_100_percent_never_offer_more_than_there_is(free, shares):
    if sum(shares) <= 100:
        assert sum(store_quantity(free, StoreRule(share)) for share in shares) <= free


@given(st.dictionaries(st.integers(1, 20), st.integers(1, 5), min_size=1, max_size=4),
       st.dictionaries(st.integers(1, 20), qty), rule)
def test_a_kit_sells_what_its_scarcest_component_allows_and_no_more(parts, free, store_rule):
    kits = listing_quantity(list(parts.items()), free, store_rule)
    for sku_id, per_kit in parts.items():
        assert kits * per_kit <= store_quantity(free.get(sku_id, 0), store_rule)
    assert any((kits + 1) * per_kit > store_quantity(free.get(sku_id, 0), store_rule) for sku_id, per_kit in parts.items())


def test_a_single_sku_listing_is_its_store_quantity_and_an_empty_or_broken_kit_sells_nothing():
    assert listing_quantity([(7, 1)], {7: 9}, StoreRule(50)) == 4
    assert listing_quantity([], {7: 9}, StoreRule()) == 0
    assert listing_quantity([(7, 0)], {7: 9}, StoreRule()) == 0
    assert listing_quantity([(7, 1), (7, 1)], {7: 9}, StoreRule()) == 4  # the same SKU twice: 2 a kit


@given(st.integers(1, 40))
def test_the_backoff_doubles_and_is_capped(failures):
    delay = retry_delay_seconds(failures)
    assert 30 <= delay <= 3600
    assert retry_delay_seconds(failures + 1) in (min(3600, delay * 2), 3600)
