"""Stock changes and reads: receive, adjust, cycle count, the ledger and its verification.

Each changer owns its transaction and locks its StockItem rows in ascending id (see locks.py); a
change that adds stock then retries the backorders waiting for those SKUs.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from wms import aftercommit
from wms.catalog import kit_services
from wms.catalog.models import Sku
from wms.errors import InsufficientStock, NotFound, ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.inventory.allocating import retry_backorders
from wms.inventory.locks import lock_for_write, lock_stock_items
from wms.inventory.models import (
    ADJUST, COUNT, COUNT_DONE, COUNT_OPEN, MOVEMENT_KINDS, RECEIVE, SHIP, SHORT, Bin, CountTask, Reservation,
    StockItem, StockMovement, Warehouse)
from wms.inventory.presales import release_presales
from wms.timeutil import utcnow

MAX_QTY = 1_000_000


def receive_stock(warehouse_id, lines, reference="", actor=None, kind=RECEIVE):
    """Book goods into bins [(sku_id, bin_id, qty)], then release backorders the stock now covers."""
    if kind not in MOVEMENT_KINDS or kind in (ADJUST, COUNT, SHIP, SHORT):
        raise ValidationFailed("Unknown receipt kind", field="kind")
    wanted = _check_receipt(warehouse_id, lines)
    lock_for_write()
    items = stock_rows_for(wanted.keys())
    for (bin_id, sku_id), qty in wanted.items():
        item = items[(bin_id, sku_id)]
        item.on_hand += qty
        record_movement(kind, item, qty, reference, actor)
    aftercommit.commit()
    released = retry_backorders({sku_id for _, sku_id in wanted})
    presales = release_presales({sku_id for _, sku_id in wanted})  # a store's presales waiting for this stock
    allocated = released["allocated"] + ((presales["allocation"] or {}).get("allocated") or [])
    return {"lines": len(wanted), "qty": sum(wanted.values()), "released": allocated}


def _check_receipt(warehouse_id, lines):
    if db.session.get(Warehouse, warehouse_id) is None:
        raise NotFound("No such warehouse")
    errors, wanted = [], {}
    bins = {b.id for b in db.session.scalars(select(Bin).where(Bin.warehouse_id == warehouse_id))}
    sku_ids = set(db.session.scalars(select(Sku.id)))
    kits = set(kit_services.kit_table({sku_id for sku_id, _b, _q in lines if isinstance(sku_id, int)}))
    for number, (sku_id, bin_id, qty) in enumerate(lines, start=1):
        if sku_id not in sku_ids:
            errors.append({"line": number, "field": "sku", "message": "unknown SKU"})
        elif sku_id in kits:   # a kit (组合装) is never on a shelf: its components are
            errors.append({"line": number, "field": "sku", "message": "a kit: receive its components instead"})
            continue
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


def stock_rows_for(keys):
    """StockItem rows for (bin_id, sku_id) keys, created when missing, locked in ascending id order."""
    keys = sorted(set(keys))
    existing = {(s.bin_id, s.sku_id) for s in db.session.scalars(
        select(StockItem).where(StockItem.bin_id.in_({k[0] for k in keys})))}
    missing = [{"bin_id": b, "sku_id": s, "on_hand": 0, "reserved": 0} for b, s in keys if (b, s) not in existing]
    if missing:
        _insert_ignoring_duplicates(missing)
    ids = db.session.scalars(select(StockItem.id).where(
        StockItem.bin_id.in_({k[0] for k in keys}), StockItem.sku_id.in_({k[1] for k in keys}))).all()
    rows = lock_stock_items(ids)
    return {(row.bin_id, row.sku_id): row for row in rows.values()}


def _insert_ignoring_duplicates(values):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    rows = [{**v, "first_received_at": now, "updated_at": now} for v in values]
    db.session.execute(insert(StockItem).values(rows).on_conflict_do_nothing(index_elements=["bin_id", "sku_id"]))


def record_movement(kind, item, qty, reference="", actor=None, reason=""):
    """Add one ledger row for a change of `item.on_hand` by the signed `qty` (in the caller's transaction)."""
    db.session.add(StockMovement(
        kind=kind, warehouse_id=item.bin.warehouse_id, bin_id=item.bin_id, sku_id=item.sku_id, qty=qty,
        reason=reason or "", reference=(reference or "")[:80], actor_id=getattr(actor, "id", None),
        actor_name=actor_name(actor)))


def adjust_stock(bin_id, sku_id, delta, reason, actor=None):
    """Correct on_hand by `delta` with a reason; never below what is reserved."""
    if not (reason or "").strip():
        raise ValidationFailed("Give a reason for the adjustment", field="reason")
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > MAX_QTY:
        raise ValidationFailed("The change must be a non-zero whole number", field="qty")
    _check_bin_and_skus(bin_id, [sku_id])
    lock_for_write()
    item = stock_rows_for([(bin_id, sku_id)])[(bin_id, sku_id)]
    if item.on_hand + delta < item.reserved:
        on_hand, reserved = item.on_hand, item.reserved  # read first: the rollback forgets a row made just now
        db.session.rollback()
        raise InsufficientStock("Cannot remove more than is available: the rest is reserved for orders",
                                on_hand=on_hand, reserved=reserved)
    item.on_hand += delta
    record_movement(ADJUST, item, delta, reason=reason.strip(), actor=actor)
    aftercommit.commit()
    if delta > 0:
        retry_backorders({sku_id})
    return item


def count_bin(bin_id, counts, actor=None, reason="cycle count"):
    """Cycle count: each counted qty becomes on_hand through a 'count' movement of the difference.

    A count below what is reserved is refused for the whole bin (nothing changes), naming every such
    SKU and the orders holding it: release or hold those orders first, then count again. Refusing keeps
    orders that are already being picked from silently losing their stock. The bin's open count tasks
    for the counted SKUs (raised by short picks) are done with it.
    """
    counts = dict(counts)
    for sku_id, qty in counts.items():
        if not isinstance(qty, int) or isinstance(qty, bool) or not 0 <= qty <= MAX_QTY:
            raise ValidationFailed("A count must be a whole number of 0 or more", field="qty", sku_id=sku_id)
    if not counts:
        raise ValidationFailed("Nothing was counted", field="counts")
    _check_bin_and_skus(bin_id, counts)
    lock_for_write()
    items = stock_rows_for([(bin_id, sku_id) for sku_id in counts])
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
        record_movement(COUNT, item, diff, reason=reason, actor=actor)
    _close_count_tasks(bin_id, counts, actor)
    aftercommit.commit()
    retry_backorders(set(counts))
    return {sku_id: items[(bin_id, sku_id)].on_hand for sku_id in counts}


def _close_count_tasks(bin_id, counts, actor):
    tasks = db.session.scalars(select(CountTask).where(CountTask.bin_id == bin_id, CountTask.status == COUNT_OPEN,
                                                       CountTask.sku_id.in_(list(counts))))
    for task in tasks:
        task.status, task.counted_qty, task.done_at = COUNT_DONE, counts[task.sku_id], utcnow()
        task.counted_by_id = getattr(actor, "id", None)


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
    return db.session.scalars(select(StockMovement).options(joinedload(StockMovement.sku), joinedload(StockMovement.bin))
                              .order_by(StockMovement.id.desc()).limit(limit)).all()


def resolve_scan(warehouse_id, sku_text, bin_text):
    """(sku_id, bin_id) from what was typed or scanned: a SKU code or barcode, a bin code or barcode."""
    sku_id, bin_id = sku_by_scan(sku_text), bin_by_scan(warehouse_id, bin_text)
    if sku_id is None:
        raise ValidationFailed("Unknown SKU or barcode", field="sku")
    if bin_id is None:
        raise ValidationFailed("Unknown bin in this warehouse", field="bin")
    return sku_id, bin_id


def sku_by_scan(text):
    """The id of the SKU with this code or barcode, or None."""
    from wms.catalog.models import SkuBarcode

    text = (text or "").strip()
    return db.session.scalar(select(Sku.id).where(Sku.code == text)) or db.session.scalar(
        select(SkuBarcode.sku_id).where(SkuBarcode.barcode == text))


def bin_by_scan(warehouse_id, text):
    """The id of the warehouse's bin with this code or barcode, or None."""
    text = (text or "").strip()
    return db.session.scalar(select(Bin.id).where(Bin.warehouse_id == warehouse_id,
                                                  (Bin.code == text) | (Bin.barcode == text)))


