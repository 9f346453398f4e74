"""The pure rules of platform refunds: what a record must be, and what a refund does by where the order is."""
from hypothesis import given
from hypothesis import strategies as st

from wms.channels import refunds_rules as rules

GOOD = {"refund_id": "9120003", "external_id": "261207-398201552017919", "kind": "refund_only", "status": "requested",
        "reason": "拍错了", "amount_cents": 11900, "return_carrier": "", "return_tracking_number": " yt123 ",
        "requested_at": "2026-12-07T03:00:00", "lines": [{"sku_code": "TEA-LJ-250", "qty": 1}]}

anything = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=80),
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                     max_size=4), max_leaves=10)


@given(st.dictionaries(st.sampled_from(sorted(GOOD)), anything))
def test_any_record_is_either_refused_with_reasons_or_cleans_to_known_values(fields):
    record = {**GOOD, **fields}

    found = rules.problems(record)

    assert isinstance(found, list) and all(isinstance(p, str) for p in found)
    if not found:
        clean = rules.clean(record)
        assert clean["kind"] in rules.KINDS and clean["status"] in rules.STATUSES
        assert 0 <= clean["amount_cents"] <= rules.MAX_AMOUNT_CENTS
        assert len(clean["return_tracking_number"]) <= rules.MAX_TRACKING and " " not in clean["return_tracking_number"]


@given(anything.filter(lambda value: not isinstance(value, dict)))
def test_a_value_that_is_no_record_at_all_is_refused(value):
    assert rules.problems(value) == ["a refund record is not an object"]


def test_a_good_record_is_cleaned():
    clean = rules.clean(GOOD)

    assert rules.problems(GOOD) == []
    assert (clean["return_tracking_number"], clean["units"]) == ("YT123", 1)


@given(st.sampled_from(rules.KINDS), st.sampled_from(rules.STATUSES),
       st.sampled_from(sorted(rules.BEFORE_SHIPPING | rules.AFTER_SHIPPING | {"cancelled", "returned"})),
       st.integers(0, 5), st.integers(1, 5))
def test_what_a_refund_does_follows_where_the_order_is(kind, status, order_status, units, order_units):
    action = rules.decide(kind, status, order_status, units=units, order_units=order_units)

    if status not in rules.LIVE or order_status in ("cancelled", "returned"):
        assert action == rules.NOTED
    elif order_status in rules.BEFORE_SHIPPING:
        assert action in (rules.INTERCEPTED, rules.HELD, rules.NOTED)
        assert (action == rules.NOTED) == (kind not in rules.CANCELLING)
        assert (action == rules.HELD) == (kind in rules.CANCELLING and 0 < units < order_units)
    else:
        assert action == (rules.EXPECT_RETURN if kind in rules.GOODS_COME_BACK else rules.NOTED)


def test_a_refund_seen_again_has_nothing_changed_and_a_new_status_is_a_change():
    before = rules.clean(GOOD)

    assert rules.changed(before, rules.clean(GOOD)) == {}
    assert rules.changed(before, {**before, "status": "done"}) == {"status": ("requested", "done")}
