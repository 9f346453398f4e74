"""Wall counters: kept in step with every way an order or a pick changes, equal to a rebuild from the tables."""
from datetime import datetime, timezone

import pytest

from tests.builders import make_channel, make_order, make_user
from tests.builders_floor import assigned_task, pick_event, short_event
from tests.builders_imports import record
from wms.aftercommit import commit
from wms.counters.models import HOLDS, ORDERS, SHIPPED, MetricCounter, PickBucket
from wms.dashboard import queries, services
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.imports.services import import_order_records
from wms.orders.models import Order, bulk_transition
from wms.picking import floor

FIXED = datetime(2026, 11, 22, 3, 15, 10)


def counters_and_buckets():
    buckets = {(m, p): (u, l) for m, p, u, l in queries.pick_buckets(datetime(2000, 1, 1))}
    return queries.all_counters(), buckets


def move(order_id, *states, reasons=None):
    order = db.session.get(Order, order_id)
    for state in states:
        order.transition_to(state, reason="test")
        commit()
    if reasons is not None:
        order.hold_reasons = reasons
        commit()
    return order


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the one clock every timestamp comes from (wms.timeutil.utcnow: counters, pick
    events, audit rows and column defaults alike), so increments and rebuild see one minute of
    one day whatever day the test runs on."""
    import wms.timeutil

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return FIXED.replace(tzinfo=timezone.utc).astimezone(tz) if tz else FIXED

    monkeypatch.setattr(wms.timeutil, "datetime", FrozenDatetime)
    return FIXED


def test_a_mixed_workload_leaves_counters_equal_to_a_rebuild_from_the_tables(app, frozen):
    task, picker = assigned_task((("H1", [("SKU-0", 3), ("SKU-1", 1)]), ("H2", [("SKU-2", 2)])))
    lines = {line.sku.code: line for line in task.lines}
    floor.apply_event(picker, "dev-1", pick_event(lines["SKU-0"], qty=2))
    floor.apply_event(picker, "dev-1", pick_event(lines["SKU-0"], qty=1))
    floor.apply_event(picker, "dev-1", pick_event(lines["SKU-1"], qty=1))
    floor.apply_event(picker, "dev-1", short_event(lines["SKU-2"], found=1))
    channel = db.session.query(Order).first().channel
    held = make_order(channel, "X1", carrier_code="sf")
    move(held.id, "on_hold", reasons=[{"code": "address"}, {"code": "risk"}])
    move(held.id, "approved")
    shipped = make_order(channel, "X2", status="labelled", carrier_code="sf")
    move(shipped.id, "shipped")
    gone = make_order(channel, "X3", status="approved", carrier_code="yto")
    gone.carrier_code = "zto"
    commit()
    db.session.delete(gone)
    commit()
    again = make_order(channel, "X4", status="imported")
    move(again.id, "on_hold", reasons=[{"code": "payment"}])
    import_order_records(channel.id, [record("IMP-1", carrier_code="sf"), record("IMP-2")])
    ids = [make_order(channel, f"B{i}", status="labelled", carrier_code="yto").id for i in range(3)]
    bulk_transition(db.session, ids, "labelled", "shipped")
    commit()

    incremental = counters_and_buckets()
    rebuilt = services.rebuild_metrics(now=FIXED)
    assert incremental == counters_and_buckets() and incremental[0] == rebuilt
    assert rebuilt[HOLDS]["payment"] == 1 and rebuilt[HOLDS]["shortage"] == 1
    assert rebuilt[SHIPPED] == {"2026-11-22": 4}
    assert rebuilt[ORDERS]["shipped|yto"] == 3 and "approved|zto" not in rebuilt[ORDERS]
    assert sum(n for key, n in rebuilt[ORDERS].items() if key.endswith("|sf")) == 3  # X1, X2 and an import
    assert incremental[1] == {(FIXED.replace(second=0), picker.id): (4, 2)}


def test_a_failed_bulk_transition_rolls_its_counters_back_with_it(app):
    channel = make_channel()
    a, b = make_order(channel, "A", status="labelled").id, make_order(channel, "B", status="packed").id
    before = queries.all_counters()
    with pytest.raises(ConcurrentUpdate):
        bulk_transition(db.session, [a, b], "labelled", "shipped")
    db.session.rollback()
    assert queries.all_counters() == before


def test_the_snapshot_reads_counters_not_orders(app, frozen):
    task, picker = assigned_task()
    floor.apply_event(picker, "dev-1", pick_event(task.lines[0], qty=1))
    make_order(db.session.query(Order).first().channel, "S1", status="labelled", carrier_code="sf")
    snap = services.snapshot(now=FIXED)
    assert snap["orders"]["by_state"]["picking"] == 1 and snap["orders"]["by_state"]["labelled"] == 1
    assert snap["picks"]["units"] == 1 and snap["picks"]["pickers"][0]["id"] == picker.id
    assert snap["waves"][0]["lines"] == len(task.lines) == 2 and snap["waves"][0]["pct"] in (0, 50)
    assert snap["shipped"] == {"today": 0, "target": services.DEFAULT_TARGET, "pct": 0}
    # the orders table is not read: emptying it behind the ORM's back changes nothing on the wall
    db.session.execute(MetricCounter.__table__.update().values(value=MetricCounter.value * 0))
    assert services.snapshot(now=FIXED)["orders"]["open"] == 0


def test_a_bad_target_is_refused_and_keeps_the_old_one(app):
    services.set_shipped_target("800")
    with pytest.raises(ValidationFailed):
        services.set_shipped_target("lots")
    with pytest.raises(ValidationFailed):
        services.set_shipped_target(-1)
    assert services.snapshot()["shipped"]["target"] == 800


def test_a_kiosk_link_works_until_revoked_and_only_its_hash_is_stored(app):
    supervisor = make_user("supervisor", "boss")
    screen, key = services.create_screen("Dock TV", actor=supervisor)
    assert key not in screen.token_hash and len(key) >= 40
    assert services.screen_for_token(key).id == screen.id
    services.revoke_screen(screen.id)
    assert services.screen_for_token(key) is None
    with pytest.raises(ValidationFailed):
        services.create_screen("  ")


def test_old_pick_buckets_are_pruned(app):
    db.session.add(PickBucket(minute=datetime(2026, 11, 1), picker_id=1, units=3, lines=1))
    db.session.add(PickBucket(minute=FIXED.replace(second=0), picker_id=1, units=3, lines=1))
    db.session.commit()
    assert services.prune_pick_buckets(now=FIXED) == 1
