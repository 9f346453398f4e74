"""The wall's order figures split by platform, on request (issue 19 item 4): the orders still in the
warehouse's hands (imported up to labelled) per platform and state, for the desk's "By platform" table.

Not kept as counters (wms.counters keys its order counts by state and carrier): asked of the orders
when a supervisor opens the split, one grouped statement over the open states only, which
ix_orders_status_created (status first) serves; shipped and closed orders, the many, are never read.
"""
from sqlalchemy import func, select

from wms.extensions import db
from wms.orders import states
from wms.orders.models import Channel, Order
from wms.orders.stores import platform_name, platform_rank

OPEN_STATES = tuple(s for s in states.ALL_STATES if s in states.BEFORE_SHIPPING)


def open_by_platform():
    """{"states": [state], "rows": [{"platform", "name", "counts": {state: n}, "total"}]}, platforms in the
    store filters' order; a platform with no open order is not listed."""
    found = db.session.execute(
        select(Channel.platform, Order.status, func.count(Order.id))
        .join(Channel, Channel.id == Order.channel_id)
        .where(Order.status.in_(OPEN_STATES))
        .group_by(Channel.platform, Order.status)).all()
    table = {}
    for platform, status, count in found:
        table.setdefault(platform, {})[status] = count
    rows = [{"platform": platform, "name": platform_name(platform), "counts": counts, "total": sum(counts.values())}
            for platform, counts in sorted(table.items(), key=lambda item: (platform_rank(item[0]), item[0]))]
    return {"states": [s for s in OPEN_STATES if any(s in row["counts"] for row in rows)], "rows": rows}
