"""wms.counters.changes: what moved the counters tells its subscribers once per commit, and a rolled-back
change tells nobody (the wall subscribes this way, as the counters may not import it)."""
import pytest

from tests.builders import make_channel, make_order
from wms.aftercommit import commit, run_ready
from wms.counters import changes
from wms.counters import services as counters
from wms.counters.models import ORDERS
from wms.dashboard import push, queries
from wms.extensions import db
from wms.orders.models import Order


@pytest.fixture
def heard(app):
    calls = []

    def listener(app_):
        calls.append(app_)

    changes.subscribe(listener)
    changes.subscribe(listener)  # subscribing twice still calls once
    yield calls
    changes._SUBSCRIBERS.remove(listener)


def test_the_wall_is_subscribed_when_the_app_is_built(app):
    assert push.wall_changed in changes._SUBSCRIBERS


def test_one_commit_moving_many_counters_is_announced_once_after_it(app, heard):
    order = make_order(make_channel(), "N1", carrier_code="sf")
    run_ready(db.session())  # the builders' own commits announce theirs
    heard.clear()
    order.transition_to("on_hold", reason="test")
    order.hold_reasons = [{"code": "risk"}]
    counters.count_pick(db.session, 7, 2, True)
    assert heard == []  # nothing before the commit
    commit()
    assert heard == [app]
    assert queries.counter_totals(ORDERS) == {"on_hold|sf": 1}


def test_a_rolled_back_change_moves_no_counter_and_tells_nobody(app, heard):
    order_id = make_order(make_channel(), "N2", carrier_code="sf").id
    run_ready(db.session())
    before = queries.all_counters()
    heard.clear()
    db.session.get(Order, order_id).transition_to("approved", reason="test")
    db.session.flush()
    db.session.rollback()
    commit()  # a later, empty commit on the same session
    assert heard == [] and queries.all_counters() == before


def test_count_transition_refuses_a_move_on_or_off_hold_and_counts_nothing(app, heard):
    run_ready(db.session())
    before = queries.all_counters()
    with pytest.raises(ValueError):
        counters.count_transition(db.session, "sf", "approved", "on_hold")
    commit()
    assert heard == [] and queries.all_counters() == before
