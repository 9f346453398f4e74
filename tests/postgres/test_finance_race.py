"""Two finance users deciding the same order at once (财审): both read it at the same version and meet
right before their UPDATE; one decision is written, the other is told who changed the order, and the
order's timeline holds one decision."""
from tests.builders import make_user
from tests.builders_finance import waiting_order
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race, updates_order
from wms.auth.models import User
from wms.errors import ConcurrentUpdate
from wms.extensions import db
from wms.finance import services
from wms.orders.models import Order, OrderEvent

pytestmark = needs_postgres


def _decide(decision, order_id, user_id, version):
    actor = db.session.get(User, user_id)
    if decision == "approve":
        return services.approve(order_id, actor=actor, expected_version=version).status
    return services.reject(order_id, actor=actor, expected_version=version, reason="limit reached").status


def _outcome(order_id, results):
    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConcurrentUpdate), results
    decisions = db.session.query(OrderEvent).filter(OrderEvent.order_id == order_id,
                                                    OrderEvent.from_state == "finance_review").count()
    assert decisions == 1
    return db.session.get(Order, order_id).status


def test_two_finance_users_approving_at_once_approve_once(app, monkeypatch):
    monkeypatch.setattr("wms.finance.services.enqueue", lambda *args, **kwargs: None)
    one, two = make_user("finance", "cashier-a"), make_user("finance", "cashier-b")
    order = waiting_order()
    ids, version = (order.id, one.id, two.id), order.version
    results = race(app, {"one": updates_order, "two": updates_order},
                   one=lambda: _decide("approve", ids[0], ids[1], version),
                   two=lambda: _decide("approve", ids[0], ids[2], version))
    assert _outcome(ids[0], results) == "approved"


def test_an_approval_and_a_rejection_at_once_leave_one_of_them(app, monkeypatch):
    monkeypatch.setattr("wms.finance.services.enqueue", lambda *args, **kwargs: None)
    one, two = make_user("finance", "cashier-a"), make_user("finance", "cashier-b")
    order = waiting_order()
    ids, version = (order.id, one.id, two.id), order.version
    results = race(app, {"one": updates_order, "two": updates_order},
                   one=lambda: _decide("approve", ids[0], ids[1], version),
                   two=lambda: _decide("reject", ids[0], ids[2], version))
    winner = next(name for name, result in results.items() if not isinstance(result, Exception))
    assert _outcome(ids[0], results) == ("approved" if winner == "one" else "on_hold")
