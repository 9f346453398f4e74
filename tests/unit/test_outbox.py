"""When a job's outbox row may run, counts as stuck, and is pushed to Redis again (wms.outbox)."""
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from wms import outbox

T0 = datetime(2026, 3, 1, 8, 0)
WAIT = timedelta(seconds=120)


def test_a_waiting_row_is_stuck_once_it_waited_the_requeue_timeout_since_its_last_push():
    assert not outbox.is_stuck("enqueued", "labels", T0, T0 + timedelta(minutes=5), None, T0 + timedelta(minutes=6), WAIT)
    assert outbox.is_stuck("enqueued", "labels", T0, T0 + timedelta(minutes=5), None, T0 + timedelta(minutes=7), WAIT)
    assert outbox.is_stuck("pending", "labels", T0, None, None, T0 + WAIT, WAIT)


def test_a_running_row_is_stuck_only_after_its_queue_timeout_and_a_grace():
    label_limit = timedelta(seconds=outbox.job_timeout("labels")) + outbox.RUNNING_GRACE
    assert not outbox.is_stuck("running", "labels", T0, T0, T0, T0 + label_limit - timedelta(seconds=1), WAIT)
    assert outbox.is_stuck("running", "labels", T0, T0, T0, T0 + label_limit, WAIT)
    assert not outbox.is_stuck("running", "imports", T0, T0, T0, T0 + label_limit, WAIT)  # imports run longer


def test_a_waiting_row_redis_still_holds_is_not_pushed_but_one_redis_forgot_or_finished_is():
    late = T0 + WAIT
    assert not outbox.needs_push("enqueued", "labels", T0, T0, None, None, late, WAIT, rq_status="queued")
    assert outbox.needs_push("enqueued", "labels", T0, T0, None, None, late, WAIT, rq_status=None)
    assert outbox.needs_push("enqueued", "labels", T0, T0, None, None, late, WAIT, rq_status="finished")


def test_a_failed_row_is_pushed_when_its_retry_is_due_and_never_without_one():
    assert outbox.retry_at(1, T0) == T0 + timedelta(seconds=outbox.RETRY_DELAYS[0])
    assert outbox.retry_at(outbox.MAX_ATTEMPTS, T0) is None
    due = outbox.retry_at(2, T0)
    assert not outbox.needs_push("failed", "default", T0, T0, T0, due, due - timedelta(seconds=1), WAIT)
    assert outbox.needs_push("failed", "default", T0, T0, T0, due, due, WAIT)
    assert not outbox.needs_push("failed", "default", T0, T0, T0, None, T0 + timedelta(days=9), WAIT)


moments = st.one_of(st.none(), st.datetimes(min_value=T0, max_value=T0 + timedelta(hours=3)))


@settings(max_examples=150, deadline=None)
@given(status=st.sampled_from(outbox.STATUSES), queue=st.sampled_from(("labels", "default", "imports", "other")),
       enqueued_at=moments, started_at=moments, retry=moments, rq_status=st.sampled_from((None, "queued", "finished")),
       now=st.datetimes(min_value=T0, max_value=T0 + timedelta(hours=4)))
def test_a_done_row_is_never_run_or_pushed_again_and_a_row_a_worker_may_run_is_never_late_and_unpushed(
        status, queue, enqueued_at, started_at, retry, rq_status, now):
    push = outbox.needs_push(status, queue, T0, enqueued_at, started_at, retry, now, WAIT, rq_status)
    stuck = outbox.is_stuck(status, queue, T0, enqueued_at, started_at, now, WAIT)
    if status == outbox.DONE:
        assert not push and not stuck and not outbox.may_claim(status, queue, started_at, now)
    if stuck and rq_status is None:
        assert push  # nothing is late and forgotten by Redis without being pushed again
    if push and status != outbox.FAILED:
        assert stuck
