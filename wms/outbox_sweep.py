"""The outbox sweep (periodic, wms/schedule.py): push again every job row that did not finish in
time, and the list of those rows supervisors see (the admin's background jobs page).

The rules are wms/outbox.py's; this module reads the rows, asks Redis whether it still holds the
waiting ones (one round trip), and moves the rows. Redis down: nothing moves, the next sweep tries
again.
"""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from wms import outbox
from wms.extensions import db
from wms.timeutil import utcnow
from wms.worker import QueuedJob, push, redis_connection, rq_job_id

log = logging.getLogger("wms.jobs")

DEFAULT_REQUEUE_SECONDS = 120


def requeue_after(app=None):
    """How long a row may wait (pending or enqueued) before it is pushed again (JOB_REQUEUE_SECONDS)."""
    app = app or current_app
    return timedelta(seconds=app.config.get("JOB_REQUEUE_SECONDS", DEFAULT_REQUEUE_SECONDS))


def _candidates(now, wait, limit, after_id=0):
    """Rows that may need a push (by id, from after_id): waiting too long, running past the shortest
    job timeout, retry due."""
    shortest = timedelta(seconds=min(outbox.JOB_TIMEOUTS.values())) + outbox.RUNNING_GRACE
    waiting_since = func.coalesce(QueuedJob.enqueued_at, QueuedJob.created_at)
    return db.session.scalars(select(QueuedJob).where(QueuedJob.id > after_id, or_(
        and_(QueuedJob.status.in_(outbox.WAITING), waiting_since <= now - wait),
        and_(QueuedJob.status == outbox.RUNNING, or_(QueuedJob.started_at.is_(None),
                                                     QueuedJob.started_at <= now - shortest)),
        and_(QueuedJob.status == outbox.FAILED, QueuedJob.retry_at <= now),
    )).order_by(QueuedJob.id).limit(limit)).all()


def stuck_jobs(now=None, limit=200):
    """Rows not finished within their time (waiting, or running for a worker that is gone), oldest first."""
    now = now or utcnow()
    wait = requeue_after()
    return [row for row in _candidates(now, wait, limit * 2) if _stuck(row, now, wait)][:limit]


def is_stuck(row, now=None):
    """Whether this row is stuck now."""
    return _stuck(row, now or utcnow(), requeue_after())


def count_stuck(now=None):
    """How many rows are stuck (for a panel)."""
    return len(stuck_jobs(now, limit=1000))


def _stuck(row, now, wait):
    return outbox.is_stuck(row.status, row.queue, row.created_at, row.enqueued_at, row.started_at, now, wait)


def requeue_stale(now=None, batch=500, most=20_000, older_than_s=None):
    """Push again the rows that need it (wms.outbox.needs_push), `batch` rows at a time and at most
    `most` rows looked at per sweep (rows Redis still holds are passed over, so a backlog waiting
    in Redis never hides a lost row behind it); returns how many were pushed.

    `older_than_s` overrides JOB_REQUEUE_SECONDS (0: every waiting row now, e.g. `flask wms requeue`)."""
    from redis.exceptions import RedisError

    app = current_app._get_current_object()
    now = now or utcnow()
    wait = requeue_after(app) if older_than_s is None else timedelta(seconds=older_than_s)
    connection, pushed, after_id, seen = None, 0, 0, 0
    try:
        while seen < most:
            rows = _candidates(now, wait, batch, after_id)
            if not rows:
                break
            seen, after_id = seen + len(rows), rows[-1].id
            connection = connection or redis_connection(app)
            pushed += _push_batch(app, connection, rows, now, wait)
            if len(rows) < batch:
                break
    except RedisError as error:
        log.warning("outbox sweep: redis unreachable (%s); %d pushed, the rest wait for it", error, pushed)
    if pushed:
        log.warning("outbox sweep: %d jobs pushed again", pushed, extra={"pushed": pushed})
    return pushed


def _push_batch(app, connection, rows, now, wait):
    in_rq = _rq_statuses(connection, [row.id for row in rows if row.status in outbox.WAITING])
    due = [(row.id, row.status, row.started_at) for row in rows
           if outbox.needs_push(row.status, row.queue, row.created_at, row.enqueued_at, row.started_at,
                                row.retry_at, now, wait, in_rq.get(row.id))]
    db.session.rollback()  # end the read; each move below commits on its own
    pushed = 0
    for job_id, status, started_at in due:
        if status in (outbox.RUNNING, outbox.FAILED) and not _back_to_pending(job_id, status, started_at):
            continue  # a worker took it meanwhile
        pushed += push(app, job_id, connection=connection)
    return pushed


def _rq_statuses(connection, job_ids):
    """{row id: rq's status of its job} for the jobs Redis still knows."""
    if not job_ids:
        return {}
    from rq.job import Job

    pipe = connection.pipeline(transaction=False)
    for job_id in job_ids:
        pipe.hget(Job.key_for(rq_job_id(job_id)), "status")
    return {job_id: status.decode() for job_id, status in zip(job_ids, pipe.execute()) if status}


def _back_to_pending(job_id, status, started_at):
    """An abandoned running row or a failed row whose retry is due waits again (only if unchanged)."""
    seen = QueuedJob.started_at.is_(None) if started_at is None else QueuedJob.started_at == started_at
    moved = db.session.execute(
        update(QueuedJob).where(QueuedJob.id == job_id, QueuedJob.status == status, seen)
        .values(status=outbox.PENDING, retry_at=None).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return moved == 1
