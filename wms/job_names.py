"""The dotted names of the background jobs, for code that enqueues or schedules a job by name. Pure.

A job is a function of its feature's jobs.py marked @worker.job. Code that may import that jobs.py
passes the function itself; code that may not names it: a lower feature setting off a higher one's
work (imports asking review for the automatic review, allocation asking tracking to tell buyers of a
shortage) must not import upward (docs/CONVENTIONS.md, Layers), and a feature's services cannot
import its own jobs.py, which imports them. A name is also what the job's outbox row keeps
(QueuedJob.func), what the ticker runs (wms/schedule.py) and what the jobs page titles
(wms/admin/job_titles.py). Each name is written here once: wms.worker.enqueue refuses one no jobs.py
declared, and tests/services/test_job_registry.py checks each of these names a declared job.
"""

# catalog: the SKU catalogue file, read in the background
IMPORT_SKU_FILE = "wms.catalog.jobs.run_sku_import"

# orders: the supervisors told of orders not packed by their ship-by time (periodic)
ALERT_SHIP_BY_BREACHES = "wms.orders.jobs.alert_ship_by_breaches"

# imports: an uploaded order file, validated and written
IMPORT_ORDER_FILE = "wms.imports.jobs.run_import"

# inventory: stock reserved for approved orders, backorders tried again, presales whose time came
ALLOCATE_ORDERS = "wms.inventory.jobs.allocate_orders"
RETRY_BACKORDERS = "wms.inventory.jobs.retry_backorders"
RELEASE_PRESALES = "wms.inventory.jobs.release_presales"

# shipping: waybills (at sealing, or early in bulk), labels to the station's printer, early waybills voided
REQUEST_WAYBILL = "wms.shipping.jobs.request_waybill"
SEND_LABEL_TO_PRINTER = "wms.shipping.jobs.send_to_printer"
REQUEST_EARLY_WAYBILLS = "wms.shipping.jobs.request_early_waybills"
VOID_EARLY_WAYBILL = "wms.shipping.jobs.void_early_waybill"
VOID_EARLY_WAYBILL_AFTER_SPLIT = "wms.shipping.jobs.void_early_waybill_after_split"

# picking: automatic wave releases (periodic)
RUN_AUTO_WAVES = "wms.picking.jobs.run_auto_waves"

# review: the automatic review of imported orders, tag rules applied again to open orders
REVIEW_ORDERS = "wms.review.jobs.review_orders"
APPLY_TAG_RULES = "wms.review.jobs.apply_tag_rules"

# putwall: the wall's slot lights
SHOW_WALL_LIGHTS = "wms.putwall.jobs.show_lights"

# aftersales: the waybill of an intercepted order voided with its carrier
VOID_INTERCEPTED_WAYBILL = "wms.aftersales.jobs.void_waybill"

# channels: orders pulled from a store (one, or every one due), stock pushed to the stores, a case's refund sent
SYNC_CHANNEL_ORDERS = "wms.channels.jobs.sync_channel"
SYNC_DUE_CHANNELS = "wms.channels.jobs.sync_due_channels"
SYNC_STOCK = "wms.channels.jobs.sync_stock"
PUSH_CHANNEL_STOCK = "wms.channels.jobs.push_channel_stock"
SEND_CASE_REFUND = "wms.channels.jobs.send_case_refund"

# tracking: tracking numbers written back to the stores, carriers polled, quiet shipments completed,
# buyers told (one notice, or an event's notices for some orders)
PUSH_WRITEBACK = "wms.tracking.jobs.push_writeback"
RETRY_DUE_WRITEBACKS = "wms.tracking.jobs.retry_due_writebacks"
VIRTUAL_SHIP = "wms.tracking.jobs.virtual_ship"
POLL_TRACKING = "wms.tracking.jobs.poll_tracking"
AUTO_COMPLETE_ORDERS = "wms.tracking.jobs.auto_complete"
SEND_BUYER_NOTICE = "wms.tracking.jobs.send_buyer_notice"
NOTIFY_BUYERS = "wms.tracking.jobs.notify_buyers"
EMAIL_BUYER_SHIPPED = "wms.tracking.jobs.email_buyer_shipped"  # only rows queued before notices kept their values

# dashboard: the wall's old minute buckets dropped (periodic)
PRUNE_PICK_BUCKETS = "wms.dashboard.jobs.prune_pick_buckets"
