"""Stock use cases: allocate, release, receive, adjust, count, verify. Each owns its transaction.

Locking (Saleor's rule): every transaction that changes stock first locks the order row it works
for (if any), then the StockItem rows it touches with SELECT ... FOR UPDATE in ascending
StockItem.id - the same order everywhere - so two transactions can never wait for each other in a
circle. SQLite has no row locks: `_lock_for_write` takes the database write lock at the start
instead (what BEGIN IMMEDIATE does), which serialises writers; the CHECK constraints on stock_items
are the last line of defence on both databases.
"""
from sqlalchemy import exists, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from wms import aftercommit, realtime
from wms.catalog.models import Sku
from wms.errors import DomainError, InsufficientStock, NotFound, ValidationFailed
from wms.extensions import db
from wms.inventory import allocation
from wms.inventory.models import (
    ADJUST, COUNT, MOVEMENT_KINDS, RECEIVE, SHIP, AllocationSettings, Bin, OrderAllocation,
    Reservation, StockItem, StockMovement, Warehouse, WarehouseDistance)
from wms.orders import states
from wms.orders.models import Order, OrderLine

MAX_QTY = 1_000_000


# --- allocation -------------------------------------------------------------------------------

def allocate_orders(order_ids):
    """Reserve stock for each order in its own transaction; approved/backorder orders only (a job).

    Transitions: approved -> allocated | backorder; backorder -> allocated.
    Returns {"allocated": [...], "backorder": [...], "skipped": [...], "failed": [...], "splittable": [...]}.
    """
    summary = {"allocated": [], "backorder": [], "skipped": [], "failed": [], "splittable": []}
    settings = get_allocation_settings()
    rule, allow_split = settings.rule, settings.allow_split
    db.session.commit()
    for order_id in _in_priority_order(order_ids):
        try:
            outcome, split = _allocate_one(order_id, rule, allow_split)
        except (DomainError, SQLAlchemyError) as error:
            db.session.rollback()
            summary["failed"].append({"order_id": order_id, "error": str(error)[:500]})
            continue
        summary[outcome].append(order_id)
        if split:
            summary["splittable"].append(order_id)
    return summary


def _in_priority_order(order_ids):
    ids = [int(i) for i in order_ids]
    rows = db.session.execute(select(Order.id).where(Order.id.in_(ids))
                              .order_by(Order.priority.desc(), Order.created_at, Order.id)).scalars().all()
    return list(rows) + [i for i in dict.fromkeys(ids) if i not in set(rows)]


def _allocate_one(order_id, rule, allow_split):
    _lock_for_write()
    order = _lock_order(order_id)
    if order is None or order.status not in (states.APPROVED, states.BACKORDER):
        db.session.rollback()
        return "skipped", False
    lines = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)
                               .order_by(OrderLine.id).execution_options(populate_existing=True)).all()
    items = _lock_candidate_stock({line.sku_id for line in lines if line.sku_id})
    warehouses = db.session.scalars(select(Warehouse).where(Warehouse.active)).all()
    ranking = allocation.rank_warehouses(
        [allocation.WarehouseInfo(w.id, w.region, w.priority) for w in warehouses],
        order.province, rule, _distances(order.province))
    stock = [allocation.BinStock(item.id, item.bin.warehouse_id, item.sku_id, item.available,
                                 item.bin.level, item.first_received_at.timestamp()) for item in items]
    decision = allocation.allocate([allocation.Line(l.id, l.sku_id, l.qty) for l in lines], stock,
                                   ranking, allow_split)
    if decision.complete:
        _reserve(order, decision.plan, {item.id: item for item in items})
        outcome = "allocated"
    else:
        _backorder(order, decision, lines, {w.id: w.code for w in warehouses})
        outcome = "backorder"
    aftercommit.commit()
    return outcome, bool(decision.split)


def _lock_for_write():
    """SQLite: take the database write lock now, so the reads that follow cannot go stale."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE allocation_settings SET id = id WHERE 1 = 0"))


def _lock_order(order_id):
    return db.session.scalars(select(Order).where(Order.id == order_id).with_for_update()
                              .execution_options(populate_existing=True)).first()


def _lock_candidate_stock(sku_ids):
    """Every stock row with something available for these SKUs, locked in ascending id order."""
    if not sku_ids:
        return []
    return db.session.scalars(
        select(StockItem).join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
        .where(StockItem.sku_id.in_(sorted(sku_ids)), StockItem.on_hand > StockItem.reserved,
               Bin.active, Warehouse.active)
        .order_by(StockItem.id).with_for_update(of=StockItem)
        .execution_options(populate_existing=True)).all()


def _lock_stock_items(ids):
    if not ids:
        return {}
    rows = db.session.scalars(select(StockItem).where(StockItem.id.in_(sorted(ids))).order_by(StockItem.id)
                              .with_for_update().execution_options(populate_existing=True)).all()
    return {row.id: row for row in rows}


def _distances(region):
    rows = db.session.scalars(select(WarehouseDistance).where(WarehouseDistance.region == region)).all()
    return {(row.warehouse_id, row.region): row.km for row in rows}


def _reserve(order, plan, items):
    for pick in plan.picks:
        items[pick.stock_item_id].reserved += pick.qty
        db.session.add(Reservation(order_id=order.id, order_line_id=pick.line_id,
                                   stock_item_id=pick.stock_item_id, qty=pick.qty))
    existing = db.session.scalar(select(OrderAllocation).where(OrderAllocation.order_id == order.id))
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    warehouse = db.session.get(Warehouse, plan.warehouse_id)
    db.session.add(OrderAllocation(order_id=order.id, warehouse_id=warehouse.id))
    _transition(order, states.ALLOCATED, f"stock reserved in {warehouse.code}")


def _backorder(order, decision, lines, codes):
    reason = shortage_text(decision, {line.sku_id: line.sku_code for line in lines}, codes)
    if order.status == states.APPROVED:
        _transition(order, states.BACKORDER, reason)


def shortage_text(decision, sku_codes, warehouse_codes):
    """One line for the audit trail naming every shortage (and the split plan if there is one)."""
    where = warehouse_codes.get(decision.short_warehouse_id, "any warehouse")
    parts = [f"{sku_codes.get(s.sku_id) or 'unmatched SKU'} need {s.needed}, available {s.available}"
             for s in decision.shortages]
    text_ = f"short in {where}: " + "; ".join(parts)
    if decision.split:
        text_ += " | can ship split: " + ", ".join(
            f"{warehouse_codes.get(p.warehouse_id)} ({sum(x.qty for x in p.picks)} pcs)" for p in decision.split)
    return text_


def _transition(order, new, reason, actor=None):
    old = order.status
    order.transition_to(new, reason=reason, actor=actor)
    realtime.publish("order.state_changed", {"order_id": order.id, "from": old, "to": new},
                     realtime.room_for_role("supervisor"))


def release_reservation(order_id, reason="", actor=None, commit=True):
    """Give back every unit reserved for the order (on cancel or hold). Idempotent; returns the qty.

    Call it after `order.transition_to(...)` in the same transaction; it commits unless commit=False.
    """
    db.session.flush()
    _lock_for_write()
    order = db.session.scalars(select(Order).where(Order.id == order_id).with_for_update()).first()
    reservations = db.session.scalars(select(Reservation).where(Reservation.order_id == order_id)
                                      .order_by(Reservation.id).execution_options(populate_existing=True)).all()
    items = _lock_stock_items({r.stock_item_id for r in reservations})
    released = 0
    for reservation in reservations:
        items[reservation.stock_item_id].reserved -= reservation.qty
        released += reservation.qty
        db.session.delete(reservation)
    allocated = db.session.scalar(select(OrderAllocation).where(OrderAllocation.order_id == order_id))
    if allocated is not None:
        db.session.delete(allocated)
    if order is not None and released:
        order.note(f"stock released ({released} pcs): {reason}".strip(), actor=actor, kind="stock")
    if commit:
        aftercommit.commit()
    return released


def consume_reservation(order_id, actor=None, reference=None, commit=True):
    """Deduct the order's reserved stock when it ships (ledger 'ship' rows). Idempotent; returns the qty."""
    db.session.flush()
    _lock_for_write()
    _lock_order(order_id)
    reservations = db.session.scalars(select(Reservation).where(Reservation.order_id == order_id)
                                      .order_by(Reservation.id)).all()
    items = _lock_stock_items({r.stock_item_id for r in reservations})
    shipped = 0
    for reservation in reservations:
        item = items[reservation.stock_item_id]
        item.reserved -= reservation.qty
        item.on_hand -= reservation.qty
        _record(SHIP, item, -reservation.qty, reference or f"order:{order_id}", actor)
        shipped += reservation.qty
        db.session.delete(reservation)
    if commit:
        aftercommit.commit()
    return shipped


def reservations_for(order_id):
    """[(order_line_id, bin, sku_id, qty)] reserved for an order: the bins picking visits."""
    rows = db.session.execute(
        select(Reservation.order_line_id, Bin, StockItem.sku_id, Reservation.qty)
        .join(StockItem, StockItem.id == Reservation.stock_item_id).join(Bin, Bin.id == StockItem.bin_id)
        .where(Reservation.order_id == order_id).order_by(Reservation.id)).all()
    return [tuple(row) for row in rows]


def warehouse_of(order_id):
    """The id of the warehouse an order is allocated to, or None."""
    return db.session.scalar(select(OrderAllocation.warehouse_id).where(OrderAllocation.order_id == order_id))


# --- stock changes ---------------------------------------------------------------------------

def receive_stock(warehouse_id, lines, reference="", actor=None, kind=RECEIVE):
    """Book goods into bins [(sku_id, bin_id, qty)], then release backorders the stock now covers."""
    if kind not in MOVEMENT_KINDS or kind in (ADJUST, COUNT, SHIP):
        raise ValidationFailed("Unknown receipt kind", field="kind")
    wanted = _check_receipt(warehouse_id, lines)
    _lock_for_write()
    items = _stock_rows_for(wanted.keys())
    for (bin_id, sku_id), qty in wanted.items():
        item = items[(bin_id, sku_id)]
        item.on_hand += qty
        _record(kind, item, qty, reference, actor)
    aftercommit.commit()
    released = retry_backorders({sku_id for _, sku_id in wanted})
    return {"lines": len(wanted), "qty": sum(wanted.values()), "released": released["allocated"]}


def _check_receipt(warehouse_id, lines):
    if db.session.get(Warehouse, warehouse_id) is None:
        raise NotFound("No such warehouse")
    errors, wanted = [], {}
    bins = {b.id for b in db.session.scalars(select(Bin).where(Bin.warehouse_id == warehouse_id))}
    sku_ids = set(db.session.scalars(select(Sku.id)))
    for number, (sku_id, bin_id, qty) in enumerate(lines, start=1):
        if sku_id not in sku_ids:
            errors.append({"line": number, "field": "sku", "message": "unknown SKU"})
        if bin_id not in bins:
            errors.append({"line": number, "field": "bin", "message": "not a bin of this warehouse"})
        if not isinstance(qty, int) or isinstance(qty, bool) or not 0 < qty <= MAX_QTY:
            errors.append({"line": number, "field": "qty", "message": f"must be a whole number 1-{MAX_QTY}"})
        elif sku_id in sku_ids and bin_id in bins:
            wanted[(bin_id, sku_id)] = wanted.get((bin_id, sku_id), 0) + qty
    if errors or not wanted:
        raise ValidationFailed("The receipt has errors; nothing was booked", errors=errors or
                               [{"line": 0, "field": "lines", "message": "no lines"}])
    return wanted


def _stock_rows_for(keys):
    """StockItem rows for (bin_id, sku_id) keys, created when missing, locked in ascending id order."""
    keys = sorted(set(keys))
    existing = {(s.bin_id, s.sku_id) for s in db.session.scalars(
        select(StockItem).where(StockItem.bin_id.in_({k[0] for k in keys})))}
    missing = [{"bin_id": b, "sku_id": s, "on_hand": 0, "reserved": 0} for b, s in keys if (b, s) not in existing]
    if missing:
        _insert_ignoring_duplicates(missing)
    ids = db.session.scalars(select(StockItem.id).where(
        StockItem.bin_id.in_({k[0] for k in keys}), StockItem.sku_id.in_({k[1] for k in keys}))).all()
    rows = _lock_stock_items(ids)
    return {(row.bin_id, row.sku_id): row for row in rows.values()}


def _insert_ignoring_duplicates(values):
    from wms.timeutil import utcnow

    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    rows = [{**v, "first_received_at": now, "updated_at": now} for v in values]
    db.session.execute(insert(StockItem).values(rows).on_conflict_do_nothing(index_elements=["bin_id", "sku_id"]))


def _record(kind, item, qty, reference="", actor=None, reason=""):
    db.session.add(StockMovement(
        kind=kind, warehouse_id=item.bin.warehouse_id, bin_id=item.bin_id, sku_id=item.sku_id, qty=qty,
        reason=reason or "", reference=(reference or "")[:80], actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system")))


def retry_backorders(sku_ids=None):
    """Try again every backorder (highest priority, then oldest first) that wants one of these SKUs."""
    query = select(Order.id).where(Order.status == states.BACKORDER)
    if sku_ids is not None:
        query = query.where(exists().where(OrderLine.order_id == Order.id, OrderLine.sku_id.in_(sku_ids)))
    ids = db.session.scalars(query.order_by(Order.priority.desc(), Order.created_at, Order.id)).all()
    return allocate_orders(ids)


def adjust_stock(bin_id, sku_id, delta, reason, actor=None):
    """Correct on_hand by `delta` with a reason; never below what is reserved."""
    if not (reason or "").strip():
        raise ValidationFailed("Give a reason for the adjustment", field="reason")
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > MAX_QTY:
        raise ValidationFailed("The change must be a non-zero whole number", field="qty")
    _check_bin_and_skus(bin_id, [sku_id])
    _lock_for_write()
    item = _stock_rows_for([(bin_id, sku_id)])[(bin_id, sku_id)]
    if item.on_hand + delta < item.reserved:
        db.session.rollback()
        raise InsufficientStock("Cannot remove more than is available: the rest is reserved for orders",
                                on_hand=item.on_hand, reserved=item.reserved)
    item.on_hand += delta
    _record(ADJUST, item, delta, reason=reason.strip(), actor=actor)
    aftercommit.commit()
    if delta > 0:
        retry_backorders({sku_id})
    return item


def count_bin(bin_id, counts, actor=None, reason="cycle count"):
    """Cycle count: each counted qty becomes on_hand through a 'count' movement of the difference.

    A count below what is reserved is refused for the whole bin (nothing changes), naming every such
    SKU and the orders holding it: release or hold those orders first, then count again. Refusing keeps
    orders that are already being picked from silently losing their stock.
    """
    counts = dict(counts)
    for sku_id, qty in counts.items():
        if not isinstance(qty, int) or isinstance(qty, bool) or not 0 <= qty <= MAX_QTY:
            raise ValidationFailed("A count must be a whole number of 0 or more", field="qty", sku_id=sku_id)
    if not counts:
        raise ValidationFailed("Nothing was counted", field="counts")
    _check_bin_and_skus(bin_id, counts)
    _lock_for_write()
    items = _stock_rows_for([(bin_id, sku_id) for sku_id in counts])
    below = [{"sku_id": sku_id, "counted": qty, "reserved": items[(bin_id, sku_id)].reserved,
              "orders": _orders_holding(items[(bin_id, sku_id)].id)}
             for sku_id, qty in sorted(counts.items()) if qty < items[(bin_id, sku_id)].reserved]
    if below:
        db.session.rollback()
        raise InsufficientStock("Counted less than is reserved for orders; release those orders first",
                                shortages=below)
    for sku_id, qty in sorted(counts.items()):
        item = items[(bin_id, sku_id)]
        diff = qty - item.on_hand
        item.on_hand = qty
        _record(COUNT, item, diff, reason=reason, actor=actor)
    aftercommit.commit()
    retry_backorders(set(counts))
    return {sku_id: items[(bin_id, sku_id)].on_hand for sku_id in counts}


def _check_bin_and_skus(bin_id, sku_ids):
    if db.session.get(Bin, bin_id) is None:
        raise NotFound("No such bin")
    known = set(db.session.scalars(select(Sku.id).where(Sku.id.in_(list(sku_ids)))))
    unknown = [s for s in sku_ids if s not in known]
    if unknown:
        raise ValidationFailed("Unknown SKU", field="sku", sku_ids=unknown)


def _orders_holding(stock_item_id):
    return sorted(set(db.session.scalars(select(Reservation.order_id)
                                         .where(Reservation.stock_item_id == stock_item_id))))


# --- reading and verifying -------------------------------------------------------------------

def recompute_on_hand():
    """Compare every stock row's on_hand with its ledger sum; returns the mismatches ([] = consistent)."""
    ledger = dict(((b, s), total) for b, s, total in db.session.execute(
        select(StockMovement.bin_id, StockMovement.sku_id, func.sum(StockMovement.qty))
        .group_by(StockMovement.bin_id, StockMovement.sku_id)).all())
    mismatches = []
    for item in db.session.scalars(select(StockItem).order_by(StockItem.id)):
        booked = ledger.pop((item.bin_id, item.sku_id), 0)
        if booked != item.on_hand:
            mismatches.append({"bin_id": item.bin_id, "sku_id": item.sku_id, "on_hand": item.on_hand,
                               "ledger": booked})
    mismatches += [{"bin_id": b, "sku_id": s, "on_hand": None, "ledger": total}
                   for (b, s), total in ledger.items() if total]
    return mismatches


def available(sku_id):
    """On hand, reserved and available of one SKU in total and per warehouse."""
    rows = db.session.execute(
        select(Warehouse.id, Warehouse.code, func.sum(StockItem.on_hand), func.sum(StockItem.reserved))
        .join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
        .where(StockItem.sku_id == sku_id).group_by(Warehouse.id, Warehouse.code).order_by(Warehouse.code)).all()
    per = [{"warehouse_id": wid, "warehouse": code, "on_hand": int(oh or 0), "reserved": int(res or 0),
            "available": int((oh or 0) - (res or 0))} for wid, code, oh, res in rows]
    totals = {k: sum(p[k] for p in per) for k in ("on_hand", "reserved", "available")}
    return {"sku_id": sku_id, **totals, "warehouses": per}


def get_allocation_settings():
    """The one settings row (created with defaults on first use)."""
    settings = db.session.scalar(select(AllocationSettings).order_by(AllocationSettings.id))
    if settings is None:
        settings = AllocationSettings(rule=allocation.RULE_DISTANCE, allow_split=False)
        db.session.add(settings)
        db.session.commit()
    return settings


def set_allocation_settings(rule, allow_split):
    """Choose the warehouse rule (distance | priority) and whether orders may be split."""
    if rule not in allocation.RULES:
        raise ValidationFailed("Unknown rule", field="rule")
    settings = get_allocation_settings()
    settings.rule, settings.allow_split = rule, bool(allow_split)
    aftercommit.commit()
    return settings


# --- warehouses and layout -------------------------------------------------------------------

WAREHOUSE_FIELDS = {"code": str, "name": str, "timezone": str, "address": str, "region": str,
                    "priority": int, "active": bool, "n_aisles": int, "n_blocks": int,
                    "aisle_length_m": float, "aisle_spacing_m": float, "cross_aisle_width_m": float,
                    "bay_length_m": float, "depot_aisle": int}


def list_warehouses(active_only=False):
    """Warehouses by code."""
    query = select(Warehouse).order_by(Warehouse.code)
    if active_only:
        query = query.where(Warehouse.active)
    return db.session.scalars(query).all()


def get_warehouse(warehouse_id):
    """One warehouse or NotFound."""
    warehouse = db.session.get(Warehouse, warehouse_id)
    if warehouse is None:
        raise NotFound("No such warehouse")
    return warehouse


def save_warehouse(warehouse_id=None, **fields):
    """Create (no id) or update a warehouse after checking every field; a bad value changes nothing."""
    warehouse = get_warehouse(warehouse_id) if warehouse_id else None
    values = _clean_warehouse_fields(fields, creating=warehouse is None)
    merged = {name: getattr(warehouse, name, None) for name in WAREHOUSE_FIELDS}
    merged.update(values)
    _check_layout_fits({name: value for name, value in merged.items() if value is not None})
    clash = db.session.scalar(select(Warehouse.id).where(Warehouse.code == merged["code"]))
    if clash is not None and clash != warehouse_id:
        raise ValidationFailed("A warehouse with this code exists", field="code")
    warehouse = warehouse or Warehouse()
    for name, value in values.items():
        setattr(warehouse, name, value)
    db.session.add(warehouse)
    aftercommit.commit()
    return warehouse


def _clean_warehouse_fields(fields, creating):
    from zoneinfo import ZoneInfo

    values = {}
    for name, value in fields.items():
        kind = WAREHOUSE_FIELDS.get(name)
        if kind is None:
            raise ValidationFailed("Unknown field", field=name)
        try:
            values[name] = kind(value.strip() if isinstance(value, str) and kind is not bool else value)
        except (TypeError, ValueError):
            raise ValidationFailed("Not a valid value", field=name) from None
    if creating and not (values.get("code") and values.get("name")):
        raise ValidationFailed("Code and name are required", field="code")
    if "code" in values and not (values["code"] and len(values["code"]) <= 20):
        raise ValidationFailed("Code: 1-20 characters", field="code")
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except Exception:
            raise ValidationFailed("Unknown time zone", field="timezone") from None
    return values


def _check_layout_fits(values):
    """Layout values in range; missing ones take the column defaults."""
    v = {"n_aisles": 12, "n_blocks": 1, "aisle_length_m": 30.0, "bay_length_m": 2.0, "aisle_spacing_m": 3.0,
         "cross_aisle_width_m": 3.0, "depot_aisle": 0, **values}
    checks = (("n_aisles", 1 <= v["n_aisles"] <= 200), ("n_blocks", v["n_blocks"] in (1, 2, 3)),
              ("aisle_length_m", 0 < v["aisle_length_m"] <= 1000),
              ("bay_length_m", 0 < v["bay_length_m"] <= v["aisle_length_m"] / v["n_blocks"]),
              ("aisle_spacing_m", 0 < v["aisle_spacing_m"] <= 50),
              ("cross_aisle_width_m", 0 < v["cross_aisle_width_m"] <= 50),
              ("depot_aisle", 0 <= v["depot_aisle"] < v["n_aisles"]))
    for field, ok in checks:
        if not ok:
            raise ValidationFailed("This layout value is out of range", field=field)


def set_distance(warehouse_id, region, km):
    """Set the km from a warehouse to a region (province) for the 'distance' rule."""
    get_warehouse(warehouse_id)
    if not (region or "").strip() or not isinstance(km, int) or km < 0:
        raise ValidationFailed("Give a region and a distance of 0 km or more", field="km")
    row = db.session.scalar(select(WarehouseDistance).filter_by(warehouse_id=warehouse_id, region=region.strip()))
    row = row or WarehouseDistance(warehouse_id=warehouse_id, region=region.strip())
    row.km = km
    db.session.add(row)
    aftercommit.commit()
    return row


def import_layout(warehouse_id, csv_text):
    """Create or update bins from a layout CSV; any bad row -> ValidationFailed listing all, nothing saved."""
    from wms.inventory.layout_import import RowError, parse_layout

    warehouse = get_warehouse(warehouse_id)
    specs, errors = parse_layout(csv_text, warehouse.n_aisles, warehouse.block_lengths)
    if not errors:
        owners = dict(db.session.execute(select(Bin.barcode, Bin.code).where(
            Bin.barcode.in_([s.barcode for s in specs]), Bin.warehouse_id != warehouse_id)).all())
        errors = [RowError(n, "barcode", "already used by another warehouse's bin")
                  for n, s in enumerate(specs, start=2) if s.barcode in owners]
    if errors:
        raise ValidationFailed("The layout has errors; nothing was imported",
                               errors=[e.__dict__ for e in errors])
    return _save_bins(warehouse, specs)


def generate_demo_layout(warehouse_id, levels=3, slots=1, zone="A"):
    """Fill a warehouse with bins on its aisles and blocks (the demo layout)."""
    from wms.inventory.demo_layout import generate

    warehouse = get_warehouse(warehouse_id)
    specs = generate(warehouse.code, warehouse.n_aisles, warehouse.n_blocks, warehouse.aisle_length_m,
                     warehouse.bay_length_m, levels, slots, zone)
    return _save_bins(warehouse, specs)


def _save_bins(warehouse, specs):
    from wms.inventory.models import Zone

    zones = {z.code: z for z in warehouse.zones}
    bins = {b.code: b for b in db.session.scalars(select(Bin).where(Bin.warehouse_id == warehouse.id))}
    created = updated = 0
    for spec in specs:
        if spec.zone and spec.zone not in zones:
            zones[spec.zone] = Zone(warehouse=warehouse, code=spec.zone, name=spec.zone)
        row = bins.get(spec.code)
        if row is None:
            row = Bin(warehouse_id=warehouse.id, code=spec.code)
            db.session.add(row)
            created += 1
        else:
            updated += 1
        row.barcode, row.aisle, row.block, row.position_m, row.side = (
            spec.barcode, spec.aisle, spec.block, spec.position_m, spec.side)
        row.level, row.bay, row.slot, row.zone = spec.level, spec.bay, spec.slot, zones.get(spec.zone)
    aftercommit.commit()
    return {"created": created, "updated": updated}


def find_bins(warehouse_id, search="", limit=500):
    """Bins of a warehouse whose code or barcode contains `search`, in walking order."""
    query = select(Bin).where(Bin.warehouse_id == warehouse_id)
    if search:
        like = f"%{search.strip()}%"
        query = query.where(Bin.code.ilike(like) | Bin.barcode.ilike(like))
    return db.session.scalars(query.order_by(Bin.aisle, Bin.block, Bin.position_m, Bin.side, Bin.level,
                                             Bin.slot).limit(limit)).all()


def count_bins(warehouse_id):
    """How many bins a warehouse has."""
    return db.session.scalar(select(func.count(Bin.id)).where(Bin.warehouse_id == warehouse_id))


def find_stock(warehouse_id=None, search="", limit=500):
    """Stock rows matching a SKU code/name or a bin code/barcode."""
    query = select(StockItem).join(Bin, Bin.id == StockItem.bin_id).join(Sku, Sku.id == StockItem.sku_id)
    if warehouse_id:
        query = query.where(Bin.warehouse_id == warehouse_id)
    if search:
        like = f"%{search.strip()}%"
        query = query.where(Sku.code.ilike(like) | Sku.name.ilike(like) | Bin.code.ilike(like)
                            | Bin.barcode.ilike(like))
    return db.session.scalars(query.order_by(Sku.code, Bin.code).limit(limit)).all()


def recent_movements(limit=100):
    """The latest ledger rows."""
    return db.session.scalars(select(StockMovement).order_by(StockMovement.id.desc()).limit(limit)).all()


def resolve_scan(warehouse_id, sku_text, bin_text):
    """(sku_id, bin_id) from what was typed or scanned: a SKU code or barcode, a bin code or barcode."""
    from wms.catalog.models import SkuBarcode

    sku_text, bin_text = (sku_text or "").strip(), (bin_text or "").strip()
    sku_id = db.session.scalar(select(Sku.id).where(Sku.code == sku_text)) or db.session.scalar(
        select(SkuBarcode.sku_id).where(SkuBarcode.barcode == sku_text))
    bin_id = db.session.scalar(select(Bin.id).where(Bin.warehouse_id == warehouse_id,
                                                    (Bin.code == bin_text) | (Bin.barcode == bin_text)))
    if sku_id is None:
        raise ValidationFailed("Unknown SKU or barcode", field="sku")
    if bin_id is None:
        raise ValidationFailed("Unknown bin in this warehouse", field="bin")
    return sku_id, bin_id


def seed_demo_warehouses():
    """Two demo warehouses (Hangzhou: 12 aisles, one block; Shanghai: 16 aisles, two blocks) with bins."""
    made = []
    for code, name, region, aisles, blocks, priority in (("HZ1", "杭州一号仓", "浙江省", 12, 1, 10),
                                                         ("SH2", "上海二号仓", "上海市", 16, 2, 20)):
        if db.session.scalar(select(Warehouse.id).where(Warehouse.code == code)):
            continue
        warehouse = save_warehouse(code=code, name=name, region=region, n_aisles=aisles, n_blocks=blocks,
                                   aisle_length_m=30.0 * blocks, priority=priority,
                                   address=f"{name} 物流园")
        generate_demo_layout(warehouse.id, levels=3)
        made.append(warehouse)
    return made
