"""Presales (预售) against the database: held out of allocation as approved orders (never backorders)
until their ship-from time, or their stock where the store says so; released on their own; a
cancelled presale never allocated."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.inventory import services
from wms.inventory.models import Reservation
from wms.orders.models import Channel, Order
from wms.timeutil import utcnow


def fresh(db, order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id)


def presale_order(external_id="PS-1", days=3, qty=1, channel=None, **fields):
    return make_order(channel=channel, external_id=external_id, status="approved", lines=(("SKU-1", qty),),
                      presale_ship_from=utcnow() + timedelta(days=days), **fields)


@pytest.fixture
def stocked(db):
    sku = make_sku()
    item = put_stock(make_bin(make_warehouse()), sku, 5)
    return sku, item


def test_a_presale_before_its_date_stays_approved_and_reserves_nothing(db, stocked, published):
    order = presale_order()
    summary = services.allocate_orders([order.id])
    assert summary["presale"] == [order.id] and summary["allocated"] == [] and summary["backorder"] == []
    order = fresh(db, order.id)
    assert order.status == "approved" and order.presale_held_at is not None
    assert db.session.scalars(select(Reservation)).all() == []
    assert order.events[-1].kind == "presale"
    assert order.events[-1].reason.startswith("waits as a presale until ")
    assert any(e["event"] == "orders.presale_held" for e in published)
    assert services.count_waiting() == 1


def test_allocating_it_again_keeps_it_waiting_and_says_so_once(db, stocked):
    order = presale_order()
    services.allocate_orders([order.id])
    services.allocate_orders([order.id])
    assert [e.kind for e in fresh(db, order.id).events].count("presale") == 1


def test_a_presale_is_released_on_its_date_and_allocated(db, stocked):
    order = presale_order(days=2)
    services.allocate_orders([order.id])
    assert services.release_presales(now=utcnow() + timedelta(days=1))["released"] == []     # not before
    assert fresh(db, order.id).status == "approved"
    result = services.release_presales(now=utcnow() + timedelta(days=2, minutes=1))
    assert result["released"] == [order.id] and result["allocation"]["allocated"] == [order.id]
    order = fresh(db, order.id)
    assert order.status == "allocated" and order.presale_released_at is not None
    assert "presale released: its ship-from date came" in [e.reason for e in order.events]
    assert services.count_waiting() == 0


def test_a_released_presale_without_stock_is_a_backorder_like_any_other(db):
    make_sku()
    order = presale_order(days=1)
    services.allocate_orders([order.id])
    assert fresh(db, order.id).status == "approved"
    services.release_presales(now=utcnow() + timedelta(days=1, minutes=1))
    assert fresh(db, order.id).status == "backorder"


def test_in_stock_mode_a_presale_waits_for_its_stock_and_goes_when_it_arrives(db):
    sku = make_sku()
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    channel = make_channel(presale_release="stock")
    order = presale_order(days=10, qty=3, channel=channel)
    put_stock(bin_, sku, 2)                                      # not enough yet
    services.allocate_orders([order.id])
    assert fresh(db, order.id).status == "approved"
    assert services.release_presales()["released"] == []        # not before its stock is all there
    receipt = services.receive_stock(warehouse.id, [(sku.id, bin_.id, 1)], reference="PO-1")
    order = fresh(db, order.id)
    assert order.status == "allocated" and receipt["released"] == [order.id]
    assert "presale released: its stock arrived" in [e.reason for e in order.events]


def test_in_stock_mode_a_presale_whose_stock_is_there_is_not_held(db, stocked):
    order = presale_order(days=10, channel=make_channel(presale_release="stock"))
    assert services.allocate_orders([order.id])["allocated"] == [order.id]


def test_in_date_mode_stock_arriving_does_not_release_it(db):
    sku = make_sku()
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    order = presale_order(days=10)
    services.allocate_orders([order.id])
    services.receive_stock(warehouse.id, [(sku.id, bin_.id, 5)], reference="PO-2")
    assert fresh(db, order.id).status == "approved" and fresh(db, order.id).presale_released_at is None


def test_a_cancelled_presale_is_never_released_nor_allocated(db, stocked):
    order = presale_order(days=1)
    services.allocate_orders([order.id])
    order = fresh(db, order.id)
    order.transition_to("cancelled", reason="buyer cancelled")
    db.session.commit()
    result = services.release_presales(now=utcnow() + timedelta(days=2))
    assert result["released"] == [] and fresh(db, order.id).status == "cancelled"
    assert services.allocate_orders([order.id])["skipped"] == [order.id]
    assert db.session.scalars(select(Reservation)).all() == []


def test_a_line_of_a_presale_sku_makes_the_order_wait_for_that_day(db, app):
    sku = make_sku(presale_until=date.today() + timedelta(days=5))
    put_stock(make_bin(make_warehouse()), sku, 5)
    order = make_order(external_id="PS-SKU", status="approved", lines=(("SKU-1", 1),))
    assert services.allocate_orders([order.id])["presale"] == [order.id]
    order = fresh(db, order.id)
    assert order.presale_ship_from is not None and order.presale_ship_from > utcnow() + timedelta(days=3)


def test_a_presales_ship_by_counts_from_its_ship_from_date(db, stocked):
    channel = make_channel(ship_within_hours=48)
    paid = utcnow() - timedelta(hours=1)
    order = make_order(channel=channel, external_id="PS-SB", status="approved", ordered_at=paid,
                       ship_by=paid + timedelta(hours=48))
    sku = db.session.scalar(select(Sku))
    sku.presale_until = date.today() + timedelta(days=6)
    db.session.commit()
    services.allocate_orders([order.id])
    order = fresh(db, order.id)
    assert order.ship_by == order.presale_ship_from + timedelta(hours=48)


def test_a_presale_whose_date_passed_before_approval_is_simply_allocated(db, stocked):
    order = presale_order(days=-1)
    assert services.allocate_orders([order.id])["allocated"] == [order.id]
    assert fresh(db, order.id).presale_held_at is None


def test_the_stores_presale_mode_is_date_or_stock_and_nothing_else(db):
    channel = make_channel()
    assert services.set_presale_release(channel.id, "stock").presale_release == "stock"
    with pytest.raises(ValidationFailed) as refused:
        services.set_presale_release(channel.id, "whenever")
    assert refused.value.details["field"] == "presale_release"
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).presale_release == "stock"


def test_two_releases_at_once_release_it_once(db, stocked):
    order = presale_order(days=1)
    services.allocate_orders([order.id])
    later = utcnow() + timedelta(days=2)
    first = services.release_presales(now=later)
    second = services.release_presales(now=later)
    assert first["released"] == [order.id] and second["released"] == []
    assert [e.reason for e in fresh(db, order.id).events].count("presale released: its ship-from date came") == 1
    assert len(db.session.scalars(select(Reservation)).all()) == 1


def test_the_periodic_job_releases_what_is_due(db, stocked, monkeypatch):
    from wms.inventory import jobs, presales

    order = presale_order(days=1)
    services.allocate_orders([order.id])
    monkeypatch.setattr(presales, "utcnow", lambda: datetime.utcnow() + timedelta(days=2))
    jobs.release_presales()
    assert fresh(db, order.id).status == "allocated"


def test_a_presale_waiting_for_days_is_not_a_stuck_order_but_a_forgotten_approved_one_is(db, stocked):
    from wms.dashboard import stuck
    from wms.orders.models import Order as OrderModel

    waiting = presale_order(days=5)
    services.allocate_orders([waiting.id])
    forgotten = make_order(external_id="LATE-1", status="approved")
    long_ago = utcnow() - timedelta(days=2)
    db.session.execute(OrderModel.__table__.update().values(updated_at=long_ago))
    db.session.commit()
    assert [row["order"].external_id for row in stuck.stuck_orders(utcnow())] == ["LATE-1"]
    assert stuck.stuck_count() == 1 and forgotten.id != waiting.id
