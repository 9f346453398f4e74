"""The review desk's read side: the filtered, paged queue, counts per reason, one order's page.

A page is a seek on ix_orders_desk_order (status, priority desc, created_at, id): the pager's links
name the order a page starts after (or ends before), so the thousandth page costs what the first
does; a `page` number alone (an old link) is still an OFFSET over the same index. The total is
counted up to COUNT_CAP: past it the desk says "10,000+" instead of reading a year of orders.
The search text goes through the search box's keys (wms.search): one index probe each, never a LIKE
with a leading wildcard. Reason filters and counts go through review_hold_codes (indexed code,
order_id), never through the JSON column.
"""
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from wms.catalog.models import Sku
from wms.auth.access import require_channel
from wms.errors import NotFound
from wms.extensions import db
from wms.inventory.presales import presale_waiting
from wms.orders import deadlines, states
from wms.orders.models import Channel, Order, OrderLine
from wms.review.models import OrderFlagCode, OrderHoldCode
from wms.review.tag_models import OrderTag, tag_key
from wms.search import keys as search_keys
from wms.search import queries as search
from wms.timeutil import utcnow

DESK_STATES = (states.ON_HOLD, states.IMPORTED)
DUE_CHOICES = (2, 4, 8, 24, 48)   # the desk's "overdue or due within N hours" filter
FLAGGED = "flagged"   # not a state: orders that can still be changed and carry a flag (not held)
PRESALE = "presale"   # not a state: approved orders waiting as presales for their ship-from time (not backorders)
PER_PAGE = 50
COUNT_CAP = 10_000    # counted exactly up to here; a state past it (a year of completed orders) is "10,000+"


@dataclass
class QueueFilters:
    state: str = states.ON_HOLD   # a state, or "" for the desk's states (held + imported)
    reason: str = ""
    channel_id: int | None = None
    q: str = ""
    page: int = 1                 # shown; without a cursor also the OFFSET (an old link)
    per_page: int = 0             # 0: PER_PAGE
    channel_codes: tuple | None = None   # an API token bound to these channels sees only their orders
    after: int | None = None      # the page after this order (the pager's Next)
    before: int | None = None     # the page before this order (the pager's Previous)
    last: bool = False            # the queue's last page, walked from its end
    due_within: int | None = None  # hours: only orders overdue or due within them (ship-by)
    tag: str = ""                 # only orders carrying this tag (compared case-folded: review_tag_models.OrderTag)


def _states_of(state):
    if state == FLAGGED:
        return tuple(states.EDITABLE)
    if state == PRESALE:
        return (states.APPROVED,)
    return (state,) if state in states.ALL_STATES else DESK_STATES


def _matching(filters):
    """The ids the search text names in the states this page and its chips read (None: no text)."""
    keys = search_keys.keys_for(filters.q)
    if not keys.text:
        return None
    wanted = dict.fromkeys(_states_of(filters.state) + tuple(states.EDITABLE))
    return search.matching_ids(keys, statuses=tuple(wanted), number_prefix=True)


def _filtered(filters, matched=None, *, with_reason=True):
    query = select(Order)
    if filters.state == FLAGGED:
        query = query.where(Order.status.in_(states.EDITABLE), Order.id.in_(select(OrderFlagCode.order_id)))
    elif filters.state == PRESALE:
        query = query.where(presale_waiting())
    elif filters.state in states.ALL_STATES:
        query = query.where(Order.status == filters.state)
    else:
        query = query.where(Order.status.in_(DESK_STATES))
    if filters.channel_id:
        query = query.where(Order.channel_id == filters.channel_id)
    if filters.channel_codes is not None:
        query = query.where(Order.channel_id.in_(select(Channel.id).where(Channel.code.in_(filters.channel_codes))))
    if matched is not None:
        query = query.where(Order.id.in_(matched))
    if filters.due_within:
        query = query.where(deadlines.due_filter(filters.due_within))
    if filters.tag:
        query = query.where(Order.id.in_(select(OrderTag.order_id).where(OrderTag.key == tag_key(filters.tag))))
    if with_reason and filters.reason:
        codes = OrderFlagCode if filters.state == FLAGGED else OrderHoldCode
        query = query.where(Order.id.in_(select(codes.order_id).where(codes.code == filters.reason)))
    return query


def queue_page(filters):
    """The desk's page: {"rows", "total", "total_capped", "page", "pages", "after", "before",
    "reason_counts", "flag_counts", "state_counts", "searched_capped", "deadlines"}. `after` / `before` are the
    cursors of the next and previous pages (None: there is none); `pages` is None past COUNT_CAP."""
    filters.page = max(int(filters.page or 1), 1)
    filters.per_page = filters.per_page or PER_PAGE
    matched = _matching(filters)
    base = _filtered(filters, matched)
    total = _capped_count(base)
    capped = total > COUNT_CAP
    pages = None if capped else max(1, -(-total // filters.per_page))
    if pages is not None and not (filters.after or filters.before or filters.last):
        filters.page = min(filters.page, pages)   # a page number past the end: the last page
    orders, has_before, has_after = _page_of(base, filters)
    page = 1 if not has_before else pages if filters.last else filters.page   # None: the last of "10,000+"
    now = utcnow()
    return {"rows": [_row(order, now) for order in orders], "total": min(total, COUNT_CAP),
            "total_capped": capped, "page": page, "pages": pages,
            "after": orders[-1].id if orders and has_after else None,
            "before": orders[0].id if orders and has_before else None,
            "searched_capped": matched is not None and len(matched) >= search.MAX_MATCHES,
            "reason_counts": reason_counts(filters, matched), "flag_counts": flag_counts(filters, matched),
            "state_counts": state_counts(), "waiting": waiting_counts(filters.channel_id),
            "deadlines": deadlines.due_counts(filters.due_within) if filters.due_within else None}


def _capped_count(base):
    """How many orders `base` selects, read no further than COUNT_CAP + 1 index entries."""
    head = base.with_only_columns(Order.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(head))


QUEUE_ORDER = (Order.priority.desc(), Order.created_at, Order.id)
REVERSED = (Order.priority, Order.created_at.desc(), Order.id.desc())


def _page_of(base, filters):
    """(orders of the page in QUEUE_ORDER, a page before it exists, a page after it exists).

    The ids come from ix_orders_desk_order alone (status, priority desc, created_at, id) and the rows
    are loaded for those ids only. With a cursor the page is a seek in that index: the orders after
    (or before) the cursor's (priority, created_at, id), asked as the rest of its priority and then
    the lower (higher) priorities, each an index range, so no entry before the page is read."""
    ids_of = base.with_only_columns(Order.id)
    wanted = filters.per_page + 1   # one more tells whether another page follows
    anchor = _anchor(filters.after or filters.before) if (filters.after or filters.before) else None
    if anchor is not None and filters.after:
        ids = _seek(ids_of, anchor, wanted, forward=True)
        has_before, has_after = True, len(ids) > filters.per_page
        ids = ids[:filters.per_page]
    elif anchor is not None:
        ids = _seek(ids_of, anchor, wanted, forward=False)
        has_before, has_after = len(ids) > filters.per_page, True
        ids = ids[:filters.per_page][::-1]
    elif filters.last:
        ids = db.session.scalars(ids_of.order_by(*REVERSED).limit(wanted)).all()
        has_before, has_after = len(ids) > filters.per_page, False
        ids = ids[:filters.per_page][::-1]
    else:
        filters.after = filters.before = None
        ids = db.session.scalars(ids_of.order_by(*QUEUE_ORDER).limit(wanted)
                                 .offset((filters.page - 1) * filters.per_page)).all()
        has_before, has_after = filters.page > 1, len(ids) > filters.per_page
        ids = ids[:filters.per_page]
    return _orders(ids), has_before, has_after


def _anchor(order_id):
    """(priority, created_at, id) of the cursor's order; None for an unknown one (the first page)."""
    row = db.session.execute(select(Order.priority, Order.created_at, Order.id).where(Order.id == order_id)).first()
    return tuple(row) if row else None


def _seek(ids_of, anchor, wanted, *, forward):
    """Up to `wanted` ids after (forward) or before the anchor, nearest first."""
    priority, created_at, order_id = anchor
    if forward:
        same = ids_of.where(Order.priority == priority,
                            tuple_(Order.created_at, Order.id) > tuple_(created_at, order_id))
        rest, order = ids_of.where(Order.priority < priority), QUEUE_ORDER
    else:
        same = ids_of.where(Order.priority == priority,
                            tuple_(Order.created_at, Order.id) < tuple_(created_at, order_id))
        rest, order = ids_of.where(Order.priority > priority), REVERSED
    ids = db.session.scalars(same.order_by(*order).limit(wanted)).all()
    if len(ids) < wanted:
        ids += db.session.scalars(rest.order_by(*order).limit(wanted - len(ids))).all()
    return ids


def _orders(ids):
    if not ids:
        return []
    found = {order.id: order for order in db.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines), selectinload(Order.channel)))}
    return [found[order_id] for order_id in ids if order_id in found]


def reason_counts(filters, matched=None):
    """{code: n} of held orders matching the other filters (the clickable chips)."""
    unfiltered_reason = QueueFilters(state=states.ON_HOLD, channel_id=filters.channel_id, q=filters.q,
                                     channel_codes=filters.channel_codes, tag=filters.tag)
    ids = _filtered(unfiltered_reason, matched, with_reason=False).with_only_columns(Order.id)
    rows = db.session.execute(select(OrderHoldCode.code, func.count()).where(
        OrderHoldCode.order_id.in_(ids)).group_by(OrderHoldCode.code).order_by(OrderHoldCode.code))
    return dict(rows.all())


def flag_counts(filters, matched=None):
    """{code: n} of flagged orders (not held, still changeable) matching the other filters."""
    ids = _filtered(QueueFilters(state=FLAGGED, channel_id=filters.channel_id, q=filters.q,
                                 channel_codes=filters.channel_codes, tag=filters.tag),
                    matched, with_reason=False).with_only_columns(Order.id)
    rows = db.session.execute(select(OrderFlagCode.code, func.count()).where(
        OrderFlagCode.order_id.in_(ids)).group_by(OrderFlagCode.code).order_by(OrderFlagCode.code))
    return dict(rows.all())


def state_counts():
    rows = db.session.execute(select(Order.status, func.count()).where(
        Order.status.in_(DESK_STATES)).group_by(Order.status))
    return dict(rows.all())


def waiting_counts(channel_id=None):
    """{"presale": n, "backorder": n}: orders waiting as presales, apart from those waiting for stock (in
    one store when given)."""
    store = [Order.channel_id == channel_id] if channel_id else []
    count = select(func.count()).select_from(Order)
    return {"presale": db.session.scalar(count.where(presale_waiting(), *store)),
            "backorder": db.session.scalar(count.where(Order.status == states.BACKORDER, *store))}


def _row(order, now):
    return {"id": order.id, "external_id": order.external_id, "version": order.version,
            "channel": order.channel.name if order.channel else "", "buyer_name": order.buyer_name,
            "buyer_phone": order.buyer_phone, "city": order.city or order.province,
            "item_count": order.item_count, "total_cents": order.total_cents, "currency": order.currency,
            "age_minutes": int((now - order.created_at).total_seconds() // 60) if order.created_at else 0,
            "status": order.status, "reasons": list(order.hold_reasons or []),
            "presale_until": order.presale_ship_from if _waits_as_presale(order) else None,
            "flags": list(order.flags or []) if order.status in states.EDITABLE else [],
            "tags": list(order.tags or [])}


def _waits_as_presale(order):
    return order.status == states.APPROVED and order.presale_held_at is not None and order.presale_released_at is None


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
