"""Ship-by deadlines (承诺发货时间): carried by the import, given by the channel's rule, first in waves,
counted for the desks, and alerted once when an order is about to breach."""
from datetime import datetime, timedelta

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku
from tests.builders_imports import no_review, record  # noqa: F401
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.imports import services as imports
from wms.orders import deadlines
from wms.orders.models import Order
from wms.picking import wave_plans, waves
from wms.timeutil import utcnow


def order(external_id):
    return db.session.scalar(select(Order).where(Order.external_id == external_id))


def test_a_record_with_the_platforms_ship_by_keeps_it_over_the_channels_rule(app, no_review):
    channel = make_channel(ship_cutoff_minute=16 * 60, ship_within_hours=48)
    make_sku()
    imports.import_order_records(channel.id, [record("P1", ship_by="2026-11-12T08:00:00+08:00")])
    assert order("P1").ship_by == datetime(2026, 11, 12, 0, 0)


def test_a_record_without_one_gets_the_channels_rule_from_its_payment_time(app, no_review):
    channel = make_channel(ship_cutoff_minute=16 * 60, ship_within_hours=48)
    make_sku()
    imports.import_order_records(channel.id, [
        record("R1", ordered_at="2026-11-11T15:30:00+08:00"),     # before 16:00 Shanghai: by midnight
        record("R2", ordered_at="2026-11-11T16:30:00+08:00")])    # after: 48 h later
    assert order("R1").ship_by == datetime(2026, 11, 11, 16, 0)
    assert order("R2").ship_by == datetime(2026, 11, 11, 8, 30) + timedelta(hours=48)


def test_a_channel_without_a_rule_leaves_ship_by_empty_and_a_reimport_keeps_a_given_one(app, no_review):
    channel = make_channel()
    make_sku()
    imports.import_order_records(channel.id, [record("N1"), record("N2", ship_by="2026-11-12T00:00:00")])
    assert order("N1").ship_by is None
    again = imports.import_order_records(channel.id, [record("N2")])
    assert again.unchanged == 1 and order("N2").ship_by == datetime(2026, 11, 12)


def test_a_bad_ship_by_fails_the_record_and_writes_nothing(app, no_review):
    channel = make_channel()
    make_sku()
    result = imports.import_order_records(channel.id, [record("B1", ship_by="next tuesday")])
    assert result.failed == 1 and result.results[0].errors[0]["field"] == "ship_by"
    assert order("B1") is None


def test_the_api_batch_carries_ship_by(app, no_review):
    channel = make_channel()
    make_sku()
    imports.import_order_batch(channel.code, [record("J1", ship_by="2026-11-12T10:00:00Z")])
    assert order("J1").ship_by == datetime(2026, 11, 12, 10, 0)


def test_a_split_part_keeps_its_originals_ship_by():
    from wms.orders import splitting

    assert "ship_by" in splitting.COPIED


def test_the_wave_takes_the_orders_due_soonest_first_whatever_their_priority(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("W1", [("SKU-0", 1)]), ("W2", [("SKU-1", 1)]), ("W3", [("SKU-2", 1)]),
                               ("W4", [("SKU-3", 1)])])
    now = utcnow()
    dues = {"W1": now + timedelta(hours=30), "W2": now - timedelta(hours=1), "W3": None, "W4": now + timedelta(hours=3)}
    for o in orders:
        o = db.session.get(Order, o.id)
        o.ship_by, o.priority = dues[o.external_id], (9 if o.external_id == "W3" else 0)
    db.session.commit()
    plan = waves.plan_wave(wave_plans.load_candidates(warehouse), waves.WaveFilter(), waves.WaveLimits(max_orders=2))
    names = {o.id: o.external_id for o in orders}
    assert [names[c.order_id] for c in plan.orders] == ["W2", "W4"]
    assert plan.skipped == 2


def _due_orders():
    now = utcnow()
    web, app_store = make_channel("web"), make_channel("app")
    make_sku()
    for ext, channel, hours, status in [("D1", web, -5, "approved"), ("D2", web, 1, "allocated"),
                                        ("D3", app_store, 1.5, "imported"), ("D4", app_store, 30, "approved"),
                                        ("D5", web, -2, "shipped"), ("D6", web, 0.5, "packed")]:
        make_order(channel=channel, external_id=ext, status=status, ship_by=now + timedelta(hours=hours))
    make_order(channel=web, external_id="D7", status="approved")   # no ship-by: an old order
    return now, web, app_store


def test_the_desks_count_overdue_and_due_open_orders_per_channel(app):
    now, web, app_store = _due_orders()
    counts = deadlines.due_counts(2, now=now)
    assert (counts["overdue"], counts["due"], counts["capped"]) == (1, 3, False)
    per = {c["code"]: (c["overdue"], c["due"]) for c in counts["channels"]}
    assert per == {"web": (1, 2), "app": (0, 1)}


def test_the_count_stops_at_its_cap_and_says_so(app):
    now, *_ = _due_orders()
    counts = deadlines.due_counts(48, now=now, cap=3)
    assert counts["capped"] and counts["overdue"] + counts["due"] == 3


def test_the_breach_alert_goes_to_supervisors_once_per_order_not_packed(app, published):
    now, *_ = _due_orders()
    first = deadlines.alert_breaches(now=now, hours=2)
    assert sorted(order_(i) for i in first) == ["D1", "D2", "D3"]   # D6 packed, D5 shipped, D4 later
    alerts = [e for e in published if e["event"] == deadlines.ALERT_EVENT]
    assert [e["payload"]["external_id"] for e in alerts] == ["D1", "D2", "D3"]
    assert {e["room"] for e in alerts} == {"role:supervisor"} and alerts[0]["payload"]["overdue"] is True
    assert deadlines.alert_breaches(now=now + timedelta(minutes=1), hours=2) == []
    assert len([e for e in published if e["event"] == deadlines.ALERT_EVENT]) == 3
    assert [a["external_id"] for a in deadlines.alerted_orders()] == ["D1", "D2", "D3"]


def test_an_order_coming_into_the_window_later_is_alerted_then(app, published):
    now, *_ = _due_orders()
    deadlines.alert_breaches(now=now, hours=2)
    later = deadlines.alert_breaches(now=now + timedelta(hours=29), hours=2)
    assert [order_(i) for i in later] == ["D4"]


def test_the_alert_keeps_the_orders_version_so_a_reviewers_save_still_goes_through(app, published):
    now, *_ = _due_orders()
    before = order("D1").version
    deadlines.alert_breaches(now=now, hours=2)
    db.session.expire_all()
    assert order("D1").version == before and order("D1").ship_by_alerted_at == now


def order_(order_id):
    return db.session.get(Order, order_id).external_id


def test_the_periodic_job_alerts_within_the_configured_window(app, published, monkeypatch):
    from wms import schedule
    from wms.orders import jobs

    assert (60, "wms.orders.jobs.alert_ship_by_breaches") in schedule.PERIODIC
    _due_orders()
    monkeypatch.setitem(app.config, "SHIP_BY_ALERT_HOURS", 40)
    alerted = jobs.alert_ship_by_breaches()
    assert sorted(order_(i) for i in alerted) == ["D1", "D2", "D3", "D4"]
    assert jobs.alert_ship_by_breaches() == []
