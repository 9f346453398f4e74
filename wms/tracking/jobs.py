"""Tracking jobs: write-back pushes and their retries, carrier polls, auto-completion, buyer email."""
from wms.tracking import notices, services, writeback
from wms.worker import job


@job
def push_writeback(task_id):
    """Push one order's tracking number to its channel (failures recorded and rescheduled)."""
    return writeback.push_writeback(task_id)


@job
def retry_due_writebacks():
    """Periodic: queue write-backs whose backoff has run out."""
    return writeback.retry_due_writebacks()


@job
def poll_tracking():
    """Periodic: ask carriers about parcels not heard of for TRACKING_POLL_MINUTES."""
    return services.poll_tracking()


@job
def auto_complete():
    """Periodic: complete shipped orders with no delivery news after AUTO_COMPLETE_DAYS."""
    return services.auto_complete()


@job
def email_buyer_shipped(notice_id, carrier_name, tracking_number):
    """Send the buyer's shipped email once."""
    return notices.email_buyer_shipped(notice_id, carrier_name, tracking_number)


@job
def virtual_ship(order_id, tracking_number, carrier_code):
    """虚拟发货 on a person's request: write the early waybill's number back to the channel now."""
    return bool(writeback.virtual_ship(order_id, tracking_number, carrier_code))
