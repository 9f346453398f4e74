"""Background jobs of channel sync. They take ids, call one service, and are safe to run twice."""
from flask import has_app_context

from wms.channels import services


def sync_channel(channel_id):
    """rq job: pull the channel's new and changed orders (resumes from its cursor)."""
    return services.sync_orders(channel_id).to_dict()


def sync_due_channels():
    """rq job: enqueue a sync for every active platform channel whose interval has passed."""
    return services.enqueue_due_syncs()


def scheduled_sync():
    """rq cron entry point (see wms/channels/cron.py): runs outside the outbox, so it opens the
    worker's app context itself before asking the service which channels are due."""
    if has_app_context():
        return sync_due_channels()
    from wms.worker import _worker_app

    with _worker_app().app_context():
        return sync_due_channels()
