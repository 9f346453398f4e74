"""What one allocation group reads, holds and writes (wms.inventory.allocating runs the groups).

Its own module because it is the run's machinery, not its decisions: the group's lines with kits
expanded (FloorLines), its candidate stock locked and then consumed in memory order by order
(lock_candidate_stock, StockPool), the warehouses ranked per destination region once (Ranker), and
everything decided written at the end with one statement per table (Writes).
"""
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import bindparam, delete, insert, select, text, update

from wms.catalog import kit_services, kits
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory import allocation_rules
from wms.inventory.models import (
    Bin, OrderAllocation, Reservation, StockItem, Warehouse, WarehouseDistance, awaiting_count)
from wms.orders.models import OrderLine, bulk_transition
from wms.timeutil import utcnow
from wms.wording import english


def lines_of(order_ids):
    """{order_id: [line rows in id order]} as plain rows (no ORM objects, no lazy loads)."""
    rows = db.session.execute(select(OrderLine.id, OrderLine.order_id, OrderLine.sku_id, OrderLine.sku_code,
                                     OrderLine.qty)
                              .where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.id)).all()
    lines = defaultdict(list)
    for row in rows:
        lines[row.order_id].append(row)
    return lines


class FloorLines:
    """The group's lines as the floor handles them: kit lines expanded into their components
    (wms.catalog.kits), read with one statement for the group's kits and one for their codes."""

    def __init__(self, lines):
        self.lines = lines
        sku_ids = {line.sku_id for rows in lines.values() for line in rows if line.sku_id}
        self.table = kit_services.kit_table(sku_ids) if sku_ids else {}
        self.codes = {line.sku_id: line.sku_code for rows in lines.values() for line in rows}
        components = {c for parts in self.table.values() for c, _q in parts}
        if components:
            self.codes.update(db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(sorted(components)))).all())
        self.sku_ids = (sku_ids - set(self.table)) | components

    def parts(self, order_id):
        rows = [allocation_rules.Line(line.id, line.sku_id, line.qty) for line in self.lines.get(order_id, [])]
        if not self.table:
            return rows
        return [allocation_rules.Line(part.line_id, part.sku_id, part.qty) for part in kits.expand(rows, self.table)]

    def has_kit(self, order_id):
        return any(line.sku_id in self.table for line in self.lines.get(order_id, []))


def lock_candidate_stock(sku_ids):
    """Every stock row with something available for these SKUs, locked in ascending id order (not a
    bin found short that waits for its count: wms.inventory.counts)."""
    if not sku_ids:
        return []
    rows = db.session.execute(
        select(StockItem.id, Bin.warehouse_id, StockItem.sku_id, StockItem.on_hand, StockItem.reserved,
               Bin.level, StockItem.first_received_at)
        .join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
        .where(StockItem.sku_id.in_(sorted(sku_ids)), StockItem.on_hand > StockItem.reserved,
               Bin.active, Warehouse.active, ~awaiting_count())
        .order_by(StockItem.id).with_for_update(of=StockItem)).all()
    return [allocation_rules.BinStock(row.id, row.warehouse_id, row.sku_id, row.on_hand - row.reserved, row.level,
                                row.first_received_at.timestamp()) for row in rows]


class StockPool:
    """The locked candidate stock of a group, with what earlier orders of the group already took."""

    def __init__(self, stock):
        self.rows = {row.stock_item_id: row for row in stock}
        self.by_sku = defaultdict(list)
        for row in stock:
            self.by_sku[row.sku_id].append(row.stock_item_id)

    def candidates(self, sku_ids):
        known = sorted(sku_id for sku_id in sku_ids if sku_id is not None)
        return [self.rows[i] for sku_id in known for i in self.by_sku.get(sku_id, ())]

    def take(self, picks):
        for pick in picks:
            row = self.rows[pick.stock_item_id]
            self.rows[pick.stock_item_id] = replace(row, available=row.available - pick.qty)


class Ranker:
    """Active warehouses and their ranking per destination region, read once per group."""

    def __init__(self, rule, regions):
        warehouses = db.session.execute(select(Warehouse.id, Warehouse.code, Warehouse.region, Warehouse.priority)
                                        .where(Warehouse.active)).all()
        self.rule, self.codes, self._cache = rule, {w.id: w.code for w in warehouses}, {}
        self.infos = [allocation_rules.WarehouseInfo(w.id, w.region, w.priority) for w in warehouses]
        rows = db.session.execute(select(WarehouseDistance.warehouse_id, WarehouseDistance.region,
                                         WarehouseDistance.km)
                                  .where(WarehouseDistance.region.in_(sorted(regions)))).all()
        self.distances = {(row.warehouse_id, row.region): row.km for row in rows}

    def ranking(self, region):
        if region not in self._cache:
            self._cache[region] = allocation_rules.rank_warehouses(self.infos, region, self.rule, self.distances)
        return self._cache[region]


class Writes:
    """The group's reservations, stock, warehouse and order rows, written with one statement per table
    (order statuses: one bulk_transition per (from, to, reason))."""

    def __init__(self):
        self.reservations, self.picked, self.warehouses = [], defaultdict(int), {}  # picked: {stock id: qty}
        self.moves = {}  # (from, to, reason's English) -> (reason, order ids)

    def move(self, order_id, before, after, reason):
        self.moves.setdefault((before, after, english(reason)), (reason, []))[1].append(order_id)

    def reserve(self, order_id, plan):
        now = utcnow()
        for pick in plan.picks:
            self.reservations.append({"order_id": order_id, "order_line_id": pick.line_id,
                                      "stock_item_id": pick.stock_item_id, "qty": pick.qty, "created_at": now})
            self.picked[pick.stock_item_id] += pick.qty
        self.warehouses[order_id] = plan.warehouse_id

    def flush(self):
        """Write everything the group decided (its rows are already locked)."""
        for (before, after, _english), (reason, order_ids) in self.moves.items():
            bulk_transition(db.session, order_ids, before, after, reason=reason)
        if not self.warehouses:
            return
        now = utcnow()
        _add_to_reserved(sorted(self.picked.items()), now)
        db.session.execute(insert(Reservation.__table__), self.reservations)
        allocations = OrderAllocation.__table__
        db.session.execute(delete(allocations).where(allocations.c.order_id.in_(sorted(self.warehouses))))
        db.session.execute(insert(allocations), [{"order_id": o, "warehouse_id": w, "allocated_at": now}
                                                 for o, w in self.warehouses.items()])


def _add_to_reserved(picked, now):
    """reserved += qty for [(stock_item_id, qty)]: on PostgreSQL one statement over two arrays, on
    SQLite an executemany (in process, no round trips). Both compile once, whatever the row count."""
    ids, qtys = [i for i, _ in picked], [q for _, q in picked]
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_ADD_TO_RESERVED_PG, {"ids": ids, "qtys": qtys, "now": now})
        return
    stock = StockItem.__table__
    db.session.execute(update(stock).where(stock.c.id == bindparam("item_id"))
                       .values(reserved=stock.c.reserved + bindparam("qty"), updated_at=now),
                       [{"item_id": i, "qty": q} for i, q in picked])


_ADD_TO_RESERVED_PG = text(
    "UPDATE stock_items SET reserved = stock_items.reserved + picked.qty, updated_at = :now"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:qtys AS integer[])) AS picked(id, qty)"
    " WHERE stock_items.id = picked.id")
