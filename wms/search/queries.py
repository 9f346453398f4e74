"""Finding any order, in any state, from the one search box: by order number, external id, tracking
number, buyer phone (full, or its last four digits) or the start of the buyer's name.

Each key (wms.search.keys) is its own statement on one index (orders.external_id, orders.id,
parcels.tracking_number, orders.buyer_phone, right(orders.buyer_phone, 4), orders.buyer_name), capped
at MAX_MATCHES ids; the ids are merged here and only one page of orders is loaded. An OR across
orders and parcels would defeat both tables' indexes (issue 17: 0.5-0.7 s at 1M orders).
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.contacts.phone import normalise_phone
from wms.search import keys as search_keys
from wms.search.models import phone_last4
from wms.shipping.models import Parcel

PER_PAGE = 50
MAX_MATCHES = 500   # a key matching more (four digits of a busy phone suffix) asks for a narrower text


@dataclass
class Found:
    text: str
    state: str
    rows: list        # [{"order", "tracking_numbers"}], newest first
    total: int
    page: int
    pages: int
    capped: bool      # more than MAX_MATCHES matched: only the newest are listed


def check_state(state):
    """`state` if it is an order state or "" (every state); else ValidationFailed."""
    state = state or ""
    if state and state not in states.ALL_STATES:
        raise ValidationFailed("Unknown order state", field="state")
    return state


def find_orders(text, state="", page=1, per_page=PER_PAGE, channel_id=None):
    """One page of the orders `text` names (in `state`, or any; of one store, or any), newest first. Reads only."""
    keys = search_keys.keys_for(text)
    if keys.problems:
        raise ValidationFailed.worded(keys.problems[0], n=search_keys.MAX_LENGTH, details={"field": "q"})
    state = check_state(state)
    ids = matching_ids(keys, state, channel_id=channel_id)
    total = len(ids)
    pages = max(1, -(-total // per_page))
    page = min(max(int(page or 1), 1), pages)
    shown = ids[(page - 1) * per_page: page * per_page]
    return Found(text=keys.text, state=state, rows=_rows(shown), total=total, page=page, pages=pages,
                 capped=total >= MAX_MATCHES)


def matching_ids(keys, state="", statuses=(), number_prefix=False, channel_id=None):
    """The ids of the orders any key matches, newest first, at most MAX_MATCHES: in `state`, else in
    one of `statuses`, else in any state. `number_prefix` also takes the order numbers that start with
    the text (the review desk's habit: "TW-"), a range of ix_orders_external_id like the others.
    `channel_id`: of that store only (a filter on the keys' few matches)."""
    if not keys.text:
        return []
    wanted = (state,) if state else tuple(statuses)
    found = set()
    for condition in _conditions(keys, number_prefix):
        statement = select(Order.id).where(condition)
        if wanted:
            statement = statement.where(Order.status.in_(wanted))
        if channel_id:
            statement = statement.where(Order.channel_id == channel_id)
        found.update(db.session.scalars(statement.order_by(Order.id.desc()).limit(MAX_MATCHES)))
    return sorted(found, reverse=True)[:MAX_MATCHES]


def _conditions(keys, number_prefix=False):
    conditions = [Order.external_id.in_(keys.numbers)]
    if number_prefix:
        conditions.append(Order.external_id.like(search_keys.like_prefix(keys.text), escape="\\"))
    parcel_orders = db.session.scalars(select(Parcel.order_id).where(
        Parcel.tracking_number.in_(keys.numbers)).limit(MAX_MATCHES)).all()
    if parcel_orders:
        conditions.append(Order.id.in_(parcel_orders))
    if keys.order_id is not None:
        conditions.append(Order.id == keys.order_id)
    if keys.phone:
        conditions.append(Order.buyer_phone.in_(phone_forms(keys.phone)))
    if keys.phone_last4:
        conditions.append(phone_last4(Order.buyer_phone) == keys.phone_last4)
    if keys.name_prefix:
        conditions.append(Order.buyer_name.like(search_keys.like_prefix(keys.name_prefix), escape="\\"))
    return conditions


def phone_forms(phone):
    """The ways a phone typed as `phone` (digits, maybe +) may be stored on orders: as typed, its
    digits, the national number (86 / 0086 dropped) and E.164 (what imports store)."""
    digits = phone.lstrip("+")
    national = digits[4:] if digits.startswith("0086") else digits[2:] if digits.startswith("86") and len(digits) == 13 \
        else digits
    return {phone, digits, national, normalise_phone(phone).e164 or ""} - {""}


def _rows(order_ids):
    if not order_ids:
        return []
    orders = db.session.scalars(select(Order).where(Order.id.in_(order_ids))
                                .options(selectinload(Order.channel)).order_by(Order.id.desc())).all()
    tracking = {}
    for order_id, number in db.session.execute(select(Parcel.order_id, Parcel.tracking_number).where(
            Parcel.order_id.in_(order_ids), Parcel.tracking_number.is_not(None)).order_by(Parcel.id)):
        tracking.setdefault(order_id, []).append(number)
    return [{"order": order, "tracking_numbers": tracking.get(order.id, [])} for order in orders]
