"""What the background jobs page calls each job, in words (the dotted path stays beside it). Pure."""
from wms import job_names

TITLES = {
    job_names.REQUEST_WAYBILL: "Waybill for a parcel",
    job_names.SEND_LABEL_TO_PRINTER: "Label to the station's printer",
    job_names.IMPORT_ORDER_FILE: "Order file import",
    job_names.REVIEW_ORDERS: "Review of imported orders",
    job_names.ALLOCATE_ORDERS: "Stock allocation",
    job_names.RETRY_BACKORDERS: "Stock allocation",
    job_names.SYNC_CHANNEL_ORDERS: "Order sync with a sales channel",
    job_names.PUSH_WRITEBACK: "Tracking number to the sales channel",
    job_names.EMAIL_BUYER_SHIPPED: "Shipped email to the buyer",
    job_names.SEND_BUYER_NOTICE: "Notice to the buyer",
    job_names.NOTIFY_BUYERS: "Buyer notices for an event",
    job_names.VOID_INTERCEPTED_WAYBILL: "Waybill void for an intercepted order",
}


# Rows queued before these jobs moved to their jobs.py (2026-12) still name the services.
TITLES.update({"wms.review.services.review_orders": TITLES[job_names.REVIEW_ORDERS],
               "wms.inventory.services.allocate_orders": TITLES[job_names.ALLOCATE_ORDERS],
               "wms.inventory.services.retry_backorders": TITLES[job_names.RETRY_BACKORDERS]})


def title_of(func):
    """The job's English title, or None for a job without one (the page shows its path)."""
    return TITLES.get(func)
