"""Periodic work, run by every rq worker's ticker process; a Redis lock per tick lets only one
worker run each tick, however many workers there are. The ticker outlives Redis outages: a tick
that cannot reach Redis is logged and tried again after a growing pause."""
import importlib
import logging
import time

from wms import job_names

log = logging.getLogger("wms.schedule")

SWEEP = "wms.outbox_sweep.requeue_stale"  # core, not a feature's job
# (seconds between runs, dotted path of a function that runs inside an app context: a feature's
# jobs.py function, or the core outbox sweep)
PERIODIC = (
    (15, SWEEP),  # OUTBOX_SWEEP_SECONDS overrides; JOB_REQUEUE_SECONDS is its timeout
    (60, job_names.SYNC_DUE_CHANNELS),
    (5, job_names.SYNC_STOCK),  # stock marks -> the stores' pushes (库存同步), every tick
    (30, job_names.RUN_AUTO_WAVES),
    (60, job_names.ALERT_SHIP_BY_BREACHES),  # not packed within SHIP_BY_ALERT_HOURS of its ship-by
    (60, job_names.RELEASE_PRESALES),  # presales whose ship-from time (or stock) came -> allocation
    (60, job_names.RETRY_DUE_WRITEBACKS),
    (300, job_names.POLL_TRACKING),  # each parcel is asked every TRACKING_POLL_MINUTES
    (3600, job_names.AUTO_COMPLETE_ORDERS),
    (3600, job_names.PRUNE_PICK_BUCKETS),  # the wall keeps 48 h of minute buckets
)
TICK_EVERY_S = 5


def interval_of(app, interval, path):
    """A periodic job's interval; the outbox sweep's comes from OUTBOX_SWEEP_SECONDS when set."""
    if path == SWEEP:
        return int(app.config.get("OUTBOX_SWEEP_SECONDS") or interval)
    return interval


def tick(app, redis, now=None):
    """Run every periodic function whose interval has passed and whose lock this worker won."""
    ran = []
    for interval, path in PERIODIC:
        if not redis.set(f"wms:tick:{path}", int(now or time.time()), nx=True, ex=interval_of(app, interval, path)):
            continue
        module, name = path.rsplit(".", 1)
        with app.app_context():
            try:
                getattr(importlib.import_module(module), name)()
                ran.append(path)
            except Exception:
                log.exception("periodic job failed", extra={"job": path})
    return ran


def run_forever(app, redis, every=None, alive=lambda: True, sleep=time.sleep):
    """Tick every `every` seconds while `alive()`; Redis errors pause the ticker, never end it."""
    from redis.exceptions import RedisError

    every = every or min(TICK_EVERY_S, interval_of(app, TICK_EVERY_S, SWEEP))
    failures = 0
    while alive():
        try:
            tick(app, redis)
        except RedisError as error:
            failures += 1
            pause = min(30.0, every * 2 ** min(failures, 5))
            log.warning("ticker: redis unreachable (%s); trying again in %.1f s", error, pause)
            sleep(pause)
            continue
        if failures:
            log.warning("ticker: redis reachable again after %d attempts", failures)
            failures = 0
        sleep(every)
