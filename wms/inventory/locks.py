"""The one locking order for stock, shared by every inventory service.

Saleor's rule: a transaction that changes stock first locks the order row(s) it works for (if any,
ascending id), then the StockItem rows it touches with SELECT ... FOR UPDATE in ascending
StockItem.id - the same order everywhere - so two transactions can never wait for each other in a
circle. SQLite has no row locks: `lock_for_write` takes the database write lock at the start
instead (what BEGIN IMMEDIATE does), which serialises writers; the CHECK constraints on stock_items
are the last line of defence on both databases.
"""
from sqlalchemy import select, text

from wms.extensions import db
from wms.inventory.models import StockItem
from wms.orders.models import Order
from wms.stock_marks import mark_skus

# A statement that changes no row still opens the write transaction on SQLite (pysqlite begins the
# transaction before any DML, and SQLite takes the RESERVED lock when the UPDATE starts).
_SQLITE_WRITE_LOCK = text("UPDATE allocation_settings SET id = id WHERE 1 = 0")


def lock_for_write():
    """SQLite: take the database write lock now, so the reads that follow cannot go stale."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(_SQLITE_WRITE_LOCK)


def lock_order(order_id):
    """The order row, locked and freshly read (None when it does not exist)."""
    return db.session.scalars(select(Order).where(Order.id == order_id).with_for_update()
                              .execution_options(populate_existing=True)).first()


def lock_order_rows(order_ids):
    """{id: (id, status, province)} for the ids that exist, locked in ascending id order (plain rows)."""
    if not order_ids:
        return {}
    rows = db.session.execute(select(Order.id, Order.status, Order.province)
                              .where(Order.id.in_(sorted(set(order_ids)))).order_by(Order.id).with_for_update()).all()
    return {row.id: row for row in rows}


def lock_stock_items(ids):
    """{id: StockItem} locked in ascending id order and freshly read; their SKUs get a stock mark
    (wms.stock_marks) in the same transaction, so a rollback takes it back."""
    if not ids:
        return {}
    rows = db.session.scalars(select(StockItem).where(StockItem.id.in_(sorted(ids))).order_by(StockItem.id)
                              .with_for_update().execution_options(populate_existing=True)).all()
    mark_skus({row.sku_id for row in rows})  # locked to be changed: the channels' stock sync is told (core mark)
    return {row.id: row for row in rows}
