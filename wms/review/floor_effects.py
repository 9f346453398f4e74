"""What a desk action does to the stock and the floor, so no order is left where nothing moves it.

A hold takes an order out of the flow wherever it is: its pick lines leave their tasks (the pickers
are told what to put back), a parcel sealed but not yet labelled is voided, and its reservation is
released. Approving it later sends it to allocation afresh like any approved order. A desk
cancellation (also of the orders a merge absorbs) gives the stock back the same way, and voids a
waybill requested before picking (void_early_waybill). Part of the caller's transaction (no commit).
"""
from sqlalchemy import select, update

from wms import realtime
from wms.extensions import db
from wms.orders import states

ON_THE_FLOOR = frozenset({states.WAVED, states.PICKING, states.PICKED, states.PACKED})


def take_out_of_the_flow(order, previous, reason, actor):
    """After `order` moved from `previous` to on_hold or cancelled: withdraw it from the floor, void an
    unlabelled parcel, release its stock. Returns what to put back ([{"sku", "qty", "bin"}])."""
    put_back = []
    if previous in ON_THE_FLOOR:
        put_back = _withdraw(order, previous)
    if previous == states.PACKED:
        _void_unlabelled_parcels(order.id)
    release_stock(order.id, reason, actor)
    return put_back


def void_early_waybill(order_id):
    """A cancelled order's waybill requested before picking (the 店小秘 flow) is voided with its carrier
    after commit; a hold keeps it (the order comes back)."""
    from wms.shipping.early_voids import void_for_order

    void_for_order(order_id)


def release_stock(order_id, reason, actor):
    """Give back whatever the order still has reserved (nothing happens when it has none)."""
    from wms.inventory.models import Reservation
    from wms.inventory.services import release_reservation  # inventory imports review (auto-split) lazily too

    if db.session.scalar(select(Reservation.id).where(Reservation.order_id == order_id).limit(1)) is None:
        return
    release_reservation(order_id, reason=reason, actor=actor, commit=False)


def _withdraw(order, previous):
    from wms.picking.lifecycle import withdraw_order

    put_back, pickers = withdraw_order(order.id)
    payload = {"order": order.external_id, "order_id": order.id, "was": previous, "action": "held",
               "lines": put_back, "message": f"Order {order.external_id} was put on hold" + (
                   ": " + "; ".join(f"put {line['qty']} x {line['sku']} back to bin {line['bin']}" for line in put_back)
                   if put_back else "")}
    for picker_id in sorted(pickers):
        realtime.publish("order.held", payload, realtime.room_for_user(picker_id))
    if previous in (states.PICKED, states.PACKED) or put_back:
        realtime.publish("order.held", payload, realtime.room_for_role("packer"))
    return put_back


def _void_unlabelled_parcels(order_id):
    from wms.shipping.models import PARCEL_SEALED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED, Parcel

    db.session.execute(update(Parcel).where(
        Parcel.order_id == order_id, Parcel.status.in_((PARCEL_SEALED, PARCEL_WAYBILL_FAILED)),
        Parcel.tracking_number.is_(None)).values(status=PARCEL_VOIDED).execution_options(synchronize_session=False))
