"""Background jobs of channel sync. They take ids, call one service, and are safe to run twice."""
from wms.channels import services
from wms.worker import job


@job
def sync_channel(channel_id):
    """rq job: pull the channel's new and changed orders (resumes from its cursor)."""
    return services.sync_orders(channel_id).to_dict()


@job
def sync_due_channels():
    """rq job: enqueue a sync for every active platform channel whose interval has passed."""
    return services.enqueue_due_syncs()

