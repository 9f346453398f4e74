"""A supervisor dismissing a failed write-back while a worker claims it for a push (issue 21 item 5): both meet
right before their UPDATE of the task; one wins, the other is told (the dismissal: "being pushed now") or skips
(the push: "skipped"), and the task is never both dismissed and pushed."""
from tests.builders import make_channel, make_order
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race
from wms.errors import ConcurrentUpdate
from wms.extensions import db
from wms.tracking import writeback
from wms.tracking.models import WB_DISMISSED, WB_FAILED, WB_PUSHING, WritebackTask

pytestmark = needs_postgres


def updates_task(statement):
    return statement.lstrip().startswith("UPDATE writeback_tasks")


def failed_task():
    channel = make_channel(code="race-shop", platform="shopify", settings={})
    order = make_order(channel=channel, external_id="RACE-WB-1")
    task = WritebackTask(order_id=order.id, channel_id=channel.id, carrier_code="SF", tracking_number="SF9900000001",
                         status=WB_FAILED, attempts=1, failure_kind="permanent", last_error="ChannelError: refused")
    db.session.add(task)
    db.session.commit()
    return task.id


def test_a_dismissal_and_a_claim_at_once_one_wins_the_other_is_told(app):
    task_id = failed_task()
    results = race(app, {"dismiss": updates_task, "claim": updates_task},
                   dismiss=lambda: writeback.dismiss_writeback(task_id, "closed on the platform").status,
                   claim=lambda: writeback._claim(task_id))
    task = db.session.get(WritebackTask, task_id)
    if results["claim"] is True:
        assert isinstance(results["dismiss"], ConcurrentUpdate) and task.status == WB_PUSHING
        assert task.dismissed_at is None
    else:
        assert results == {"dismiss": WB_DISMISSED, "claim": False} and task.status == WB_DISMISSED
        assert task.attempts == 1


def test_two_dismissals_at_once_record_one(app):
    task_id = failed_task()
    results = race(app, {"one": updates_task, "two": updates_task},
                   one=lambda: writeback.dismiss_writeback(task_id, "first reason").dismissed_reason,
                   two=lambda: writeback.dismiss_writeback(task_id, "second reason").dismissed_reason)
    refused = [r for r in results.values() if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ConcurrentUpdate), results
    kept = next(r for r in results.values() if not isinstance(r, Exception))
    assert db.session.get(WritebackTask, task_id).dismissed_reason == kept
