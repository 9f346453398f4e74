"""Builders for warehouses, bins and stock; each commits and returns the model."""
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, StockMovement, Warehouse


def make_warehouse(code="HZ1", name=None, region="浙江省", priority=100, **fields):
    warehouse = Warehouse(code=code, name=name or f"Warehouse {code}", region=region, priority=priority,
                          **fields)
    db.session.add(warehouse)
    db.session.commit()
    return warehouse


def make_bin(warehouse, code="A-01-01-1", barcode=None, aisle=0, block=0, position_m=1.0, side="L", level=1,
             **fields):
    row = Bin(warehouse_id=warehouse.id, code=code, barcode=barcode or f"{warehouse.code}-{code}",
              aisle=aisle, block=block, position_m=position_m, side=side, level=level, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def put_stock(bin_, sku, qty, reserved=0):
    """A stock row with `qty` on hand, booked through a 'receive' ledger row so the ledger agrees."""
    item = StockItem(bin_id=bin_.id, sku_id=sku.id, on_hand=qty, reserved=reserved)
    db.session.add(item)
    db.session.add(StockMovement(kind="receive", warehouse_id=bin_.warehouse_id, bin_id=bin_.id,
                                 sku_id=sku.id, qty=qty, reference="test"))
    db.session.commit()
    return item
