"""The life of a background job's outbox row, and when it is pushed to Redis again. Pure.

    pending  -> enqueued -> running -> done
                                    -> failed   (retry_at set: pushed again when due;
                                                 no retry_at: waits for a person's retry)

A row is written with the work that asked for it (pending), pushed to rq after commit (enqueued),
claimed by the worker that runs it (running: one run at a time, however many copies Redis holds),
and finished (done / failed). Redis may lose what it was given (a restart without its data, a
failover), so the database is the truth: a row that does not move on in time is pushed again -
pending or enqueued longer than the requeue timeout, running past its queue's job timeout (rq
kills a job that runs longer, so its worker is gone), failed with a retry that is due. Jobs are
idempotent, so a job that did run before its row said so does no harm when it runs again.
"""
from datetime import timedelta

PENDING = "pending"      # written with the work; not in Redis yet (or Redis was down)
ENQUEUED = "enqueued"    # pushed to rq at enqueued_at
RUNNING = "running"      # claimed by a worker at started_at
DONE = "done"            # finished; never runs again
FAILED = "failed"        # raised; pushed again at retry_at, or by a person when retry_at is None

STATUSES = (PENDING, ENQUEUED, RUNNING, DONE, FAILED)
WAITING = (PENDING, ENQUEUED)  # a worker may claim these

RETRY_DELAYS = (10, 60, 300)               # seconds before the 2nd, 3rd and 4th attempt
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)
# rq's job timeout per queue: a run longer than this is killed by rq.
JOB_TIMEOUTS = {"labels": 300, "default": 1800, "imports": 3600}
DEFAULT_JOB_TIMEOUT = 3600
RUNNING_GRACE = timedelta(seconds=60)      # after the timeout, before a running row counts as abandoned
# What rq says of a job it still holds and will run (or a worker took and is about to claim): not lost.
# (A worker that dies holding it: rq's registry cleanup marks the job failed, and the sweep pushes it.)
ALIVE_IN_RQ = frozenset({"queued", "scheduled", "deferred", "started"})


def job_timeout(queue):
    """Seconds rq lets a job of this queue run."""
    return JOB_TIMEOUTS.get(queue, DEFAULT_JOB_TIMEOUT)


def retry_at(attempts, now):
    """When a job that failed on its `attempts`-th run runs again; None once the attempts are used up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return now + timedelta(seconds=RETRY_DELAYS[attempts - 1])


def abandoned_since(queue, started_at):
    """From when a row still running (started at started_at) belongs to a worker that is gone."""
    return started_at + timedelta(seconds=job_timeout(queue)) + RUNNING_GRACE


def may_claim(status, queue, started_at, now):
    """Whether a worker may start this row now: waiting, or running for a worker that is gone."""
    if status in WAITING:
        return True
    return status == RUNNING and started_at is not None and now >= abandoned_since(queue, started_at)


def is_stuck(status, queue, created_at, enqueued_at, started_at, now, requeue_after):
    """Not finished within its time: waiting longer than `requeue_after` (a timedelta) since it was
    last pushed (or written), or running for a worker that is gone. What supervisors are shown."""
    if status in WAITING:
        return now - (enqueued_at or created_at) >= requeue_after
    if status == RUNNING:
        return started_at is None or now >= abandoned_since(queue, started_at)
    return False


def needs_push(status, queue, created_at, enqueued_at, started_at, retry, now, requeue_after, rq_status=None):
    """Whether the sweep pushes this row to Redis again.

    Stuck rows are, unless rq still holds the waiting job and will run it (`rq_status`, None when
    Redis does not know the job); failed rows are once their retry is due."""
    if status == FAILED:
        return retry is not None and retry <= now
    if not is_stuck(status, queue, created_at, enqueued_at, started_at, now, requeue_after):
        return False
    return not (status in WAITING and rq_status in ALIVE_IN_RQ)
