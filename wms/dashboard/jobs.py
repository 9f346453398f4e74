"""Periodic work of the wall (wms.schedule runs it): it takes nothing and calls one service."""
from wms.dashboard import services
from wms.worker import job


@job
def prune_pick_buckets():
    """Drop the minute buckets older than the wall shows (it keeps 48 h)."""
    return services.prune_pick_buckets()
