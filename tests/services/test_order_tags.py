"""Tag rules (订单分类) through the services: the supervisor's list, tagging, applying to open orders,
the desk's tag rows."""
from types import SimpleNamespace

import pytest

from tests.builders import make_channel, make_order, make_sku
from tests.builders_review import allocations, reload  # noqa: F401  (fixture)
from tests.builders_tags import make_tag_rule
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.orders.models import OrderEvent
from wms.review import tagging
from wms.review.tag_models import OrderTag, TagRule

BOSS = SimpleNamespace(username="boss")


def tag_rows(db, order):
    return sorted(k for (k,) in db.session.query(OrderTag.key).filter_by(order_id=order.id))


def test_a_rule_is_saved_with_its_conditions_and_goes_to_the_end_of_the_list(db):
    first = make_tag_rule()
    second = make_tag_rule("big CNY", regions="", min_amount="500", currency="cny", priority="5", tags="")
    assert [r.id for r in tagging.list_rules()] == [first.id, second.id]
    assert second.conditions == {"currency": "CNY", "min_cents": 50000} and second.priority == 5
    assert first.enabled and first.updated_by == "supervisor1"


def test_a_wrong_rule_is_refused_and_nothing_is_saved(db):
    with pytest.raises(ValidationFailed) as refused:
        make_tag_rule(regions="", tags="VIP")
    assert refused.value.details["field"] == "conditions"
    with pytest.raises(ValidationFailed):
        make_tag_rule(channel_ids=["999"])
    assert db.session.query(TagRule).count() == 0


def test_matching_orders_are_tagged_with_a_timeline_entry_and_the_rest_left_alone(db):
    make_sku()
    make_tag_rule(tags="VIP, 南方", priority="3")
    south = make_order(external_id="S1", province="广东省", city="深圳市", district="南山区", tags=["复购"])
    north = make_order(external_id="N1", province="北京市", city="北京市")
    assert tagging.tag_orders([south, north], actor="auto-review") == 1
    db.session.commit()
    south, north = reload(south), reload(north)
    assert south.tags == ["复购", "VIP", "南方"] and south.priority == 3
    assert north.tags == [] and north.priority == 0
    note = db.session.query(OrderEvent).filter_by(order_id=south.id).one()
    assert note.kind == "edit" and note.reason == "tag rules: tags added: VIP, 南方; priority 0 -> 3"
    assert db.session.query(OrderEvent).filter_by(order_id=north.id).count() == 0
    assert tag_rows(db, south) == sorted(["vip", "复购", "南方"])


def test_tagging_again_changes_nothing(db):
    make_sku()
    make_tag_rule(tags="VIP", priority="3")
    order = make_order(province="广东省", city="深圳市", district="南山区")
    tagging.tag_orders([order], actor="auto-review")
    db.session.commit()
    assert tagging.tag_orders([reload(order)], actor="auto-review") == 0
    assert db.session.query(OrderEvent).filter_by(order_id=order.id).count() == 1


def test_a_switched_off_rule_tags_nothing_and_a_sku_rule_reads_the_lines(db):
    make_sku("TEA-1")
    rule = make_tag_rule(regions="", skus="tea-1", tags="茶")
    order = make_order(lines=(("TEA-1", 2),))
    tagging.set_enabled(rule.id, False, actor=BOSS, expected_version=rule.version)
    assert tagging.tag_orders([order], actor="auto-review") == 0
    tagging.set_enabled(rule.id, True, actor=BOSS, expected_version=reload_rule(db, rule).version)
    assert tagging.tag_orders([order], actor="auto-review") == 1 and order.tags == ["茶"]


def reload_rule(db, rule):
    db.session.expire_all()
    return db.session.get(TagRule, rule.id)


def test_the_rules_order_is_the_order_tags_are_added_in(db):
    make_sku()
    a = make_tag_rule("a", tags="A")
    b = make_tag_rule("b", tags="B")
    tagging.move_rule(b.id, -1, actor=BOSS)
    assert [r.name for r in tagging.list_rules()] == ["b", "a"]
    order = make_order(province="广东省", city="深圳市", district="南山区")
    tagging.tag_orders([order], actor="auto-review")
    assert order.tags == ["B", "A"]
    tagging.move_rule(a.id, 1, actor=BOSS)   # already last: stays
    assert [r.name for r in tagging.list_rules()] == ["b", "a"]


def test_a_rule_saved_from_an_old_page_is_refused_and_unchanged(db):
    rule = make_tag_rule()
    seen = rule.version
    tagging.update_rule(rule.id, {"name": "VIP", "regions": "广东", "tags": "VIP, 大客户"}, actor=BOSS,
                        expected_version=seen)
    with pytest.raises(ConcurrentUpdate) as refused:
        tagging.update_rule(rule.id, {"name": "late", "regions": "广东", "tags": "x"}, actor=BOSS,
                            expected_version=seen)
    assert "boss" in refused.value.message
    assert reload_rule(db, rule).name == "VIP" and reload_rule(db, rule).tags == ["VIP", "大客户"]


def test_applying_to_open_orders_tags_them_in_chunks_and_leaves_the_others(db, monkeypatch):
    monkeypatch.setattr(tagging, "CHUNK", 2)
    make_sku()
    make_tag_rule(tags="VIP")
    open_ids = [make_order(external_id=f"O{i}", province="广东省", city="深圳市", district="南山区", status=status).id
                for i, status in enumerate(["approved", "allocated", "backorder", "on_hold", "approved"])]
    shipped = make_order(external_id="X1", province="广东省", city="深圳市", district="南山区", status="shipped")
    imported = make_order(external_id="X2", province="广东省", city="深圳市", district="南山区")
    assert tagging.apply_to_open_orders(actor="boss") == {"orders": 5, "changed": 5}
    db.session.expire_all()
    from wms.orders.models import Order

    assert all(db.session.get(Order, i).tags == ["VIP"] for i in open_ids)
    assert reload(shipped).tags == [] and reload(imported).tags == []
    assert tagging.apply_to_open_orders(actor="boss") == {"orders": 5, "changed": 0}


def test_apply_now_is_queued_as_a_job_that_runs_after_commit(db, app):
    make_sku()
    make_tag_rule(tags="VIP")
    order = make_order(province="广东省", city="深圳市", district="南山区", status="approved")
    assert tagging.apply_to_open_orders_later(actor=BOSS) == 1
    assert reload(order).tags == ["VIP"]   # RQ_SYNC: the job ran inline after the commit


def test_tag_rows_follow_the_tags_and_backfill_rebuilds_them(db):
    make_sku()
    order = make_order(tags=["VIP", "vip", " 加急 "])
    assert tag_rows(db, order) == ["vip", "加急"]
    order.tags = ["复购"]
    db.session.commit()
    assert tag_rows(db, order) == ["复购"]
    db.session.query(OrderTag).delete()
    db.session.commit()
    tagging.rebuild_tag_rows()
    assert tag_rows(db, order) == ["复购"]


def test_review_tags_the_orders_it_approves_and_not_those_it_holds(db, published, allocations):
    make_sku()
    make_tag_rule(tags="VIP", priority="2")
    clean = make_order(external_id="C1", province="广东省", city="深圳市", district="南山区")
    held = make_order(external_id="H1", province="广东省", city="深圳市", district="南山区", payment_status="pending", buyer_phone="13800138001")
    from wms.review import services

    services.review_orders([clean.id, held.id])
    assert reload(clean).status == "approved", reload(clean).hold_reasons
    assert reload(clean).tags == ["VIP"] and reload(clean).priority == 2
    assert reload(held).status == "on_hold" and reload(held).tags == []


def test_a_reviewer_approving_a_held_order_tags_it(db, published, allocations, make_user):
    from tests.builders_review import make_held_order
    from wms.review import services

    make_sku()
    make_tag_rule(tags="VIP")
    order = make_held_order(province="广东省", city="深圳市", district="南山区")
    services.approve_order(order.id, actor=make_user(role="reviewer"), expected_version=reload(order).version,
                           reason="address checked by phone")
    assert reload(order).status == "approved" and reload(order).tags == ["VIP"]


def test_a_chunk_a_reviewer_changed_meanwhile_is_read_again_and_tagged(db, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    make_sku()
    make_tag_rule(tags="VIP")
    order = make_order(province="广东省", status="approved")
    real_commit, calls = tagging.commit, []

    def racing_commit():
        calls.append(1)
        if len(calls) == 1:   # the reviewer's save came first: this flush finds the version moved
            raise StaleDataError("order changed")
        real_commit()

    monkeypatch.setattr(tagging, "commit", racing_commit)
    assert tagging.apply_to_open_orders(actor="boss") == {"orders": 1, "changed": 1}
    assert len(calls) == 2 and reload(order).tags == ["VIP"]


def test_orders_that_keep_changing_fail_the_job_clearly_and_keep_their_tags(db, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    make_sku()
    make_tag_rule(tags="VIP")
    order = make_order(province="广东省", status="approved")

    def always_stale():
        raise StaleDataError("order changed")

    monkeypatch.setattr(tagging, "commit", always_stale)
    with pytest.raises(ConcurrentUpdate):
        tagging.apply_to_open_orders(actor="boss")
    assert reload(order).tags == []


def test_the_demo_has_tag_rules_that_tag_its_orders(db, app):
    from wms import demo
    from wms.orders.models import Order

    demo._tag_rules()
    assert [r.name for r in tagging.list_rules()] == ["华东", "大额订单", "买家催单"]
    make_sku()
    order = make_order(province="上海市", city="上海市", total_cents=60000, buyer_remark="请尽快发货")
    tagging.tag_orders([db.session.get(Order, order.id)], actor="auto-review")
    assert order.tags == ["华东", "大额", "加急"] and order.priority == 5
