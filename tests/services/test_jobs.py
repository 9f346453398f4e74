"""The job outbox: jobs run only after commit, failures are recorded and retried from the row, and
no job is lost whatever Redis does (down, or restarted without its data)."""
from datetime import timedelta

import pytest

from tests.redis_servers import RedisServer
from wms import outbox
from wms.aftercommit import commit
from wms.extensions import db
from wms.outbox_sweep import requeue_after, requeue_stale, stuck_jobs
from wms.timeutil import utcnow
from wms.worker import QueuedJob, enqueue, run_job

CALLS = []


def record_call(value):
    CALLS.append(value)
    return value


def fail_always(value):
    raise RuntimeError(f"carrier said no to {value}")


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()


@pytest.fixture
def redis_server(app, tmp_path):
    """A Redis the app pushes to (jobs are not run inline)."""
    server = RedisServer(tmp_path / "redis").start()
    app.config.update(RQ_SYNC=False, REDIS_URL=server.url)
    yield server.client()
    server.kill()


def work_once(server):
    """What a worker does with everything queued now (in this process)."""
    from rq import Queue, SimpleWorker

    SimpleWorker([Queue(name, connection=server) for name in ("default", "labels", "imports")],
                 connection=server).work(burst=True)
    db.session.expire_all()


def row(job_id):
    db.session.expire_all()
    return db.session.get(QueuedJob, job_id)


def test_a_job_runs_after_the_transaction_commits_and_is_marked_done(app):
    job = enqueue(record_call, 7)
    assert CALLS == []  # not before commit
    commit()
    assert CALLS == [7]
    done = row(job.id)
    assert (done.status, done.attempts) == ("done", 1)
    assert done.started_at is not None and done.finished_at is not None


def test_a_rolled_back_transaction_never_runs_its_job(app):
    enqueue(record_call, 8)
    db.session.rollback()
    commit()
    assert CALLS == []
    assert db.session.query(QueuedJob).count() == 0


def test_a_failing_job_is_visible_with_its_error_and_when_it_runs_again(app):
    before = utcnow()
    job = enqueue(fail_always, "parcel 9")
    commit()
    failed = row(job.id)
    assert failed.status == "failed"
    assert "carrier said no to parcel 9" in failed.last_error
    assert failed.attempts == 1
    assert failed.retry_at >= before + timedelta(seconds=outbox.RETRY_DELAYS[0])


def test_a_finished_job_run_again_is_skipped_and_does_nothing(app):
    job = enqueue(record_call, 11)
    commit()
    assert run_job(job.id) == "skipped"
    assert CALLS == [11] and row(job.id).attempts == 1


def test_a_copy_of_a_job_another_worker_is_running_is_skipped(app):
    job = QueuedJob(func=f"{__name__}.record_call", args=[12], queue="labels", status="running",
                    started_at=utcnow(), attempts=1)
    db.session.add(job)
    db.session.commit()
    assert run_job(job.id) == "skipped"
    assert CALLS == [] and row(job.id).status == "running"


def test_a_job_whose_worker_is_gone_past_the_queue_timeout_can_be_taken_over(app):
    gone = utcnow() - timedelta(seconds=outbox.job_timeout("labels")) - outbox.RUNNING_GRACE - timedelta(seconds=1)
    job = QueuedJob(func=f"{__name__}.record_call", args=[13], queue="labels", status="running",
                    started_at=gone, attempts=1)
    db.session.add(job)
    db.session.commit()
    assert run_job(job.id) == 13
    assert CALLS == [13]
    assert (row(job.id).status, row(job.id).attempts) == ("done", 2)


def test_a_job_enqueued_while_redis_is_down_stays_pending_and_runs_once_redis_is_back(app, tmp_path):
    server = RedisServer(tmp_path / "redis")
    app.config["RQ_SYNC"] = False
    app.config["REDIS_URL"] = server.url  # nothing listens there yet
    job = enqueue(record_call, 10)
    commit()
    assert row(job.id).status == "pending"
    assert requeue_stale(older_than_s=0) == 0  # still down: nothing moves
    assert row(job.id).status == "pending"

    server.start()
    try:
        assert requeue_stale(older_than_s=0) == 1
        assert row(job.id).status == "enqueued"
        work_once(server.client())
    finally:
        server.kill()
    assert CALLS == [10]
    assert row(job.id).status == "done"


def test_an_enqueued_job_redis_lost_is_pushed_again_once_its_timeout_passed_and_runs_once(app, redis_server):
    job = enqueue(record_call, 20, queue="labels")
    commit()
    assert row(job.id).status == "enqueued"
    redis_server.flushall()  # Redis restarted without its data
    assert requeue_stale() == 0  # not late yet
    later = utcnow() + requeue_after() + timedelta(seconds=1)
    assert [j.id for j in stuck_jobs(now=later)] == [job.id]
    assert requeue_stale(now=later) == 1
    work_once(redis_server)
    assert CALLS == [20]
    assert row(job.id).status == "done"


def test_a_late_job_redis_still_holds_is_not_pushed_a_second_time(app, redis_server):
    job = enqueue(record_call, 21)
    commit()
    later = utcnow() + requeue_after() + timedelta(seconds=1)
    assert requeue_stale(now=later) == 0
    assert redis_server.llen("rq:queue:default") == 1
    work_once(redis_server)
    assert CALLS == [21]


def test_a_job_whose_worker_died_mid_run_is_pushed_again_after_its_queue_timeout(app, redis_server):
    job = enqueue(record_call, 22, queue="labels")
    commit()
    redis_server.flushall()
    db.session.get(QueuedJob, job.id).status = "running"  # claimed, then the worker was killed
    db.session.get(QueuedJob, job.id).started_at = utcnow()
    db.session.commit()
    soon = utcnow() + timedelta(seconds=outbox.job_timeout("labels"))
    assert requeue_stale(now=soon) == 0  # it may still be running
    gone = soon + outbox.RUNNING_GRACE + timedelta(seconds=1)
    assert requeue_stale(now=gone) == 1
    work_once(redis_server)
    assert CALLS == [22] and row(job.id).status == "done"


def test_a_failed_job_is_pushed_again_when_its_retry_is_due_and_waits_for_a_person_after_the_last(app, redis_server):
    job = enqueue(fail_always, "parcel 30")
    commit()
    work_once(redis_server)
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        failed = row(job.id)
        assert (failed.status, failed.attempts) == ("failed", attempt)
        assert requeue_stale(now=failed.retry_at - timedelta(seconds=1)) == 0  # not due yet
        assert requeue_stale(now=failed.retry_at) == 1
        work_once(redis_server)
    last = row(job.id)
    assert (last.status, last.attempts, last.retry_at) == ("failed", outbox.MAX_ATTEMPTS, None)
    assert requeue_stale(now=utcnow() + timedelta(days=1)) == 0
    assert stuck_jobs(now=utcnow() + timedelta(days=1)) == []  # failed, not stuck: the list shows it as failed


def test_two_workers_taking_the_same_job_at_once_one_runs_it_and_the_other_is_told_skipped(app, monkeypatch):
    import threading

    from wms import worker

    job = QueuedJob(func=f"{__name__}.record_call", args=[40], status="enqueued", enqueued_at=utcnow())
    db.session.add(job)
    db.session.commit()
    both_read = threading.Barrier(2, timeout=20)
    may_claim = outbox.may_claim

    def after_both_read(*args):
        both_read.wait()  # each worker has read the row as enqueued
        return may_claim(*args)

    monkeypatch.setattr(outbox, "may_claim", after_both_read)
    answers = []

    def take():
        with app.app_context():
            answers.append(worker.run_job(job.id))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers, key=str) == [40, "skipped"]
    assert CALLS == [40] and row(job.id).attempts == 1


def test_a_lost_job_behind_a_backlog_redis_still_holds_is_found_and_pushed_again(app, redis_server):
    for n in range(5):
        enqueue(record_call, n)
    commit()
    lost = enqueue(record_call, 99)
    commit()
    redis_server.delete(f"rq:job:wms-{lost.id}")  # Redis forgot this one only
    later = utcnow() + requeue_after() + timedelta(seconds=1)
    assert requeue_stale(now=later, batch=2) == 1  # found past three batches of rows Redis holds
    work_once(redis_server)
    assert sorted(CALLS) == [0, 1, 2, 3, 4, 99]


def test_after_a_failed_push_the_next_commits_do_not_wait_on_redis_and_their_jobs_stay_pending(app, tmp_path,
                                                                                                monkeypatch):
    from wms import worker

    server = RedisServer(tmp_path / "redis")
    app.config.update(RQ_SYNC=False, REDIS_URL=server.url)  # nothing listens there
    tries = []
    real_push = worker.push
    monkeypatch.setattr(worker, "push", lambda *args, **kwargs: tries.append(args[1]) or real_push(*args, **kwargs))
    first = enqueue(record_call, 50)
    commit()
    second = enqueue(record_call, 51)
    commit()
    assert tries == [first.id]  # the second commit did not try
    assert row(first.id).status == row(second.id).status == "pending"
