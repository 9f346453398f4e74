"""Periodic work, run by every rq worker's ticker thread; a Redis lock per tick lets only one
worker run each tick, however many workers there are."""
import importlib
import logging
import time

log = logging.getLogger("wms.schedule")

# (seconds between runs, dotted path of a function that runs inside an app context)
PERIODIC = (
    (15, "wms.worker.requeue_pending"),
    (60, "wms.channels.jobs.sync_due_channels"),
    (30, "wms.picking.rules.run_auto_waves"),
    (60, "wms.tracking.jobs.retry_due_writebacks"),
    (300, "wms.tracking.jobs.poll_tracking"),  # each parcel is asked every TRACKING_POLL_MINUTES
    (3600, "wms.tracking.jobs.auto_complete"),
    (3600, "wms.dashboard.services.prune_pick_buckets"),  # the wall keeps 48 h of minute buckets
)


def tick(app, redis, now=None):
    """Run every periodic function whose interval has passed and whose lock this worker won."""
    ran = []
    for interval, path in PERIODIC:
        if not redis.set(f"wms:tick:{path}", int(now or time.time()), nx=True, ex=interval):
            continue
        module, name = path.rsplit(".", 1)
        with app.app_context():
            try:
                getattr(importlib.import_module(module), name)()
                ran.append(path)
            except Exception:
                log.exception("periodic job failed", extra={"job": path})
    return ran


def run_forever(app, redis, every=5):
    while True:
        tick(app, redis)
        time.sleep(every)
