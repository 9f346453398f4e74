"""rq jobs of shipping: they take ids and are idempotent.

Their dotted paths (wms.shipping.jobs.request_waybill, wms.shipping.jobs.send_to_printer) are stored
in the job outbox, so queued jobs outlive a deploy: keep these names even when the services move."""
from wms.shipping import print_jobs, waybills
from wms.worker import job


@job
def request_waybill(parcel_id):
    """Tracking number + label for a sealed parcel (at most one waybill per parcel)."""
    return waybills.request_waybill(parcel_id)


@job
def send_to_printer(print_job_id):
    """ZPL of a ready print job to its station's network printer."""
    return print_jobs.deliver_to_printer(print_job_id)
