"""Tracking jobs: write-back pushes and their retries, carrier polls, auto-completion, buyer notices."""
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
def send_buyer_notice(notice_id):
    """Send one buyer notice (email or text message) once."""
    return notices.send_buyer_notice(notice_id)


@job
def notify_buyers(order_ids, event, values=None):
    """An event's buyer notices for these orders (lower features enqueue this by name: a shortage)."""
    return notices.notify_buyers(order_ids, event, values)


@job
def virtual_ship(order_id, tracking_number, carrier_code):
    """虚拟发货 on a person's request: write the early waybill's number back to the channel now."""
    return bool(writeback.virtual_ship(order_id, tracking_number, carrier_code))


@job
def email_buyer_shipped(notice_id, carrier_name, tracking_number):
    """Rows queued before notices had their values (the shipped email's old job): sent as send_buyer_notice."""
    return notices.send_queued_before_details(notice_id, carrier=carrier_name, tracking=tracking_number)
