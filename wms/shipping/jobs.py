"""rq jobs of shipping: they take ids and are idempotent.

Their dotted paths (wms.shipping.jobs.request_waybill, send_to_printer, request_early_waybills...) are stored
in the job outbox, so queued jobs outlive a deploy: keep these names even when the services move."""
from wms.shipping import early_voids, early_waybills, print_jobs, waybills
from wms.worker import job


@job
def request_waybill(parcel_id):
    """Tracking number + label for a sealed parcel (at most one waybill per parcel)."""
    return waybills.request_waybill(parcel_id)


@job
def send_to_printer(print_job_id):
    """ZPL of a ready print job to its station's network printer."""
    return print_jobs.deliver_to_printer(print_job_id)


@job
def request_early_waybills(*waybill_ids):
    """Tracking numbers + labels for a chunk of a bulk request (运单号申请), one failure never stopping the rest."""
    return early_waybills.request_many(waybill_ids)


@job
def void_early_waybill(waybill_id):
    """Cancel a cancelled order's early waybill with its carrier (claimed first: exactly once)."""
    return early_voids.void_early(waybill_id)


@job
def void_early_waybill_after_split(order_id, actor):
    """Allocation split the order: void its early waybill, whose label shows the contents it had."""
    return early_voids.void_after_split(order_id, actor)
