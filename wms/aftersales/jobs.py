"""After-sales jobs: voiding the waybill of an intercepted labelled order."""
from wms.aftersales import services
from wms.worker import job


@job
def void_waybill(intercept_id):
    """Cancel the intercepted order's waybill with the carrier (retried by rq on failure)."""
    return services.void_waybill(intercept_id)
