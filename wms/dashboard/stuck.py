"""The stuck-order watch: orders that have not moved for longer than their state's limit
(config STUCK_LIMITS_MINUTES), with their last event and the step that would move them (from the
facts wms.review.progress reads)."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from wms.extensions import db
from wms.inventory import jobs as inventory_jobs
from wms.inventory.presales import presale_waiting
from wms.orders import next_steps, states
from wms.orders.models import Order, OrderEvent
from wms.review import jobs as review_jobs
from wms.review.progress import order_facts
from wms.timeutil import utcnow
from wms.wording import wording

LIST_LIMIT = 200
PER_PAGE = 50     # the page lists this many (each row draws its steps' forms and links)
COUNT_CAP = 1000  # the wall shows at most this (a flood is a flood)


def limits():
    """{state: minutes} an order may sit in that state before it shows as stuck (no limit: never)."""
    configured = current_app.config.get("STUCK_LIMITS_MINUTES") or {}
    return {state: int(minutes) for state, minutes in configured.items()
            if state in states.ALL_STATES and state not in states.TERMINAL and int(minutes) > 0}


def _stuck_filter(now):
    """Past its state's limit; a presale waiting for its ship-from time is waiting, not stuck."""
    late = or_(*[and_(Order.status == state, Order.updated_at < now - timedelta(minutes=minutes))
                 for state, minutes in sorted(limits().items())] or [False])
    return and_(late, ~presale_waiting())


def stuck_count(now=None):
    """How many orders are stuck (capped at COUNT_CAP), for the wall's exception panel."""
    ids = select(Order.id).where(_stuck_filter(now or utcnow())).limit(COUNT_CAP).subquery()
    return db.session.scalar(select(func.count()).select_from(ids))


def stuck_count_for_wall(now=None):
    """stuck_count, read at most every STUCK_COUNT_EVERY_SECONDS per process (the wall's snapshot runs
    on every push)."""
    now = now or utcnow()
    every_s = current_app.config.get("STUCK_COUNT_EVERY_SECONDS", 30)
    cache = current_app.extensions.setdefault("wms.wall.stuck", {})
    if "at" not in cache or not 0 <= (now - cache["at"]).total_seconds() < every_s:
        cache.update(at=now, count=stuck_count(now))
    return cache["count"]


def stuck_page(page=1, now=None):
    """One page of the stuck list: {"rows", "total", "capped", "page", "pages"}; the total is counted up
    to COUNT_CAP as on the wall, and the pages reach that far."""
    now = now or utcnow()
    total = stuck_count(now)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(int(page or 1), 1), pages)
    return {"rows": stuck_orders(now, limit=PER_PAGE, offset=(page - 1) * PER_PAGE), "total": total,
            "capped": total >= COUNT_CAP, "page": page, "pages": pages}


def stuck_orders(now=None, limit=LIST_LIMIT, offset=0):
    """The stuck orders, longest still first: [{"order", "minutes", "limit", "last_event", "steps"}]."""
    now = now or utcnow()
    orders = db.session.scalars(select(Order).where(_stuck_filter(now))
                                .order_by(Order.updated_at, Order.id).limit(limit).offset(offset)).all()
    ids = [order.id for order in orders]
    facts = order_facts(ids)
    last = _last_events(ids)
    allowed = limits()
    return [{"order": order, "minutes": int((now - order.updated_at).total_seconds() // 60),
             "limit": allowed.get(order.status), "last_event": last.get(order.id),
             "steps": next_steps.next_steps(facts[order.id])} for order in orders]


def _last_events(order_ids):
    if not order_ids:
        return {}
    newest = (select(func.max(OrderEvent.id)).where(OrderEvent.order_id.in_(order_ids))
              .group_by(OrderEvent.order_id))
    return {event.order_id: event for event in db.session.scalars(select(OrderEvent).where(OrderEvent.id.in_(newest)))}


# Where a person takes each step (the stuck list links there); allocate and review are run from the list.
STEP_PAGES = {"approve": "review.order", "wave": "picking.waves", "pick": "dashboard.desk", "pack": "station.station",
              "waybill": "shipping.failed", "retry_waybill": "shipping.failed", "ship": "handover.index",
              "receive_return": "aftersales.returns_index"}
RUN_HERE = {"allocate": inventory_jobs.allocate_orders, "review": review_jobs.review_orders}


def run_step(order_id, code, actor=None):
    """Take a job's step now from the stuck list: queue its job (allocation, or the automatic review),
    which runs after the commit. Any other step is refused (a person takes it on its own page)."""
    from wms.aftercommit import commit
    from wms.errors import ValidationFailed
    from wms.rows import get_or_not_found
    from wms.worker import enqueue

    order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
    steps = [step.code for step in next_steps.next_steps(order_facts([order.id])[order.id])]
    if code not in RUN_HERE or code not in steps:
        raise ValidationFailed("This order cannot take that step now", field="step", status=order.status)
    order.note(wording("{step} asked from the stuck list", step=wording(next_steps.STEPS[code].text)), actor=actor)
    enqueue(RUN_HERE[code], [order.id])
    commit()
    db.session.expire_all()
    return db.session.get(Order, order.id).status
