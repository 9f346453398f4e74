"""Count tasks on PostgreSQL, where stock rows are locked rather than the whole database: the SQLite
suite's count-task tests and the short-pick state machine run here too, plus a short racing a
short and a count racing a short at one bin.
Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
import threading

from hypothesis import HealthCheck, settings

from tests.builders_floor import assigned_task, short_event
from tests.postgres import needs_postgres
from tests.services.test_count_tasks import *  # noqa: F401,F403 - collected here, on PostgreSQL
from tests.services.test_count_loop_machine import CountLoop
from tests.services.test_count_tasks import count_event, stock
from wms.extensions import db
from wms.inventory.models import CountTask, StockMovement
from wms.inventory.services import recompute_on_hand
from wms.picking import floor

pytestmark = needs_postgres


def test_two_short_picks_racing_at_one_bin_raise_one_count_task_and_keep_the_ledger_true(app):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-0", 2)])))
    events = [short_event(line, found=0) for line in task.lines]
    bin_id = task.lines[0].bin_id
    barrier, answers = threading.Barrier(2), []

    def run(event, device):
        with app.app_context():
            from wms.auth.models import User

            user = db.session.get(User, picker.id)
            barrier.wait()
            answers.append(floor.apply_event(user, device, event))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(event, f"dev-{n}")) for n, event in enumerate(events)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [a["status"] for a in answers] == ["accepted", "accepted"], answers
    db.session.expire_all()
    [count] = db.session.query(CountTask).all()
    assert (count.status, count.missing_qty) == ("open", 5)
    assert stock(bin_id, "SKU-0").on_hand == 45 and stock(bin_id, "SKU-0").reserved == 0
    assert sorted(m.qty for m in db.session.query(StockMovement).filter_by(kind="short")) == [-3, -2]
    assert recompute_on_hand() == []


def test_a_count_racing_a_short_pick_at_the_same_bin_both_apply_and_keep_the_ledger_true(app):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-0", 2)])))
    first, second = sorted(task.lines, key=lambda line: line.order_id)
    bin_id = first.bin_id
    assert floor.apply_event(picker, "dev-1", short_event(first, found=0))["status"] == "accepted"
    count = db.session.query(CountTask).one()
    events = [count_event(count, 10), short_event(second, found=0)]
    barrier, answers = threading.Barrier(2), {}

    def run(event, device):
        with app.app_context():
            from wms.auth.models import User

            user = db.session.get(User, picker.id)
            barrier.wait()
            answers[event["kind"]] = floor.apply_event(user, device, event)
            db.session.remove()

    threads = [threading.Thread(target=run, args=(event, f"dev-{n}")) for n, event in enumerate(events)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert {kind: a["status"] for kind, a in answers.items()} == {"count": "accepted", "short": "accepted"}, answers
    db.session.expire_all()
    item = stock(bin_id, "SKU-0")
    assert item.reserved == 0 and item.on_hand in (8, 10)  # the short before the count, or after it
    assert recompute_on_hand() == []


class TestCountLoopOnPostgres(CountLoop.TestCase):
    """The short-pick state machine (tests/services/test_count_loop_machine.py) on PostgreSQL."""

    settings = settings(max_examples=5, stateful_step_count=30, deadline=None,
                        suppress_health_check=list(HealthCheck), print_blob=True)
