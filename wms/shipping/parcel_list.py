"""The supervisors' parcel list: every parcel in any state, filtered by state and by an order or
tracking number, paged. The number lookups are asked apart (find_parcels says why) and the page is one
statement with its orders loaded."""
from dataclasses import dataclass

from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.shipping.models import (PARCEL_LABELLED, PARCEL_MANIFESTED, PARCEL_SEALED, PARCEL_SHIPPED, PARCEL_VOIDED,
                                 PARCEL_WAYBILL_FAILED, Parcel)

PARCEL_STATES = (PARCEL_SEALED, PARCEL_WAYBILL_FAILED, PARCEL_LABELLED, PARCEL_MANIFESTED, PARCEL_SHIPPED,
                 PARCEL_VOIDED)
PER_PAGE = 50
MAX_QUERY = 64   # a tracking or order number is at most this long (their columns)
STORE_COUNT_CAP = 10_000   # one store's parcels are counted up to this (the pager stops there)


@dataclass
class ParcelPage:
    parcels: list
    total: int
    page: int
    pages: int


def parcel_page(query="", status="", page=1, per_page=PER_PAGE, channel_id=None):
    """One page of parcels, newest first; `status` one of PARCEL_STATES or "" (any); `channel_id`: of one
    store's orders (counted up to STORE_COUNT_CAP: a store's parcels over the years are many)."""
    status = status or ""
    if status and status not in PARCEL_STATES:
        raise ValidationFailed("Unknown parcel state", field="status")
    query = " ".join(str(query or "").split())
    if len(query) > MAX_QUERY:
        return ParcelPage(parcels=[], total=0, page=1, pages=1)
    conditions = []
    if query:
        by_tracking = select(Parcel.id).where(Parcel.tracking_number.in_({query, query.upper()}))
        by_order = select(Parcel.id).join(Order, Order.id == Parcel.order_id).where(
            Order.external_id.in_({query, query.upper()}))
        conditions.append(Parcel.id.in_(union(by_tracking, by_order)))
    if status:
        conditions.append(Parcel.status == status)
    if channel_id:
        conditions.append(Parcel.order_id.in_(select(Order.id).where(Order.channel_id == channel_id)))
        total = db.session.scalar(select(func.count()).select_from(
            select(Parcel.id).where(*conditions).order_by(Parcel.id.desc()).limit(STORE_COUNT_CAP).subquery()))
    else:
        total = db.session.scalar(select(func.count(Parcel.id)).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(int(page or 1), 1), pages)
    parcels = db.session.scalars(select(Parcel).where(*conditions).options(joinedload(Parcel.order))
                                 .order_by(Parcel.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return ParcelPage(parcels=parcels, total=total, page=page, pages=pages)


def find_parcels(query="", limit=100):
    """Parcels by order number or tracking number, else the latest ones (each with its order loaded).

    The two lookups are asked apart and their ids united: an OR across parcels and orders can use
    neither table's index (a scan of every parcel ever sealed), each lookup alone is one index probe
    (parcels.tracking_number, ix_orders_external_id)."""
    statement = select(Parcel).options(joinedload(Parcel.order)).order_by(Parcel.id.desc()).limit(limit)
    query = str(query or "").strip()
    if query:
        by_tracking = select(Parcel.id).where(Parcel.tracking_number == query)
        by_order = (select(Parcel.id).join(Order, Order.id == Parcel.order_id).where(Order.external_id == query))
        statement = statement.where(Parcel.id.in_(union(by_tracking, by_order)))
    return db.session.scalars(statement).all()
