"""Reviewer actions: approve, hold, release, edit, merge, split, cancel, bulk approve; stale versions lose."""
import threading

import pytest

from tests.builders import make_order, make_sku
from tests.builders_review import allocations, make_held_order, reload  # noqa: F401
from wms.errors import ConcurrentUpdate, IllegalTransition, ValidationFailed
from wms.orders.models import Order, OrderEvent
from wms.review import services


@pytest.fixture
def reviewer(make_user):
    make_sku()
    return make_user("reviewer")


def test_approving_an_imported_order_hands_it_to_allocation(db, reviewer, allocations, published):
    order = make_order()
    services.approve_order(order.id, actor=reviewer, expected_version=order.version)
    order = reload(order)
    assert order.status == "approved" and order.events[-1].actor_name == "reviewer1"
    assert allocations == [order.id]
    assert published[0]["payload"]["to"] == "approved"


def test_overriding_a_hold_needs_a_reason(db, reviewer, allocations):
    order = make_held_order()
    with pytest.raises(ValidationFailed, match="reason"):
        services.approve_order(order.id, actor=reviewer, expected_version=order.version)
    assert reload(order).status == "on_hold"
    services.approve_order(order.id, actor=reviewer, expected_version=order.version, reason="called buyer")
    order = reload(order)
    assert order.status == "approved" and order.hold_reasons == []
    assert order.events[-1].reason == "override: called buyer"


def test_a_manual_hold_adds_its_reason_to_the_existing_ones(db, reviewer):
    order = make_held_order(reasons=(("shortage", "SKU x: expected 3, found 1 at A-03-02-1"),))
    services.hold_order(order.id, reason="buyer asked to wait", actor=reviewer, expected_version=order.version)
    assert reload(order).hold_codes == ["shortage", "manual"]


def test_holding_needs_a_reason_and_changes_nothing_without_one(db, reviewer):
    order = make_order()
    with pytest.raises(ValidationFailed):
        services.hold_order(order.id, reason=" ", actor=reviewer, expected_version=order.version)
    assert reload(order).status == "imported" and reload(order).version == 1


def test_releasing_a_fixed_order_approves_it(db, reviewer, allocations):
    order = make_held_order()
    services.release_order(order.id, actor=reviewer, expected_version=order.version)
    order = reload(order)
    assert order.status == "approved" and order.events[-1].reason == "released: all checks passed"
    assert allocations == [order.id]


def test_releasing_an_order_that_still_fails_keeps_it_held_with_new_reasons(db, reviewer, allocations):
    order = make_held_order(payment_status="pending")
    services.release_order(order.id, actor=reviewer, expected_version=order.version)
    order = reload(order)
    assert order.status == "on_hold" and order.hold_codes == ["payment"]
    assert order.events[-1].reason.startswith("still held: Unpaid")   # the reason by its name, not its code


def test_editing_the_address_reparses_it_and_records_what_changed(db, reviewer):
    order = make_held_order(province="", city="", district="", address="rubbish")
    services.edit_order(order.id, changes={"address": "北京市朝阳区建国路88号", "buyer_phone": "13900139000"},
                        actor=reviewer, expected_version=order.version)
    order = reload(order)
    assert (order.province, order.city, order.district, order.address) == ("北京市", "北京市", "朝阳区", "建国路88号")
    note = order.events[-1]
    assert note.kind == "edit" and "buyer_phone '13800138000' -> '13900139000'" in note.reason
    assert order.version == 3


def test_editing_a_field_that_is_not_editable_is_refused(db, reviewer):
    order = make_order()
    with pytest.raises(ValidationFailed):
        services.edit_order(order.id, changes={"status": "shipped"}, actor=reviewer, expected_version=1)
    assert reload(order).status == "imported"


def test_an_order_on_the_floor_cannot_be_edited_or_cancelled(db, reviewer):
    order = make_order(status="picking")
    with pytest.raises(IllegalTransition):
        services.edit_order(order.id, changes={"buyer_name": "X"}, actor=reviewer, expected_version=1)
    with pytest.raises(IllegalTransition):
        services.cancel_order(order.id, reason="buyer", actor=reviewer, expected_version=1)
    assert reload(order).buyer_name == "张三"


def test_cancelling_records_the_reason(db, reviewer):
    order = make_held_order()
    services.cancel_order(order.id, reason="buyer cancelled", actor=reviewer, expected_version=order.version)
    order = reload(order)
    assert order.status == "cancelled" and order.events[-1].reason == "buyer cancelled"


def test_merging_moves_lines_to_the_target_and_cancels_the_others(db, reviewer):
    make_sku("SKU-2", barcodes=("2",))
    target = make_held_order("M1", reasons=(("duplicate", "same buyer and address as M2"),))
    other = make_order(external_id="M2", lines=(("SKU-1", 2), ("SKU-2", 1)), total_cents=5000)
    services.merge_orders(target.id, [other.id], actor=reviewer, expected_version=target.version)
    target, other = reload(target), reload(other)
    assert sorted((l.sku_code, l.qty) for l in target.lines) == [("SKU-1", 3), ("SKU-2", 1)]
    assert target.total_cents == 9900 + 5000
    assert other.status == "cancelled" and other.merged_into_id == target.id and other.lines == []
    assert other.events[-1].reason == "merged into M1"


def test_orders_of_another_buyer_cannot_be_merged(db, reviewer):
    target = make_order(external_id="M1")
    other = make_order(external_id="M2", buyer_name="王五")
    with pytest.raises(ValidationFailed, match="another buyer"):
        services.merge_orders(target.id, [other.id], actor=reviewer, expected_version=1)
    assert reload(other).status == "imported" and len(reload(target).lines) == 1


def test_splitting_moves_the_chosen_quantity_to_a_new_order(db, reviewer):
    make_sku("SKU-2", barcodes=("2",))
    order = make_held_order("S", lines=(("SKU-1", 3), ("SKU-2", 1)))
    line = reload(order).lines[0]
    part = services.split_order(order.id, {line.id: 2}, actor=reviewer, expected_version=order.version)
    order, part = reload(order), db.session.get(Order, part.id)
    assert part.external_id == "S-S1" and part.split_from_id == order.id
    assert [(l.sku_code, l.qty) for l in part.lines] == [("SKU-1", 2)]
    assert [(l.sku_code, l.qty) for l in order.lines] == [("SKU-1", 1), ("SKU-2", 1)]
    assert part.status == "on_hold" and part.hold_codes == order.hold_codes
    assert part.total_cents == 6600 and order.total_cents == 9900 - 6600


def test_a_split_must_leave_something_behind(db, reviewer):
    order = make_order(lines=(("SKU-1", 2),))
    with pytest.raises(ValidationFailed, match="leave something"):
        services.split_order(order.id, {order.lines[0].id: 2}, actor=reviewer, expected_version=1)
    assert db.session.query(Order).count() == 1


def test_bulk_approve_reports_each_order_and_one_failure_does_not_stop_the_rest(db, reviewer, allocations):
    good = make_order(external_id="G1")
    held = make_held_order("G2")
    shipped = make_order(external_id="G3", status="shipped")
    results = services.bulk_approve([good.id, held.id, shipped.id, 999], reviewer)
    assert [(r["external_id"], r["outcome"]) for r in results] == [
        ("G1", "approved"), ("G2", "skipped"), ("G3", "skipped"), (None, "skipped")]
    assert "reason" in results[1]["reason"]
    assert reload(good).status == "approved" and reload(held).status == "on_hold"


def test_a_reviewer_holding_a_version_someone_else_changed_gets_a_clear_conflict(db, reviewer, make_user, allocations):
    order = make_order()
    seen = order.version
    first = make_user("supervisor", username="alice")
    services.approve_order(order.id, actor=first, expected_version=seen)
    with pytest.raises(ConcurrentUpdate) as caught:
        services.hold_order(order.id, reason="looks odd", actor=reviewer, expected_version=seen)
    assert "This order was changed by alice at " in caught.value.message
    assert caught.value.message.endswith("; reload to see the change")
    with pytest.raises(ConcurrentUpdate):
        services.edit_order(order.id, changes={"buyer_name": "X"}, actor=reviewer, expected_version=seen)
    order = reload(order)
    assert order.status == "approved" and order.buyer_name == "张三"
    assert [e.actor_name for e in order.events] == ["alice"]


def test_two_reviewers_in_two_threads_one_wins_the_other_gets_concurrent_update(app, db, reviewer, make_user, allocations):
    order = make_order()
    ids = {"order": order.id, "users": [reviewer.id, make_user("supervisor", username="bob").id]}
    loaded, outcomes = threading.Barrier(2), {}

    def act(index):
        from wms.auth.models import User
        from wms.extensions import db as thread_db

        with app.app_context():
            actor = thread_db.session.get(User, ids["users"][index])
            thread_db.session.get(Order, ids["order"])  # both sessions hold version 1 now
            loaded.wait()
            try:
                if index == 0:
                    services.hold_order(ids["order"], reason="check", actor=actor, expected_version=1)
                else:
                    services.edit_order(ids["order"], changes={"buyer_name": "Bob's edit"}, actor=actor,
                                        expected_version=1)
                outcomes[index] = "ok"
            except ConcurrentUpdate as error:
                outcomes[index] = error.message
            finally:
                thread_db.session.remove()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True]
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "reload to see the change" in loser
    order = reload(order)
    assert order.version == 2
    won_hold = order.status == "on_hold"
    assert (order.buyer_name == "张三") == won_hold
    assert db.session.query(OrderEvent).filter_by(order_id=order.id).count() == 1
