"""Entry point: `python -m wms.run_worker` runs one rq worker (jobs: wms/worker.py) and its ticker
(periodic work: wms/schedule.py), and keeps them working whatever Redis does.

Redis may go away and come back, with or without its data: the worker then waits for it with a
growing pause (logged), and starts working again; rows Redis forgot are pushed again by the outbox
sweep (wms.outbox_sweep). Only SIGTERM / SIGINT stop it.
"""
import logging
import multiprocessing
import os
import signal
import threading

from wms.worker import _worker_app, redis_connection

log = logging.getLogger("wms.worker")

FIRST_PAUSE_S = 0.5
LONGEST_PAUSE_S = 30.0


class Backoff:
    """Pauses between attempts: FIRST_PAUSE_S doubling up to LONGEST_PAUSE_S; reset once it works."""

    def __init__(self, first=FIRST_PAUSE_S, longest=LONGEST_PAUSE_S):
        self.first, self.longest, self.failures = first, longest, 0

    def next(self):
        pause = min(self.longest, self.first * 2 ** self.failures)
        self.failures += 1
        return pause

    def reset(self):
        self.failures = 0


def _forget_parent_connections(app):
    """In rq's forked work-horse: drop the pooled database connections inherited from the worker
    (without closing them: they are the parent's), so the job opens its own. Two processes on one
    connection corrupt its protocol stream, and server-side state such as prepared statements
    (wms.rawsql) would be out of step with what each process believes."""
    from wms.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


def main():
    """An rq worker and the periodic ticker, reconnecting to Redis forever."""
    app = _worker_app()
    stop = threading.Event()
    os.register_at_fork(after_in_child=lambda: _forget_parent_connections(app))
    # The periodic ticker runs in its own spawned process, not in a thread of this one: rq forks a
    # work-horse per job, and a lock a thread holds at that moment (SQLite's allocator mutex,
    # SQLAlchemy's mapper lock) stays locked in the child forever - the job hangs.
    multiprocessing.get_context("spawn").Process(target=_tick_forever, args=(os.getpid(),), daemon=True,
                                                 name="wms-ticker").start()
    work_until_stopped(app, stop)


def work_until_stopped(app, stop):
    """Run rq workers one after the other until `stop` is set or a stop signal comes."""
    from redis.exceptions import RedisError

    def request_stop(*_):
        stop.set()

    backoff = Backoff()
    while not stop.is_set():
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        connection = redis_connection(app)
        try:
            connection.ping()
        except RedisError as error:
            pause = backoff.next()
            log.warning("redis unreachable (%s); trying again in %.1f s", error, pause,
                        extra={"attempt": backoff.failures})
            stop.wait(pause)
            continue
        if backoff.failures:
            log.warning("redis reachable again after %d attempts; the worker starts working", backoff.failures)
        backoff.reset()
        worker = _stoppable_worker(app, connection, stop)
        try:
            worker.work()  # no rq scheduler: retries are the outbox's (retry_at), nothing is scheduled in Redis
        except RedisError as error:  # rq's own teardown meets the dead connection
            log.warning("rq worker lost redis (%s)", error)
        if not stop.is_set():
            pause = backoff.next()
            log.warning("rq worker stopped (redis lost?); starting again in %.1f s", pause)
            stop.wait(pause)
    log.info("worker stopped")


def _stoppable_worker(app, connection, stop):
    """An rq Worker that also tells our loop when a stop signal came (rq installs its own handlers)."""
    from rq import Queue, Worker

    class StoppableWorker(Worker):
        def request_stop(self, signum, frame):
            stop.set()
            super().request_stop(signum, frame)

    queues = [Queue(name, connection=connection) for name in app.config["RQ_QUEUES"]]
    return StoppableWorker(queues, connection=connection)


def _tick_forever(parent_pid):
    """The ticker process: its own app, database and Redis connections; ends with its worker."""
    from wms.schedule import run_forever

    app = _worker_app()
    run_forever(app, redis_connection(app), alive=lambda: os.getppid() == parent_pid)


if __name__ == "__main__":
    main()
