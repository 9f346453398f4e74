"""Presale row-lock proofs on PostgreSQL: two releases of the same presale at once release and allocate
it once; a release racing the order's cancellation either loses (nothing reserved) or wins and the
cancellation gets a clear answer (stale), stock consistent either way. No sleeps: the threads meet on a
barrier right before their contended statement (tests.postgres.test_allocation_races.race)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import assert_stock_consistent, cancel, locks_order, race, updates_order
from wms.extensions import db as _db
from wms.inventory import services
from wms.inventory.models import Reservation, StockItem
from wms.orders.models import Order
from wms.timeutil import utcnow

pytestmark = needs_postgres

ROUNDS = 3


def locks_presales(statement):
    return locks_order(statement) and "presale_held_at" in statement


@pytest.fixture
def item_id(app):
    return put_stock(make_bin(make_warehouse()), make_sku(), 1).id


def held_presale(external_id):
    order = make_order(status="approved", external_id=external_id, presale_ship_from=utcnow() + timedelta(days=1))
    assert services.allocate_orders([order.id])["presale"] == [order.id]
    return order.id


def test_two_releases_at_once_release_and_allocate_the_presale_once(app, item_id):
    later = utcnow() + timedelta(days=2)
    for round_ in range(ROUNDS):
        order_id = held_presale(f"r{round_}")
        results = race(app, {"A": locks_presales, "B": locks_presales},
                       A=lambda: services.release_presales(now=later), B=lambda: services.release_presales(now=later))
        assert sorted(len(r["released"]) for r in results.values()) == [0, 1], results
        assert _db.session.get(Order, order_id).status == "allocated"
        assert_stock_consistent(item_id, on_hand=1)
        assert _db.session.get(StockItem, item_id).reserved == 1
        cancel(order_id)


def test_a_release_racing_the_cancellation_never_reserves_for_a_cancelled_order(app, item_id):
    later = utcnow() + timedelta(days=2)
    for round_ in range(ROUNDS):
        order_id = held_presale(f"c{round_}")
        results = race(app, {"release": locks_presales, "cancel": updates_order},
                       release=lambda: services.release_presales(now=later), cancel=lambda: cancel(order_id))
        status = _db.session.get(Order, order_id).status
        reserved = _db.session.scalars(select(Reservation).where(Reservation.order_id == order_id)).all()
        if status == "cancelled":
            assert results["cancel"] == "cancelled" and results["release"]["released"] == [], results
            assert reserved == []
        else:
            assert status == "allocated" and results["cancel"] == "stale", results
            assert len(reserved) == 1
            cancel(order_id)
        assert_stock_consistent(item_id, on_hand=1)
