"""The review desk's read side: the filtered, paged queue, counts per reason, one order's page.

Paged in SQL (LIMIT/OFFSET over indexed status/created_at); reason filters and counts go through
review_hold_codes (indexed code, order_id), never through the JSON column.
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from wms.catalog.models import Sku
from wms.auth.access import require_channel
from wms.errors import NotFound
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Channel, Order, OrderLine
from wms.review.models import OrderFlagCode, OrderHoldCode
from wms.timeutil import utcnow

DESK_STATES = (states.ON_HOLD, states.IMPORTED)
FLAGGED = "flagged"   # not a state: orders that can still be changed and carry a flag (not held)
PER_PAGE = 50


@dataclass
class QueueFilters:
    state: str = states.ON_HOLD   # a state, or "" for the desk's states (held + imported)
    reason: str = ""
    channel_id: int | None = None
    q: str = ""
    page: int = 1
    per_page: int = PER_PAGE
    channel_codes: tuple | None = None   # an API token bound to these channels sees only their orders


def _filtered(filters, *, with_reason=True):
    query = select(Order)
    if filters.state == FLAGGED:
        query = query.where(Order.status.in_(states.EDITABLE), Order.id.in_(select(OrderFlagCode.order_id)))
    elif filters.state in states.ALL_STATES:
        query = query.where(Order.status == filters.state)
    else:
        query = query.where(Order.status.in_(DESK_STATES))
    if filters.channel_id:
        query = query.where(Order.channel_id == filters.channel_id)
    if filters.channel_codes is not None:
        query = query.where(Order.channel_id.in_(select(Channel.id).where(Channel.code.in_(filters.channel_codes))))
    text = (filters.q or "").strip()
    if text:
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(Order.external_id.like(like + "%", escape="\\"),
                                Order.buyer_phone.like(like + "%", escape="\\"),
                                Order.buyer_name.like("%" + like + "%", escape="\\")))
    if with_reason and filters.reason:
        codes = OrderFlagCode if filters.state == FLAGGED else OrderHoldCode
        query = query.where(Order.id.in_(select(codes.order_id).where(codes.code == filters.reason)))
    return query


def queue_page(filters):
    """{"rows", "total", "page", "pages", "reason_counts", "state_counts"} for the desk."""
    filters.page = max(int(filters.page or 1), 1)
    base = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    orders = _page_of(base, filters)
    now = utcnow()
    return {"rows": [_row(order, now) for order in orders], "total": total, "page": filters.page,
            "pages": max(1, -(-total // filters.per_page)),
            "reason_counts": reason_counts(filters), "flag_counts": flag_counts(filters),
            "state_counts": state_counts()}


QUEUE_ORDER = (Order.priority.desc(), Order.created_at, Order.id)


def _page_of(base, filters):
    """One page of the queue in QUEUE_ORDER: its ids first, then those orders with lines and channel.

    The ids come from ix_orders_desk_order alone (status, priority desc, created_at, id), so a deep
    page skips index entries instead of sorting every order of the state (79 MB on disk at 1M
    orders); the rows are loaded for the page's ids only."""
    ids = db.session.scalars(base.with_only_columns(Order.id).order_by(*QUEUE_ORDER)
                             .limit(filters.per_page).offset((filters.page - 1) * filters.per_page)).all()
    if not ids:
        return []
    found = {order.id: order for order in db.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines), selectinload(Order.channel)))}
    return [found[order_id] for order_id in ids if order_id in found]


def reason_counts(filters):
    """{code: n} of held orders matching the other filters (the clickable chips)."""
    unfiltered_reason = QueueFilters(state=states.ON_HOLD, channel_id=filters.channel_id, q=filters.q,
                                     channel_codes=filters.channel_codes)
    ids = _filtered(unfiltered_reason, with_reason=False).with_only_columns(Order.id)
    rows = db.session.execute(select(OrderHoldCode.code, func.count()).where(
        OrderHoldCode.order_id.in_(ids)).group_by(OrderHoldCode.code).order_by(OrderHoldCode.code))
    return dict(rows.all())


def flag_counts(filters):
    """{code: n} of flagged orders (not held, still changeable) matching the other filters."""
    ids = _filtered(QueueFilters(state=FLAGGED, channel_id=filters.channel_id, q=filters.q,
                                 channel_codes=filters.channel_codes),
                    with_reason=False).with_only_columns(Order.id)
    rows = db.session.execute(select(OrderFlagCode.code, func.count()).where(
        OrderFlagCode.order_id.in_(ids)).group_by(OrderFlagCode.code).order_by(OrderFlagCode.code))
    return dict(rows.all())


def state_counts():
    rows = db.session.execute(select(Order.status, func.count()).where(
        Order.status.in_(DESK_STATES)).group_by(Order.status))
    return dict(rows.all())


def _row(order, now):
    return {"id": order.id, "external_id": order.external_id, "version": order.version,
            "channel": order.channel.name if order.channel else "", "buyer_name": order.buyer_name,
            "buyer_phone": order.buyer_phone, "city": order.city or order.province,
            "item_count": order.item_count, "total_cents": order.total_cents, "currency": order.currency,
            "age_minutes": int((now - order.created_at).total_seconds() // 60) if order.created_at else 0,
            "status": order.status, "reasons": list(order.hold_reasons or []),
            "flags": list(order.flags or []) if order.status in states.EDITABLE else []}


def channels():
    return db.session.scalars(select(Channel).order_by(Channel.name)).all()


def order_detail(order_id, actor=None):
    """The order with lines (and their SKUs), events, and the orders it could merge with (an API
    token bound to other channels may not read it: 403)."""
    order = db.session.scalars(select(Order).where(Order.id == int(order_id)).options(
        selectinload(Order.lines).selectinload(OrderLine.sku), selectinload(Order.events))).first()
    if order is None:
        raise NotFound("Order not found", order_id=order_id)
    require_channel(actor, order.channel.code if order.channel else "")
    return {"order": order, "mergeable": mergeable_with(order)}


def mergeable_with(order):
    """Other editable orders of the same channel, buyer and address."""
    from wms.review import checks, rules

    if order.status not in states.EDITABLE or not order.buyer_phone:
        return []
    key = rules.duplicate_key(checks.snapshot(order))
    candidates = db.session.scalars(select(Order).where(
        Order.channel_id == order.channel_id, Order.id != order.id,
        Order.buyer_phone.in_(rules.phone_forms(order.buyer_phone, order.country)),
        Order.status.in_(states.EDITABLE))).all()
    return [o for o in candidates if rules.duplicate_key(checks.snapshot(o)) == key]


def sku_names(codes):
    return dict(db.session.execute(select(Sku.code, Sku.name).where(Sku.code.in_(list(codes)))).all())


def rebuild_hold_codes():
    """Backfill review_hold_codes from every held order's hold_reasons (after a migration)."""
    db.session.execute(OrderHoldCode.__table__.delete())
    for order_id, reasons in db.session.execute(
            select(Order.id, Order.hold_reasons).where(Order.status == states.ON_HOLD)):
        for code in dict.fromkeys(r.get("code", "") for r in reasons or []):
            db.session.add(OrderHoldCode(order_id=order_id, code=str(code)[:40]))
    db.session.commit()
