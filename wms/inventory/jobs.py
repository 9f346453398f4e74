"""rq entry points of inventory: they take ids and call one service; safe to run twice (an order
already allocated is skipped).

Enqueued by review (approved orders), by inventory's counts (backorders the found stock may serve)
and from the wall's stuck list. Rows queued before these moved here name
wms.inventory.services.allocate_orders, which still runs them."""
from wms.inventory import services
from wms.worker import job


@job
def allocate_orders(order_ids):
    """Reserve stock for approved / backorder orders (wms.inventory.allocating.allocate_orders)."""
    return services.allocate_orders(order_ids)


@job
def retry_backorders(sku_ids=None):
    """Try again every backorder that wants one of these SKUs (all backorders when None)."""
    return services.retry_backorders(sku_ids)


@job
def release_presales():
    """Release the presales whose ship-from time came (or whose stock arrived, where the store says so)
    into allocation (wms.inventory.presales; wms.schedule runs it every minute)."""
    return services.release_presales()
