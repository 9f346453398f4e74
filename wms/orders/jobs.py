"""Periodic work of orders (wms.schedule runs it): it takes nothing and calls one service."""
from wms.orders import deadlines
from wms.worker import job


@job
def alert_ship_by_breaches():
    """Alert supervisors and the wall, once per order, of orders not packed close to their ship-by."""
    return deadlines.alert_breaches()
