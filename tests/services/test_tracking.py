"""Carrier tracking events: stored once, normalised, delivered completes, exceptions listed, polls, auto-complete."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.builders_handover import FakeCarrier, make_carrier, shipped_orders
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderEvent
from wms.timeutil import utcnow
from wms.tracking import services
from wms.tracking.models import TrackedParcel, TrackingEvent


@pytest.fixture
def carrier(app, monkeypatch):
    make_carrier("SF", "顺丰速运")
    fake = FakeCarrier()
    monkeypatch.setattr(services, "carrier_adapter", lambda code: fake)
    return fake


def event(number, status, time="2026-11-20T08:00:00", description="", **extra):
    return {"tracking_number": number, "status": status, "time": time, "description": description, **extra}


def status_of(order):
    return db.session.get(Order, order.id).status


def test_events_are_normalised_and_stored_once(carrier):
    orders, parcels = shipped_orders(1)
    number = parcels[0].tracking_number
    batch = [event(number, "1", "2026-11-20T08:00:00", "已揽收"), event(number, "0", "2026-11-20T12:00:00", "运输中")]
    assert services.record_events("SF", batch) == 2
    assert services.record_events("SF", batch) == 0
    stored = services.events_for(orders[0].id)
    assert [e.status for e in stored] == ["in_transit", "in_transit"]
    assert stored[0].raw_status == "0" and stored[0].description == "运输中"
    assert status_of(orders[0]) == states.SHIPPED


def test_signed_for_moves_the_order_to_delivered_then_completed_with_audit_rows(carrier, published):
    orders, parcels = shipped_orders(1)
    services.record_events("SF", [event(parcels[0].tracking_number, "3", description="本人签收")])
    assert status_of(orders[0]) == states.COMPLETED
    trail = db.session.scalars(select(OrderEvent.to_state).where(
        OrderEvent.order_id == orders[0].id, OrderEvent.kind == "state")).all()
    assert trail[-2:] == [states.DELIVERED, states.COMPLETED]
    assert any(p["event"] == "order.state_changed" and p["payload"]["to"] == "completed" for p in published)
    assert db.session.scalar(select(TrackedParcel.active)) is False


def test_an_older_event_arriving_late_does_not_undo_the_latest_status(carrier):
    orders, parcels = shipped_orders(1)
    number = parcels[0].tracking_number
    services.record_events("SF", [event(number, "5", "2026-11-21T09:00:00", "派件中")])
    services.record_events("SF", [event(number, "0", "2026-11-20T09:00:00", "运输中")])
    assert db.session.scalar(select(TrackedParcel.last_status)) == "out_for_delivery"


def test_exceptions_are_listed_for_supervisors_until_acknowledged(carrier, published):
    orders, parcels = shipped_orders(2)
    services.record_events("SF", [event(parcels[0].tracking_number, "2", description="地址不详")])
    services.record_events("SF", [event(parcels[1].tracking_number, "0")])
    listed = services.tracking_exceptions()
    assert [t.order_id for t in listed] == [orders[0].id]
    assert listed[0].last_description == "地址不详"
    assert any(p["event"] == "tracking.exception" and p["room"] == "role:supervisor" for p in published)
    services.acknowledge_exception(listed[0].id, actor="boss", note="called the buyer")
    assert services.tracking_exceptions() == []


def test_events_for_unknown_numbers_are_kept_but_change_no_order(carrier):
    assert services.record_events("SF", [event("ZZ999", "3")]) == 1
    assert db.session.scalar(select(TrackingEvent.order_id)) is None


def test_unreadable_events_are_skipped(carrier):
    orders, parcels = shipped_orders(1)
    number = parcels[0].tracking_number
    assert services.record_events("SF", [event(number, "banana"), event(number, "3", time="not a time"),
                                         event("", "3")]) == 0
    assert status_of(orders[0]) == states.SHIPPED


def test_the_poll_asks_about_active_parcels_and_records_what_the_carrier_says(app, carrier):
    orders, parcels = shipped_orders(2)
    carrier.tracks[parcels[0].tracking_number] = [event(parcels[0].tracking_number, "3")]
    assert services.poll_tracking() == 2
    assert sorted(carrier.queried) == sorted(p.tracking_number for p in parcels)
    assert status_of(orders[0]) == states.COMPLETED and status_of(orders[1]) == states.SHIPPED
    carrier.queried.clear()
    assert services.poll_tracking() == 0  # nothing due again before TRACKING_POLL_MINUTES
    later = utcnow() + timedelta(minutes=app.config["TRACKING_POLL_MINUTES"] + 1)
    services.poll_tracking(now=later)
    assert carrier.queried == [parcels[1].tracking_number]  # the delivered one is no longer asked about


def test_a_carrier_outage_during_the_poll_is_recorded_on_the_parcel(carrier):
    shipped_orders(1)
    carrier.down = True
    assert services.poll_tracking() == 0
    assert "timed out" in db.session.scalar(select(TrackedParcel.poll_error))


def test_shipped_orders_with_no_delivery_news_complete_after_the_configured_days(app, carrier):
    app.config["AUTO_COMPLETE_DAYS"] = 10
    orders, parcels = shipped_orders(3)
    services.record_events("SF", [event(parcels[2].tracking_number, "2")])  # an exception waits for a person
    assert services.auto_complete(now=utcnow() + timedelta(days=9)) == []
    done = services.auto_complete(now=utcnow() + timedelta(days=10, minutes=1))
    assert sorted(done) == [orders[0].id, orders[1].id]
    assert [status_of(o) for o in orders] == [states.COMPLETED, states.COMPLETED, states.SHIPPED]
    reasons = db.session.scalars(select(OrderEvent.reason).where(OrderEvent.to_state == states.COMPLETED)).all()
    assert all("10 days" in r for r in reasons)
    assert db.session.scalar(select(func.count(TrackedParcel.id)).where(TrackedParcel.active.is_(True))) == 1
