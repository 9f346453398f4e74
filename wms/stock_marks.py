"""Stock marks: "this SKU's availability may have moved", written in the transaction that moved it.

Inventory (layer 2) writes them; channels' stock sync (layer 5) reads and deletes them, so neither
imports the other: this core table sits below both. A mark is one appended row (no upsert, no
unique key): two transactions marking the same SKU never wait for each other, nothing is locked
that a stock transaction would not lock anyway, and a rollback takes its marks with it.

Where inventory marks (the two places stock rows change):
- `wms.inventory.locks.lock_stock_items`: every stock changer but allocation locks its rows there
  (receipt, return, adjustment, cycle count, count task, short pick, release, ship).
- `wms.inventory.allocating._allocate_group`: allocation's bulk reservation (its own lock query).

`take_marks(limit)` deletes the oldest marks and answers their SKU ids in one statement (DELETE ...
RETURNING), so a mark is handed out exactly once even with two readers; the reader's transaction
rolling back puts them back.
"""
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db


class StockMark(db.Model):
    """One SKU whose on hand or reserved quantity changed (duplicates allowed; read coalesced)."""

    __tablename__ = "stock_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a mark is the cheapest insert there is, and a mark of a deleted SKU is skipped.
    sku_id: Mapped[int]


def mark_skus(sku_ids, session=None):
    """Mark these SKUs changed, in the caller's transaction (one executemany; nothing for no ids)."""
    ids = sorted({int(sku_id) for sku_id in sku_ids if sku_id is not None})
    if ids:
        (session or db.session).execute(insert(StockMark), [{"sku_id": sku_id} for sku_id in ids])


def take_marks(limit=50_000, session=None):
    """Delete up to `limit` of the oldest marks; the distinct SKU ids they named (a set)."""
    session = session or db.session
    oldest = select(StockMark.id).order_by(StockMark.id).limit(limit).scalar_subquery()
    rows = session.execute(delete(StockMark).where(StockMark.id.in_(oldest)).returning(StockMark.sku_id))
    return {row[0] for row in rows}


def pending_marks(session=None):
    """How many marks wait (the stock sync page's backlog figure)."""
    return (session or db.session).scalar(select(func.count(StockMark.id))) or 0
