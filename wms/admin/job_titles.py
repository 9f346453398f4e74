"""What the background jobs page calls each job, in words (the dotted path stays beside it). Pure."""

TITLES = {
    "wms.shipping.jobs.request_waybill": "Waybill for a parcel",
    "wms.shipping.jobs.send_to_printer": "Label to the station's printer",
    "wms.imports.jobs.run_import": "Order file import",
    "wms.review.jobs.review_orders": "Review of imported orders",
    "wms.inventory.jobs.allocate_orders": "Stock allocation",
    "wms.inventory.jobs.retry_backorders": "Stock allocation",
    "wms.channels.jobs.sync_channel": "Order sync with a sales channel",
    "wms.tracking.jobs.push_writeback": "Tracking number to the sales channel",
    "wms.tracking.jobs.email_buyer_shipped": "Shipped email to the buyer",
    "wms.tracking.jobs.send_buyer_notice": "Notice to the buyer",
    "wms.tracking.jobs.notify_buyers": "Buyer notices for an event",
    "wms.aftersales.jobs.void_waybill": "Waybill void for an intercepted order",
}


# Rows queued before these jobs moved to their jobs.py (2026-12) still name the services.
TITLES.update({"wms.review.services.review_orders": TITLES["wms.review.jobs.review_orders"],
               "wms.inventory.services.allocate_orders": TITLES["wms.inventory.jobs.allocate_orders"],
               "wms.inventory.services.retry_backorders": TITLES["wms.inventory.jobs.retry_backorders"]})


def title_of(func):
    """The job's English title, or None for a job without one (the page shows its path)."""
    return TITLES.get(func)
