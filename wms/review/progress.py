"""What the tables say about each order beyond its status: the facts wms.orders.next_steps reads
(units reserved and wanted, open pick lines, newest parcel, a held order's hold codes). The review
desk's order page and the wall's stuck list show the next steps from them; the stateful test holds
every order to having one.

Here, in review, because the order desk already reads stock, pick lines and parcels (floor_effects)
and sits above inventory, picking and shipping; the wall reads it from here.
"""
from sqlalchemy import func, select

from wms.catalog import kit_services
from wms.extensions import db
from wms.orders import next_steps, states
from wms.orders.models import Order, OrderLine


def order_facts(order_ids=None):
    """{order_id: next_steps.Facts} read from the tables (every order when order_ids is None)."""
    from wms.inventory.models import Reservation
    from wms.picking.models import LINE_OPEN, PickLine
    from wms.shipping.models import PARCEL_VOIDED, Parcel

    def scoped(query, column):
        return query if order_ids is None else query.where(column.in_(list(order_ids)))

    statuses = dict(db.session.execute(scoped(select(Order.id, Order.status), Order.id)).all())
    holds = {order_id: tuple(reason.get("code") for reason in reasons or [])
             for order_id, reasons in db.session.execute(scoped(select(Order.id, Order.hold_reasons), Order.id)
                                                         .where(Order.status == states.ON_HOLD))}
    wanted = _units_wanted(scoped(select(OrderLine.order_id, OrderLine.sku_id, func.sum(OrderLine.qty)),
                                  OrderLine.order_id).group_by(OrderLine.order_id, OrderLine.sku_id))
    reserved = dict(db.session.execute(scoped(select(Reservation.order_id, func.sum(Reservation.qty)),
                                              Reservation.order_id).group_by(Reservation.order_id)).all())
    open_lines = dict(db.session.execute(scoped(select(PickLine.order_id, func.count()), PickLine.order_id)
                                         .where(PickLine.status == LINE_OPEN).group_by(PickLine.order_id)).all())
    parcels = {}
    for order_id, status in db.session.execute(scoped(select(Parcel.order_id, Parcel.status), Parcel.order_id)
                                               .where(Parcel.status != PARCEL_VOIDED).order_by(Parcel.id)):
        parcels[order_id] = status  # the newest wins
    return {order_id: next_steps.Facts(status=status, reserved=int(reserved.get(order_id) or 0),
                                       wanted=int(wanted.get(order_id) or 0),
                                       open_pick_lines=int(open_lines.get(order_id) or 0),
                                       parcel=parcels.get(order_id), hold_codes=holds.get(order_id, ()))
            for order_id, status in statuses.items()}


def _units_wanted(query):
    """{order_id: units its lines ask the floor for}: a kit's line asks for its components' units
    (what allocation reserves: wms.catalog.kits)."""
    rows = db.session.execute(query).all()
    table = kit_services.kit_table({sku_id for _o, sku_id, _q in rows if sku_id is not None})
    per_kit = {kit: sum(qty for _c, qty in parts) for kit, parts in table.items()}
    wanted = {}
    for order_id, sku_id, qty in rows:
        wanted[order_id] = wanted.get(order_id, 0) + int(qty or 0) * per_kit.get(sku_id, 1)
    return wanted
