"""Background jobs of channel sync. They take ids, call one service, and are safe to run twice."""
from wms.channels import case_refunds, refunds, services, stock_sync
from wms.worker import job


@job
def sync_channel(channel_id):
    """rq job: pull the channel's new and changed orders (resumes from its cursor), then its refunds and
    after-sales requests where the platform reports them (from their own cursor: wms.channels.refunds)."""
    return refunds.sync_orders_and_refunds(channel_id)


@job
def sync_due_channels():
    """rq job: enqueue a sync for every active platform channel whose interval has passed."""
    return services.enqueue_due_syncs()



@job
def sync_stock():
    """Ticker job: take the stock marks, make the stores' platform SKUs due, enqueue their pushes."""
    return stock_sync.collect_marks()


@job
def push_channel_stock(channel_id):
    """rq job: push the store's due stock quantities (one run per store at a time; safe to run again)."""
    return stock_sync.push_channel(channel_id)


@job
def send_case_refund(case_id):
    """rq job: send an after-sales case's refund to its platform (named by wms.aftersales.refund_steps; safe to run
    again: a refund already made for the case is found, not made twice)."""
    return case_refunds.send(case_id)
