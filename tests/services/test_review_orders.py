"""review_orders: clean orders approved, the rest held with every reason, in a few queries."""
from sqlalchemy import event

from tests.builders import make_channel, make_order, make_sku
from tests.builders_review import allocations, reload  # noqa: F401  (fixture)
from wms.orders.models import OrderEvent
from wms.review import services, settings
from wms.review.models import BlacklistEntry, OrderHoldCode, ReviewRule


def test_a_clean_order_is_approved_by_auto_review(db, published, allocations):
    make_sku()
    order = make_order()
    assert services.review_orders([order.id]) == {"approved": 1, "held": 0}
    order = reload(order)
    assert order.status == "approved" and order.hold_reasons == []
    event = db.session.query(OrderEvent).filter_by(order_id=order.id).one()
    assert (event.actor_name, event.reason, event.to_state) == ("auto-review", "all checks passed", "approved")
    assert allocations == [order.id]


def test_an_order_with_problems_is_held_with_every_reason(db, published, allocations):
    make_sku()
    order = make_order(lines=(("GHOST", 1),), payment_status="pending", buyer_remark="ring twice")
    assert services.review_orders([order.id]) == {"approved": 0, "held": 1}
    order = reload(order)
    assert order.status == "on_hold"
    assert order.hold_codes == ["payment", "unknown_sku", "remark"]
    event = db.session.query(OrderEvent).filter_by(order_id=order.id).one()
    assert "Unpaid: payment not confirmed (awaiting payment)" in event.reason
    assert "Unknown SKU: not in the catalogue: GHOST" in event.reason
    assert sorted(c for (c,) in db.session.query(OrderHoldCode.code)) == ["payment", "remark", "unknown_sku"]
    assert allocations == []


def test_state_changes_are_pushed_to_supervisors_and_reviewers_after_commit(db, published, allocations):
    make_sku()
    order = make_order(payment_status="pending")
    services.review_orders([order.id])
    assert {e["room"] for e in published if e["event"] == "order.state_changed"} == {"role:supervisor", "role:reviewer"}
    payload = published[0]["payload"]
    assert payload == {"order_id": order.id, "external_id": "1001", "from": "imported", "to": "on_hold",
                       "reasons": ["payment"]}


def test_a_bulk_run_publishes_one_summary_instead_of_an_event_per_order(db, published, allocations):
    make_sku()
    ids = [make_order(external_id=f"B{i}", buyer_phone=f"1380013{i:04d}").id for i in range(30)]
    assert services.review_orders(ids) == {"approved": 30, "held": 0}
    assert [e["event"] for e in published] == ["orders.reviewed", "orders.reviewed"]
    assert published[0]["payload"]["approved"] == 30


def test_orders_no_longer_imported_are_skipped(db, published, allocations):
    make_sku()
    order = make_order(status="approved")
    assert services.review_orders([order.id]) == {"approved": 0, "held": 0}
    assert reload(order).events == []


def test_parsed_address_parts_fill_empty_province_city_district(db, allocations):
    make_sku()
    order = make_order(province="", city="", district="", address="广东深圳南山区科技园路1号")
    services.review_orders([order.id])
    order = reload(order)
    assert (order.province, order.city, order.district, order.status) == ("广东省", "深圳市", "南山区", "approved")


def test_a_broken_address_is_held(db, allocations):
    make_sku()
    order = make_order(province="", city="", district="", address="asdf 1")
    services.review_orders([order.id])
    assert reload(order).hold_reasons[0]["code"] == "address"


def test_a_line_whose_code_is_now_in_the_catalogue_gets_its_sku(db, allocations):
    order = make_order(lines=(("LATE", 1),))
    sku = make_sku("LATE", barcodes=("1",))
    services.review_orders([order.id])
    order = reload(order)
    assert order.lines[0].sku_id == sku.id and order.status == "approved"


def test_two_orders_of_one_buyer_to_one_address_are_offered_a_merge_not_held(db, allocations):
    make_sku()
    first, second = make_order(external_id="D1"), make_order(external_id="D2", address="文三路 90号 1幢101室")
    services.review_orders([first.id, second.id])
    first, second = reload(first), reload(second)
    assert (first.status, second.status) == ("approved", "approved")
    assert [(r["code"], r["detail"]) for r in first.flags] == [("duplicate", "same buyer and address as D2")]
    assert [r["code"] for r in second.flags] == ["duplicate"]


def test_a_supervisor_who_chose_hold_gets_both_duplicates_held(db, allocations):
    make_sku()
    settings.save_rule_settings({"duplicate": {"enabled": True, "params": {"action": "hold"}}}, actor="boss")
    first, second = make_order(external_id="D1"), make_order(external_id="D2", address="文三路 90号 1幢101室")
    services.review_orders([first.id, second.id])
    first, second = reload(first), reload(second)
    assert [(r["code"], r["detail"]) for r in first.hold_reasons] == [("duplicate", "same buyer and address as D2")]
    assert second.hold_codes == ["duplicate"] and second.flags == []


def test_a_shipped_or_cancelled_order_is_not_a_duplicate(db, allocations):
    make_sku()
    make_order(external_id="OLD", status="shipped")
    make_order(external_id="GONE", status="cancelled")
    order = make_order(external_id="NEW")
    services.review_orders([order.id])
    assert reload(order).status == "approved"


def test_a_blacklisted_phone_is_held(db, make_user, allocations):
    make_sku()
    settings.add_blacklist_entry("phone", "+86 138-0013-8000", note="chargebacks", actor=make_user("supervisor"))
    order = make_order()
    services.review_orders([order.id])
    assert reload(order).hold_codes == ["blacklist"]


def test_a_disabled_rule_does_not_hold(db, make_user, allocations):
    make_sku()
    settings.rule_settings()
    settings.save_rule_settings({"remark": {"enabled": False, "position": 7}}, actor=make_user("supervisor"))
    order = make_order(buyer_remark="leave at the door")
    services.review_orders([order.id])
    assert reload(order).status == "approved"


def test_rules_are_seeded_with_defaults_in_order(db):
    rows = settings.rule_settings()
    assert [r.code for r in rows][:3] == ["required_fields", "address", "phone"]
    assert db.session.query(ReviewRule).filter_by(code="amount").one().params == {"thresholds": {"CNY": 500_000}}
    assert db.session.query(ReviewRule).filter_by(code="duplicate").one().params == {"action": "offer"}
    assert db.session.query(ReviewRule).filter_by(code="phone").one().params == {"invalid": "flag"}


def test_a_thousand_orders_are_reviewed_with_a_fixed_number_of_queries(db, app, allocations):
    make_sku()
    channel = make_channel("bulk")
    from wms.orders.models import Order, OrderLine

    for i in range(1000):
        order = Order(channel_id=channel.id, external_id=f"X{i}", buyer_name="李四", buyer_phone=f"139{i:08d}",
                      province="", city="", district="", address="北京市朝阳区建国路88号", total_cents=100)
        order.lines.append(OrderLine(sku_code="SKU-1", qty=1))
        db.session.add(order)
    db.session.commit()
    ids = [i for (i,) in db.session.query(Order.id)]
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        result = services.review_orders(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert result == {"approved": 1000, "held": 0}
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # a fixed number, not one per order: the orders, lines, events, each rule set read once (review's, the
    # blacklist, the tag rules, the gift rules), the twins and the stores
    assert len(selects) < 16, selects[:20]


def test_blacklist_refuses_a_duplicate_and_an_empty_value(db, make_user):
    import pytest

    from wms.errors import ValidationFailed

    actor = make_user("supervisor")
    settings.add_blacklist_entry("buyer", "Bad Guy", actor=actor)
    with pytest.raises(ValidationFailed, match="Already"):
        settings.add_blacklist_entry("buyer", " bad  guy ", actor=actor)
    with pytest.raises(ValidationFailed):
        settings.add_blacklist_entry("phone", "   ", actor=actor)
    assert db.session.query(BlacklistEntry).count() == 1
