"""Loaders shared by the shipping services: a row by id or code (NotFound when missing), and an
order's parcels that are still in play."""
from sqlalchemy import select

from wms.errors import NotFound
from wms.extensions import db
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.shipping.models import PARCEL_LABELLED, PARCEL_SEALED, PARCEL_WAYBILL_FAILED, Carrier, Parcel

ACTIVE_PARCEL = (PARCEL_SEALED, PARCEL_LABELLED, PARCEL_WAYBILL_FAILED)


def get_order(order_id):
    """The order, or NotFound."""
    return get_or_not_found(Order, order_id, f"order {order_id} not found")


def get_parcel(parcel_id):
    """The parcel, or NotFound."""
    return get_or_not_found(Parcel, parcel_id, f"parcel {parcel_id} not found")


def get_carrier(code):
    """The carrier with this code, or NotFound."""
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == code))
    if carrier is None:
        raise NotFound.worded("carrier {carrier} not found", carrier=code)
    return carrier


def active_parcels(order_id):
    """The order's parcels that are sealed, labelled or waiting for a waybill retry (not voided)."""
    return db.session.scalars(select(Parcel).where(Parcel.order_id == order_id, Parcel.status.in_(ACTIVE_PARCEL))).all()
