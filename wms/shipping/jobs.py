"""rq jobs of shipping: they take ids and are idempotent."""
from wms.shipping import services


def request_waybill(parcel_id):
    """Tracking number + label for a sealed parcel (at most one waybill per parcel)."""
    return services.request_waybill(parcel_id)


def send_to_printer(print_job_id):
    """ZPL of a ready print job to its station's network printer."""
    return services.deliver_to_printer(print_job_id)
