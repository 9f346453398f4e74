"""Review defaults that fit real data: phones and twins are flagged (shown, not held) unless the
supervisor chooses otherwise; twins merge in one click or automatically; amounts compare per currency."""
import pytest

from tests.builders import make_order, make_sku
from tests.builders_review import allocations, reload  # noqa: F401  (fixture)
from wms.errors import ValidationFailed
from wms.orders.models import Order, OrderEvent
from wms.review import duplicates, services, settings
from wms.review.models import OrderHoldCode, ReviewRule


@pytest.fixture
def catalogue(db):
    make_sku()


def choose(code, **params):
    settings.save_rule_settings({code: {"enabled": True, "params": params}}, actor="boss")


def twins():
    return make_order(external_id="D1"), make_order(external_id="D2", address="文三路 90号 1幢101室")


def test_a_phone_that_does_not_validate_is_a_flag_and_the_order_is_approved(catalogue, allocations):
    order = make_order(buyer_phone="12345")
    assert services.review_orders([order.id]) == {"approved": 1, "held": 0}
    order = reload(order)
    assert order.status == "approved" and order.hold_reasons == []
    assert [(f["code"], f["detail"]) for f in order.flags] == [("phone", "'12345' is not a valid CN phone number")]
    assert allocations == [order.id]


def test_a_supervisor_who_chose_hold_gets_the_bad_phone_held(catalogue, allocations):
    choose("phone", invalid="hold")
    order = make_order(buyer_phone="12345")
    services.review_orders([order.id])
    order = reload(order)
    assert order.status == "on_hold" and order.hold_codes == ["phone"] and order.flags == []


def test_a_flagged_order_that_is_also_held_keeps_both(catalogue, allocations):
    order = make_order(buyer_phone="call me", payment_status="pending")
    services.review_orders([order.id])
    order = reload(order)
    assert order.hold_codes == ["payment"] and [f["code"] for f in order.flags] == ["phone"]


def test_flags_that_did_not_come_from_review_survive_a_review_run(catalogue, allocations):
    order = make_order(buyer_phone="12345", flags=[{"code": "line_dropped", "detail": "SKU-9 had quantity 0"}])
    services.review_orders([order.id])
    assert [f["code"] for f in reload(order).flags] == ["line_dropped", "phone"]


def test_a_fixed_phone_loses_its_flag_when_the_checks_run_again(catalogue, allocations):
    order = make_order(buyer_phone="12345", payment_status="pending")
    services.review_orders([order.id])
    order = reload(order)
    services.edit_order(order.id, changes={"buyer_phone": "13800138000"}, actor="rev", expected_version=order.version)
    order = reload(order)
    services.release_order(order.id, actor="rev", expected_version=order.version)
    assert reload(order).flags == []


@pytest.mark.parametrize("currency, total_cents, held", [
    ("JPY", 622_500, False),   # 6,225 JPY is not compared with the 5,000 CNY threshold
    ("CNY", 622_500, True),
    ("CNY", 500_000, False),
    ("USD", 9_999_999, False),  # no USD threshold: not compared at all
])
def test_amounts_compare_only_with_the_threshold_of_their_own_currency(catalogue, allocations, currency,
                                                                        total_cents, held):
    order = make_order(currency=currency, total_cents=total_cents)
    services.review_orders([order.id])
    assert ("amount" in reload(order).hold_codes) is held


def test_a_currency_gets_its_own_threshold(catalogue, allocations):
    choose("amount", thresholds={"CNY": 500_000, "usd": 100_000})
    assert db_params("amount") == {"thresholds": {"CNY": 500_000, "USD": 100_000}}
    order = make_order(currency="USD", total_cents=100_001)
    services.review_orders([order.id])
    assert [r["detail"] for r in reload(order).hold_reasons] == ["amount 1,000.01 USD above 1,000.00"]


def test_a_threshold_saved_before_currencies_is_the_cny_threshold(catalogue, allocations):
    choose("amount", threshold_cents=10_000)
    assert db_params("amount") == {"thresholds": {"CNY": 10_000}}
    order = make_order(total_cents=20_000)
    services.review_orders([order.id])
    assert reload(order).hold_codes == ["amount"]


def db_params(code):
    from wms.extensions import db

    db.session.expire_all()
    return db.session.query(ReviewRule).filter_by(code=code).one().params


@pytest.mark.parametrize("code, params, message", [
    ("amount", {"thresholds": {"YEN!": 5}}, "'YEN!' is not a three-letter currency code"),
    ("amount", {"thresholds": {"JPY": -1}}, "the JPY threshold must be a whole number of cents"),
    ("amount", {"thresholds": {"JPY": 1.5}}, "the JPY threshold must be a whole number of cents"),
    ("amount", {"thresholds": ["CNY"]}, "thresholds must map a currency to cents"),
    ("duplicate", {"action": "shred"}, "action must be one of offer, hold, merge"),
    ("phone", {"invalid": "ignore"}, "invalid must be one of flag, hold"),
])
def test_a_bad_setting_is_refused_and_changes_nothing(db, code, params, message):
    before = {row.code: dict(row.params) for row in settings.rule_settings()}
    with pytest.raises(ValidationFailed) as refused:
        choose(code, **params)
    assert message in refused.value.message
    db.session.rollback()
    assert {row.code: dict(row.params) for row in settings.rule_settings()} == before


def test_twins_are_merged_into_the_oldest_with_one_click(catalogue, allocations, make_user):
    reviewer = make_user("reviewer")
    first, second = twins()
    services.review_orders([first.id, second.id])
    second = reload(second)
    target, merged = duplicates.merge_twins(second.id, actor=reviewer, expected_version=second.version)
    assert (target.id, merged) == (first.id, ["D2"])
    first, second = reload(first), reload(second)
    assert (first.status, second.status, second.merged_into_id) == ("approved", "cancelled", first.id)
    assert first.item_count == 2 and first.flags == []


def test_a_chip_whose_twin_is_gone_merges_nothing_and_clears_itself(catalogue, allocations, make_user):
    first, second = twins()
    services.review_orders([first.id, second.id])
    services.cancel_order(first.id, reason="buyer asked", actor="rev", expected_version=reload(first).version)
    second = reload(second)
    target, merged = duplicates.merge_twins(second.id, actor=make_user("reviewer"), expected_version=second.version)
    assert (target.id, merged) == (second.id, [])
    assert reload(second).flags == [] and reload(second).status == "approved"


def test_a_stale_one_click_merge_is_refused_and_merges_nothing(catalogue, allocations, make_user):
    from wms.errors import ConcurrentUpdate

    first, second = twins()
    services.review_orders([first.id, second.id])
    with pytest.raises(ConcurrentUpdate):
        duplicates.merge_twins(second.id, actor=make_user("reviewer"), expected_version=1)
    assert reload(second).status == "approved" and reload(first).item_count == 1


def test_twins_merge_automatically_when_the_supervisor_chose_it(catalogue, allocations):
    choose("duplicate", action="merge")
    first, second = twins()
    assert services.review_orders([first.id, second.id]) == {"approved": 2, "held": 0}
    first, second = reload(first), reload(second)
    assert (first.status, second.status, second.merged_into_id) == ("approved", "cancelled", first.id)
    assert first.item_count == 2 and first.flags == []
    assert allocations == [first.id]   # allocated once, after the merge, with both orders' lines
    assert "merged automatically: same buyer and address" in [e.reason for e in first.events]


def test_an_automatic_merge_that_cannot_happen_leaves_the_order_approved_and_flagged(catalogue, allocations):
    choose("duplicate", action="merge")
    make_order(external_id="OLD", status="picking")   # on the floor already: not mergeable
    order = make_order(external_id="NEW")
    services.review_orders([order.id])
    order = reload(order)
    assert order.status == "approved" and [f["code"] for f in order.flags] == ["duplicate"]
    assert allocations == [order.id]


def test_flagged_orders_are_not_counted_as_held(catalogue, allocations):
    order = make_order(buyer_phone="12345")
    services.review_orders([order.id])
    from wms.extensions import db

    assert db.session.query(OrderHoldCode).filter_by(order_id=order.id).count() == 0
    assert db.session.query(OrderEvent).filter_by(order_id=order.id).one().to_state == "approved"
    assert db.session.get(Order, order.id).flags


@pytest.mark.parametrize("province", ["Zhejiang", "Zhejiang Province", "ZJ", "CN-ZJ"])
def test_a_province_written_in_pinyin_english_or_as_a_code_passes_and_becomes_chinese(catalogue, allocations,
                                                                                      province):
    order = make_order(province=province)
    assert services.review_orders([order.id]) == {"approved": 1, "held": 0}
    assert reload(order).province == "浙江省"


def test_a_one_field_address_left_unsplit_is_split_by_review(catalogue, allocations):
    order = make_order(province="", city="", district="", address="北京 北京市 朝阳区 建国路88号")
    services.review_orders([order.id])
    order = reload(order)
    assert (order.status, order.province, order.city, order.district) == ("approved", "北京市", "北京市", "朝阳区")


def test_twins_are_found_whichever_way_each_stored_the_phone(catalogue, allocations, make_user):
    first = make_order(external_id="API-1", buyer_phone="13800138000")       # from the order API, as typed
    second = make_order(external_id="FILE-1", buyer_phone="+8613800138000")  # from a file, normalised
    services.review_orders([first.id, second.id])
    assert [f["code"] for f in reload(first).flags] == ["duplicate"]
    target, merged = duplicates.merge_twins(second.id, actor=make_user("reviewer"))
    assert (target.id, merged) == (first.id, ["FILE-1"])


def test_the_oldest_twins_chip_merges_the_newer_into_it(catalogue, allocations, make_user):
    first, second = twins()
    services.review_orders([first.id, second.id])
    first = reload(first)
    target, merged = duplicates.merge_twins(first.id, actor=make_user("reviewer"), expected_version=first.version)
    assert (target.id, merged) == (first.id, ["D2"]) and reload(second).merged_into_id == first.id


def test_twins_in_two_stores_are_flagged_but_a_click_merges_nothing(catalogue, allocations, make_user):
    from tests.builders import make_channel

    first = make_order(external_id="SHOP-1")
    second = make_order(make_channel("tmall"), external_id="TMALL-1")
    services.review_orders([first.id, second.id])
    second = reload(second)
    assert [f["code"] for f in second.flags] == ["duplicate"]
    target, merged = duplicates.merge_twins(second.id, actor=make_user("reviewer"), expected_version=second.version)
    assert merged == [] and reload(first).status == "approved" and reload(second).flags == []


def test_two_reviewers_clicking_the_same_merge_at_once_merge_once(app, db, catalogue, allocations, make_user):
    import threading

    from wms.errors import ConcurrentUpdate, DomainError

    first, second = twins()
    services.review_orders([first.id, second.id])
    version = reload(second).version
    users = [make_user("reviewer", username=name).id for name in ("ann", "bob")]
    loaded, outcomes = threading.Barrier(2), {}

    def click(index):
        from wms.auth.models import User
        from wms.extensions import db as thread_db

        with app.app_context():
            actor = thread_db.session.get(User, users[index])
            thread_db.session.get(Order, second.id)  # both hold the version the queue showed
            loaded.wait()
            try:
                duplicates.merge_twins(second.id, actor=actor, expected_version=version)
                outcomes[index] = "merged"
            except (ConcurrentUpdate, DomainError) as error:
                outcomes[index] = error.message
            finally:
                thread_db.session.remove()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome == "merged" for outcome in outcomes.values()) == [False, True]
    first, second = reload(first), reload(second)
    assert (first.item_count, second.status, second.merged_into_id) == (2, "cancelled", first.id)
    merges = [e for e in first.events if e.kind == "merge"]
    assert len(merges) == 1
