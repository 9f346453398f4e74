"""Order.transition_to writes the audit row and refuses illegal moves."""
import pytest

from tests.builders import make_order, make_sku, make_user
from wms.errors import IllegalTransition
from wms.i18n import event_text
from wms.orders.models import OrderEvent
from wms.wording import wording


def test_transition_records_who_when_from_to_and_why(db):
    make_sku()
    reviewer = make_user("reviewer")
    order = make_order()
    order.transition_to("approved", reason="address fixed", actor=reviewer)
    db.session.commit()
    event = db.session.query(OrderEvent).filter_by(order_id=order.id).one()
    assert (event.from_state, event.to_state, event.reason, event.actor_name) == \
        ("imported", "approved", "address fixed", "reviewer1")
    assert event.at is not None


def test_a_reason_the_server_made_is_stored_in_english_with_its_wording_and_read_in_each_language(db):
    make_sku()
    order = make_order()
    said = wording("carrier changed from {old} to {new}", old="-", new="SF")
    order.transition_to("approved", reason=wording("all checks passed"), actor="auto-review")
    order.note(said, kind="edit")
    db.session.commit()
    db.session.expire_all()
    approved, noted = db.session.query(OrderEvent).filter_by(order_id=order.id).order_by(OrderEvent.id).all()
    assert (approved.reason, approved.wording) == ("all checks passed", {"text": "all checks passed", "values": {}})
    assert (noted.reason, noted.wording) == ("carrier changed from - to SF", said)
    assert [event_text(e, "zh_CN") for e in (approved, noted)] == ["全部检查通过", "快递由 - 改为 SF"]
    assert [event_text(e, "en") for e in (approved, noted)] == ["all checks passed", "carrier changed from - to SF"]


def test_a_typed_reason_is_stored_and_shown_as_typed_in_every_language(db):
    make_sku()
    order = make_order()
    typed = "买家来电：{先别发} all checks passed?"
    order.transition_to("on_hold", reason=typed, actor=make_user("reviewer"))
    order.note(typed, actor="reviewer1")
    db.session.commit()
    held, noted = db.session.query(OrderEvent).filter_by(order_id=order.id).order_by(OrderEvent.id).all()
    assert (held.reason, held.wording, event_text(held, "zh_CN"), event_text(held, "en")) == (typed, None, typed, typed)
    assert (noted.reason, event_text(noted, "zh_CN")) == (typed, typed)
    assert db.session.query(OrderEvent).filter(OrderEvent.wording.is_(None)).count() == 2   # SQL NULL, not JSON null


def test_the_bulk_writers_keep_the_wording_of_their_audit_rows(db):
    from wms.orders.models import Order, bulk_transition, transition_if_still

    make_sku()
    orders = [make_order(external_id=f"W{i}", status="allocated") for i in range(2)]
    bulk_transition(db.session, [o.id for o in orders], "allocated", "waved", reason=wording("wave {code}", code="W9"))
    transition_if_still(db.session, orders[0].id, "waved", "picking",
                        reason=wording("picking started ({task})", task="T-9"))
    db.session.commit()
    db.session.expire_all()
    first = db.session.get(Order, orders[0].id)
    assert [(e.reason, event_text(e, "zh_CN")) for e in first.events] == [
        ("wave W9", "波次 W9"), ("picking started (T-9)", "开始拣货（T-9）")]


def test_an_illegal_transition_changes_nothing(db):
    make_sku()
    order = make_order()
    with pytest.raises(IllegalTransition):
        order.transition_to("shipped")
    assert order.status == "imported"
    assert order.events == []


def test_bulk_transition_moves_every_order_and_writes_one_audit_row_each(db):
    from wms.orders.models import Order, bulk_transition

    make_sku()
    orders = [make_order(external_id=f"B{i}", status="allocated") for i in range(3)]
    versions = [o.version for o in orders]
    moved = bulk_transition(db.session, [o.id for o in orders], "allocated", "waved", reason="wave W1", actor="boss")
    db.session.commit()
    db.session.expire_all()
    assert moved == 3
    for order, version in zip(orders, versions):
        order = db.session.get(Order, order.id)
        assert order.status == "waved" and order.version == version + 1
        assert [(e.from_state, e.to_state, e.reason, e.actor_name) for e in order.events] == \
            [("allocated", "waved", "wave W1", "boss")]


def test_bulk_transition_refuses_when_any_order_moved_on_and_the_caller_rolls_back(db):
    from wms.errors import ConcurrentUpdate
    from wms.orders.models import Order, bulk_transition

    make_sku()
    a, b = make_order(external_id="C1", status="allocated"), make_order(external_id="C2", status="cancelled")
    with pytest.raises(ConcurrentUpdate):
        bulk_transition(db.session, [a.id, b.id], "allocated", "waved")
    db.session.rollback()
    assert db.session.get(Order, a.id).status == "allocated"
    with pytest.raises(IllegalTransition):
        bulk_transition(db.session, [a.id], "allocated", "shipped")


def test_transition_if_still_moves_one_order_with_its_audit_row_and_counters(db):
    from wms.dashboard import queries, services
    from wms.orders.models import Order, transition_if_still

    make_sku()
    order = make_order(external_id="T1", status="waved", carrier_code="sf")
    db.session.commit()
    services.rebuild_metrics()
    version = order.version
    assert transition_if_still(db.session, order.id, "waved", "picking", reason="picking started (T-1)")
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.status, order.version) == ("picking", version + 1)
    assert [(e.from_state, e.to_state, e.reason, e.actor_name) for e in order.events] == \
        [("waved", "picking", "picking started (T-1)", "system")]
    counters = queries.all_counters()
    assert services.rebuild_metrics() == counters  # the counters moved with it


def test_transition_if_still_changes_nothing_when_the_order_moved_on(db):
    from wms.dashboard import queries
    from wms.orders.models import Order, transition_if_still

    make_sku()
    order = make_order(external_id="T2", status="cancelled")
    db.session.commit()
    counters = queries.all_counters()
    assert not transition_if_still(db.session, order.id, "waved", "picking")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.query(OrderEvent).filter_by(order_id=order.id).count() == 0
    assert queries.all_counters() == counters


def test_transition_if_still_leaves_hold_moves_to_the_orm_path(db):
    from wms.orders.models import transition_if_still

    make_sku()
    order = make_order(external_id="T3", status="on_hold")
    with pytest.raises(ValueError):
        transition_if_still(db.session, order.id, "on_hold", "approved")
    with pytest.raises(IllegalTransition):
        transition_if_still(db.session, order.id, "imported", "shipped")
