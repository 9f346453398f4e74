"""An exchange's replacement held for the returned goods names the returns dock as its next step (the
stateful test and the supervisor's stuck list read it from wms.review.progress.order_facts), and only
the goods coming back (or a reviewer's override) release it - re-running the checks does not, and it is
neither split nor merged while it waits."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_order, make_user
from tests.builders_handover import make_carrier, shipped_orders
from wms.aftersales import case_states as cs
from wms.aftersales import cases, returns
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin
from wms.orders import next_steps, states
from wms.orders.models import Order
from wms.review import services as review
from wms.review.progress import order_facts


@pytest.fixture
def shipped(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    return db.session.get(Order, orders[0].id)


def steps_of(order_id):
    return [step.code for step in next_steps.next_steps(order_facts([order_id])[order_id])]


def test_a_replacement_waiting_for_the_goods_is_received_at_the_returns_dock_next_then_moves_on(shipped):
    line = shipped.lines[0]
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="wrong colour", actor="reviewer",
                           lines=[{"order_line_id": line.id, "qty": 1}], waits_for_return=True)
    replacement_id = case.replacement_order_id
    assert db.session.get(Order, replacement_id).status == states.ON_HOLD
    assert steps_of(replacement_id) == ["receive_return", "approve"]
    bin_ = db.session.scalar(select(Bin).order_by(Bin.id))
    returns.receive_return(shipped.id, [{"order_line_id": line.id, "qty": 1, "grade": "resellable",
                                         "bin_id": bin_.id}], actor="dock", case_id=case.id, confirm_mixed=True)
    db.session.expire_all()
    assert db.session.get(Order, replacement_id).status != states.ON_HOLD
    assert "receive_return" not in steps_of(replacement_id)


def test_a_replacement_that_does_not_wait_never_names_the_returns_dock(shipped):
    line = shipped.lines[0]
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="wrong colour", actor="reviewer",
                           lines=[{"order_line_id": line.id, "qty": 1}], waits_for_return=False)
    replacement = db.session.get(Order, case.replacement_order_id)
    assert replacement.status != states.ON_HOLD or "awaiting_return" not in replacement.hold_codes
    assert "receive_return" not in steps_of(replacement.id)


def test_re_running_the_checks_on_a_replacement_waiting_for_the_goods_is_refused_and_it_stays_held(shipped):
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="wrong colour", actor="reviewer",
                           lines=[{"order_line_id": shipped.lines[0].id, "qty": 1}], waits_for_return=True)
    replacement = db.session.get(Order, case.replacement_order_id)
    reviewer = make_user("rev", "reviewer")
    with pytest.raises(ValidationFailed, match="waits for the returned goods"):
        review.release_order(replacement.id, actor=reviewer, expected_version=replacement.version)
    db.session.expire_all()
    replacement = db.session.get(Order, case.replacement_order_id)
    assert (replacement.status, replacement.hold_codes) == (states.ON_HOLD, ["awaiting_return"])
    review.approve_order(replacement.id, actor=reviewer, expected_version=replacement.version, reason="buyer asked")
    db.session.expire_all()
    assert db.session.get(Order, case.replacement_order_id).status != states.ON_HOLD   # the override still works


def test_a_replacement_waiting_for_the_goods_is_neither_split_nor_merged(shipped):
    line = max(shipped.lines, key=lambda line: line.qty)
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="wrong colour", actor="reviewer",
                           lines=[{"order_line_id": line.id, "qty": line.qty}], waits_for_return=True)
    other = make_order(channel=shipped.channel, external_id="E200", **{name: getattr(shipped, name) for name in (
        "buyer_name", "buyer_phone", "province", "city", "district", "address", "postcode")})
    replacement = db.session.get(Order, case.replacement_order_id)
    reviewer = make_user("rev", "reviewer")
    with pytest.raises(ValidationFailed, match="cannot be merged or split"):
        review.split_order(replacement.id, {replacement.lines[0].id: 1}, actor=reviewer,
                           expected_version=replacement.version)
    for target, other in ((replacement.id, other.id), (other.id, replacement.id)):
        with pytest.raises(ValidationFailed, match="cannot be merged or split"):
            review.merge_orders(target, [other], actor=reviewer, expected_version=None)
    db.session.expire_all()
    replacement = db.session.get(Order, case.replacement_order_id)
    assert (replacement.status, replacement.hold_codes, [l.qty for l in replacement.lines]) == (
        states.ON_HOLD, ["awaiting_return"], [line.qty])
    assert db.session.scalar(select(func.count(Order.id)).where(Order.split_from_id == replacement.id)) == 0
