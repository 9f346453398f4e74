"""rq entry points of the review desk: they take ids and call one service; safe to run twice (only
orders still `imported` are reviewed).

review_orders is set off by imports, which sits below review and so names it by its path
(wms.job_names.REVIEW_ORDERS), and from the wall's stuck list. Rows queued before it moved here
name wms.review.services.review_orders, which still runs them."""
from wms.review import services, tagging
from wms.worker import job


@job
def review_orders(order_ids):
    """The automatic review of imported orders: approve the clean ones, hold the rest."""
    return services.review_orders(order_ids)


@job
def apply_tag_rules(actor_name):
    """The tag rules applied again to every open order ("apply to open orders now")."""
    return tagging.apply_to_open_orders(actor=actor_name)
