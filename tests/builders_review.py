"""Builders and fixtures for the review tests."""
import pytest

from tests.builders import make_order
from wms.orders.models import Order


@pytest.fixture
def allocations(monkeypatch):
    """Record the order ids handed to allocation instead of running another team's allocator."""
    handed = []
    monkeypatch.setattr("wms.review.actions.allocate_after_commit", lambda ids: handed.extend(ids))
    return handed


def make_held_order(external_id="H1", reasons=(("address", "district not recognised"),), **fields):
    """An order already on hold with the given (code, detail) reasons."""
    order = make_order(external_id=external_id, **fields)
    order.transition_to("on_hold", reason="; ".join(d for _c, d in reasons), actor="auto-review")
    order.hold_reasons = [{"code": c, "detail": d} for c, d in reasons]
    from wms.extensions import db

    db.session.commit()
    return order


def reload(order):
    """The order as the database has it now."""
    from wms.extensions import db

    db.session.expire_all()
    return db.session.get(Order, order.id)
