"""Finance review (财审): which approved orders wait for finance, and a finance user's approve and reject."""
import pytest

from tests.builders import make_channel, make_order, make_sku
from tests.builders_finance import finance_channel, reload, sku_with_cost, waiting_order
from wms.errors import ConcurrentUpdate, IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.finance import services
from wms.finance.models import FinanceCheck, FinanceRule
from wms.orders.models import OrderLine
from wms.review import services as review


@pytest.fixture
def finance(make_user):
    return make_user("finance", username="cashier1")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", username="reviewer1")


@pytest.fixture
def allocations(monkeypatch):
    """The order ids finance hands to allocation (another team's allocator is not run)."""
    handed = []
    monkeypatch.setattr("wms.finance.services.enqueue", lambda job, ids, **kw: handed.extend(ids))
    return handed


@pytest.fixture(autouse=True)
def review_allocations(monkeypatch):
    """What the review desk hands to allocation (recorded: the orders stay approved to be looked at)."""
    handed = []
    monkeypatch.setattr("wms.review.actions.allocate_after_commit", lambda ids: handed.extend(ids))
    return handed


def _approved_by_review(reviewer, **fields):
    order = make_order(**fields)
    review.approve_order(order.id, actor=reviewer, expected_version=order.version)
    return reload(order)


def _codes(order):
    check = db.session.query(FinanceCheck).filter_by(order_id=order.id).one()
    return [reason["code"] for reason in check.reasons]


# --- which orders wait --------------------------------------------------------------------------

def test_a_store_without_finance_review_approves_as_before_even_cash_on_delivery(db, reviewer):
    order = _approved_by_review(reviewer, channel=make_channel("PLAIN"), cash_on_delivery=True,
                                invoice_requested=True)
    assert order.status == "approved"
    assert db.session.query(FinanceCheck).count() == 0


def test_a_clean_order_of_a_finance_store_is_approved_straight_away(db, reviewer):
    order = _approved_by_review(reviewer, channel=finance_channel(), total_cents=9900)
    assert order.status == "approved"


def test_cash_on_delivery_waits_for_finance_with_both_reviews_on_the_timeline(db, reviewer):
    order = _approved_by_review(reviewer, channel=finance_channel(), cash_on_delivery=True)
    assert order.status == "finance_review"
    assert _codes(order) == ["finance_cod"]
    last = order.events[-1]
    assert (last.from_state, last.to_state, last.actor_name) == ("imported", "finance_review", "reviewer1")
    assert "approved by reviewer" in last.reason and "cash on delivery" in last.reason


def test_an_amount_above_its_currency_threshold_waits_and_another_currency_is_not_compared(db, reviewer):
    channel = finance_channel()
    big = _approved_by_review(reviewer, channel=channel, external_id="BIG", total_cents=500_001)
    small = _approved_by_review(reviewer, channel=channel, external_id="SMALL", total_cents=500_000)
    dollars = _approved_by_review(reviewer, channel=channel, external_id="USD", total_cents=9_000_000, currency="USD")
    assert big.status == "finance_review" and _codes(big) == ["finance_amount"]
    assert "5,000.01 CNY above 5,000.00" in db.session.query(FinanceCheck).filter_by(order_id=big.id).one() \
        .reasons[0]["detail"]
    assert (small.status, dollars.status) == ("approved", "approved")


def test_an_invoice_requested_waits(db, reviewer):
    order = _approved_by_review(reviewer, channel=finance_channel(), invoice_requested=True)
    assert order.status == "finance_review" and _codes(order) == ["finance_invoice"]


def test_a_line_discounted_past_the_share_waits_and_one_within_it_does_not(db, reviewer):
    channel = finance_channel()
    deep = make_order(channel=channel, external_id="DEEP")
    deep.lines[0].list_price_cents = 10_000   # sold at 33.00 of 100.00: 67 % off
    shallow = make_order(channel=channel, external_id="SHALLOW")
    shallow.lines[0].list_price_cents = 5_000   # 34 % off
    db.session.commit()
    for order in (deep, shallow):
        review.approve_order(order.id, actor=reviewer, expected_version=order.version)
    assert reload(deep).status == "finance_review" and _codes(deep) == ["finance_discount"]
    assert reload(shallow).status == "approved"


def test_a_line_below_its_sku_cost_waits(db, reviewer):
    sku_with_cost("COSTLY", 5_000)
    order = _approved_by_review(reviewer, channel=finance_channel(), lines=(("COSTLY", 1),))
    assert order.status == "finance_review" and _codes(order) == ["finance_below_cost"]
    detail = db.session.query(FinanceCheck).filter_by(order_id=order.id).one().reasons[0]["detail"]
    assert detail == "price below cost: COSTLY at 33.00, cost 50.00"


def test_every_reason_found_is_kept(db, reviewer):
    order = _approved_by_review(reviewer, channel=finance_channel(), cash_on_delivery=True, invoice_requested=True,
                                total_cents=900_000)
    assert _codes(order) == ["finance_cod", "finance_amount", "finance_invoice"]


def test_a_rule_switched_off_holds_nothing(db, reviewer, finance):
    services.save_rule_settings({"cod": {"enabled": False}}, actor=finance)
    order = _approved_by_review(reviewer, channel=finance_channel(), cash_on_delivery=True)
    assert order.status == "approved"


def test_the_automatic_review_sends_a_matching_order_to_finance_and_allocates_only_the_others(db, review_allocations):
    handed = review_allocations
    make_sku()
    channel = finance_channel()
    cod = make_order(channel=channel, external_id="AUTO-COD", cash_on_delivery=True)
    plain = make_order(channel=channel, external_id="AUTO-PLAIN")
    review.review_orders([cod.id, plain.id])
    assert (reload(cod).status, reload(plain).status) == ("finance_review", "approved")
    assert handed == [plain.id]
    assert reload(cod).events[-1].actor_name == "auto-review"


# --- approve and reject ---------------------------------------------------------------------------

def test_finance_approval_sends_the_order_to_allocation_with_who_and_why(db, finance, allocations, published):
    order = waiting_order()
    services.approve(order.id, actor=finance, expected_version=order.version, note="buyer known, pays on time")
    order = reload(order)
    assert order.status == "approved" and allocations == [order.id]
    last = order.events[-1]
    assert (last.from_state, last.to_state, last.actor_name) == ("finance_review", "approved", "cashier1")
    assert last.reason == "finance approved: buyer known, pays on time"
    check = db.session.query(FinanceCheck).filter_by(order_id=order.id).one()
    assert (check.outcome, check.decided_by) == ("approved", "cashier1")
    assert {"finance_review", "approved"} <= {p["payload"].get("from") for p in published} | \
        {p["payload"].get("to") for p in published}


def test_finance_rejection_puts_the_order_back_on_the_review_desk_on_hold_with_the_reason(db, finance, allocations):
    order = waiting_order()
    services.reject(order.id, actor=finance, expected_version=order.version, reason="COD limit reached for this buyer")
    order = reload(order)
    assert order.status == "on_hold" and allocations == []
    assert order.hold_codes == ["finance"]
    assert order.hold_reasons[0]["detail"] == "finance rejected: COD limit reached for this buyer"
    assert order.events[-1].actor_name == "cashier1"


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(db, finance):
    order = waiting_order()
    with pytest.raises(ValidationFailed, match="reason"):
        services.reject(order.id, actor=finance, expected_version=order.version, reason="   ")
    order = reload(order)
    assert order.status == "finance_review" and order.events[-1].to_state == "finance_review"


def test_an_order_not_waiting_for_finance_cannot_be_approved_there(db, finance, reviewer):
    order = _approved_by_review(reviewer, channel=make_channel("PLAIN"))
    with pytest.raises(IllegalTransition, match="not waiting for finance review"):
        services.approve(order.id, actor=finance, expected_version=order.version)
    with pytest.raises(NotFound):
        services.approve(987654, actor=finance, expected_version=1)


def test_two_finance_users_approving_at_once_one_wins_the_other_is_told_who(db, finance, make_user, allocations):
    other = make_user("finance", username="cashier2")
    order = waiting_order()
    seen = order.version
    services.approve(order.id, actor=finance, expected_version=seen)
    with pytest.raises(ConcurrentUpdate) as lost:
        services.approve(order.id, actor=other, expected_version=seen)
    assert "cashier1" in lost.value.message
    order = reload(order)
    assert order.status == "approved" and allocations == [order.id]
    assert [e.to_state for e in order.events].count("approved") == 1


def test_a_reject_racing_an_approval_loses_and_writes_nothing(db, finance, make_user, allocations):
    other = make_user("finance", username="cashier2")
    order = waiting_order()
    seen = order.version
    services.reject(order.id, actor=other, expected_version=seen, reason="no")
    with pytest.raises(ConcurrentUpdate):
        services.approve(order.id, actor=finance, expected_version=seen)
    assert reload(order).status == "on_hold" and allocations == []


def test_a_rejected_order_approved_again_by_a_reviewer_goes_back_to_finance(db, finance, reviewer, allocations):
    order = waiting_order()
    services.reject(order.id, actor=finance, expected_version=order.version, reason="check the buyer")
    order = reload(order)
    review.approve_order(order.id, actor=reviewer, expected_version=order.version, reason="buyer confirmed by phone")
    order = reload(order)
    assert order.status == "finance_review" and order.hold_reasons == []
    check = db.session.query(FinanceCheck).filter_by(order_id=order.id).one()
    assert (check.outcome, check.decided_by) == ("waiting", None)


def test_bulk_decides_each_order_on_its_own(db, finance, allocations):
    channel = finance_channel()
    first, second = waiting_order(channel, "B1"), waiting_order(channel, "B2")
    stale = waiting_order(channel, "B3")
    results = services.bulk([first.id, second.id, stale.id], "approve", actor=finance,
                            expected_versions={stale.id: stale.version - 1})
    assert [r["outcome"] for r in results] == ["approve", "approve", "skipped"]
    assert "reload" in results[2]["reason"]
    assert [reload(o).status for o in (first, second, stale)] == ["approved", "approved", "finance_review"]


def test_a_bulk_rejection_needs_its_reason_before_any_order_is_touched(db, finance):
    order = waiting_order()
    with pytest.raises(ValidationFailed):
        services.bulk([order.id], "reject", actor=finance, note="")
    with pytest.raises(ValidationFailed):
        services.bulk([order.id], "delete", actor=finance)
    assert reload(order).status == "finance_review"


def test_the_desk_lists_waiting_orders_by_store_and_platform(db):
    taobao = finance_channel("FIN-TB", platform="taobao")
    manual = finance_channel("FIN-MAN")
    waiting_order(taobao, "T1")
    waiting_order(manual, "M1")
    assert services.waiting()["total"] == 2
    assert [o.external_id for o, _c in services.waiting(services.DeskFilters(channel_id=manual.id))["rows"]] == ["M1"]
    assert [o.external_id for o, _c in services.waiting(services.DeskFilters(platform="taobao"))["rows"]] == ["T1"]


# --- settings -------------------------------------------------------------------------------------

def test_rule_settings_are_saved_and_read_back(db, finance):
    services.save_rule_settings({"amount": {"enabled": True, "params": {"thresholds": {"cny": 100_000}}},
                                 "discount": {"enabled": True, "params": {"max_percent": "30"}}}, actor=finance)
    settings = {code: (on, params) for code, on, params in services.rule_settings()}
    assert settings["amount"] == (True, {"thresholds": {"CNY": 100_000}})
    assert settings["discount"] == (True, {"max_percent": 30})
    assert settings["cod"] == (True, {})


def test_a_bad_setting_refuses_the_whole_save(db, finance):
    with pytest.raises(ValidationFailed) as refused:
        services.save_rule_settings({"cod": {"enabled": False},
                                     "discount": {"enabled": True, "params": {"max_percent": 150}}}, actor=finance)
    assert refused.value.details["field"] == "discount"
    assert db.session.query(FinanceRule).count() == 0


def test_a_store_switches_finance_review_on_and_off(db, finance):
    channel = make_channel("SWITCH")
    assert services.set_channel_finance_review(channel.id, True, actor=finance).finance_review is True
    assert services.set_channel_finance_review(channel.id, False, actor=finance).finance_review is False


def test_gift_lines_are_neither_a_discount_nor_a_loss(db, reviewer):
    sku_with_cost("GIFT-COST", 5_000)
    order = make_order(channel=finance_channel(), lines=(("GIFT-COST", 1),))
    line = order.lines[0]
    if not hasattr(OrderLine, "is_gift"):
        pytest.skip("order lines carry no gift mark here")
    line.is_gift, line.unit_price_cents = True, 0
    db.session.commit()
    review.approve_order(order.id, actor=reviewer, expected_version=order.version)
    assert reload(order).status == "approved"


def test_a_skus_cost_is_set_in_cny_and_cleared_with_a_blank(db, finance):
    make_sku("TEA-1", barcodes=())
    assert services.set_sku_cost("TEA-1", "12.5", actor=finance).cost_cents == 1250
    assert services.costed_skus()[1] == 1
    assert services.set_sku_cost(" TEA-1 ", "", actor=finance).cost_cents is None


@pytest.mark.parametrize("code,cost,field", [("TEA-1", "12,50", "cost"), ("TEA-1", "-3", "cost"),
                                             ("NO-SUCH", "3", "sku"), ("", "3", "sku")])
def test_a_bad_cost_or_an_unknown_sku_is_refused_and_changes_nothing(db, finance, code, cost, field):
    sku = make_sku("TEA-1", barcodes=(), cost_cents=900)
    with pytest.raises(ValidationFailed) as refused:
        services.set_sku_cost(code, cost, actor=finance)
    assert refused.value.details["field"] == field
    db.session.expire_all()
    assert db.session.get(type(sku), sku.id).cost_cents == 900
