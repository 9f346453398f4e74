"""Tells shipping where a parcel ships from: the warehouse its order was allocated to (inventory).

Shipping and inventory sit side by side, so neither may ask the other; packing sits above both (it
seals the parcels whose labels print), so it answers shipping's question (wms.shipping.ship_from).
An order without an allocation (an order sealed before allocation existed, a test) ships from the
active warehouse that allocation tries first (lowest priority number), so a label is never without
its sender while any warehouse is set up.
"""
from sqlalchemy import select

from wms.extensions import db
from wms.inventory.models import OrderAllocation, Warehouse
from wms.shipping.ship_from import ShipFrom, ship_from_source


@ship_from_source
def warehouse_of_order(order_id):
    """The ShipFrom of the order's warehouse, or None when there is no warehouse at all."""
    warehouse = db.session.scalar(select(Warehouse).join(OrderAllocation, OrderAllocation.warehouse_id == Warehouse.id)
                                  .where(OrderAllocation.order_id == order_id))
    if warehouse is None:
        warehouse = db.session.scalar(select(Warehouse).where(Warehouse.active)
                                      .order_by(Warehouse.priority, Warehouse.id).limit(1))
    if warehouse is None:
        return None
    return ShipFrom(name=warehouse.sender_name or warehouse.name, phone=warehouse.phone, address=warehouse.address,
                    province=warehouse.region, timezone=warehouse.timezone, privacy=warehouse.privacy_labels)
