"""Order.transition_to writes the audit row and refuses illegal moves."""
import pytest

from tests.builders import make_order, make_sku, make_user
from wms.errors import IllegalTransition
from wms.orders.models import OrderEvent


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


def test_an_illegal_transition_changes_nothing(db):
    make_sku()
    order = make_order()
    with pytest.raises(IllegalTransition):
        order.transition_to("shipped")
    assert order.status == "imported"
    assert order.events == []
