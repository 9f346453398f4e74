"""SKU mapping use cases: platform SKU keys -> our SKUs, and the queue of keys nobody mapped yet.

* `apply_sku_mappings(channel_id, records)` runs on every chunk a channel sync is about to import:
  lines whose key has a mapping get our SKU's code; keys that match neither a mapping nor a SKU
  code or barcode are recorded in the queue (the order still imports, and review holds it as
  unknown_sku). It commits its own small transaction, so the queue survives a failed import.
* `map_sku(mapping_id, sku_id, actor)` resolves a queue row: one conditional UPDATE (a second
  reviewer mapping the same row at the same time gets ConcurrentUpdate, not a silent overwrite),
  re-links the lines of still-editable orders with that key, and re-runs review on the orders held
  for unknown_sku (`wms.review.services.release_order`); imported, not yet reviewed ones are left to
  the review job the import queued.
"""
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from wms import aftercommit
from wms.catalog.models import Sku, SkuBarcode
from wms.channels.mapping_models import SkuMapping
from wms.errors import ConcurrentUpdate, DomainError, ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.orders import states
from wms.orders.models import Channel, Order, OrderLine
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

UNKNOWN_SKU = "unknown_sku"
SEARCH_LIMIT = 20


def apply_sku_mappings(channel_id, records):
    """Rewrite mapped line keys to our SKU codes (in place) and queue unknown keys; returns records.

    Records of orders the platform already cancelled are rewritten but queue nothing.
    """
    lines = [(record, line) for record in records if isinstance(record, dict)
             for line in (record.get("lines") if isinstance(record.get("lines"), list) else [])
             if isinstance(line, dict) and isinstance(line.get("sku_code"), str) and line["sku_code"].strip()]
    keys = {line["sku_code"].strip() for _record, line in lines}
    if not keys:
        return records
    mappings = _mappings(channel_id, keys)
    mapped = {key: code for key, (_id, code) in mappings.items() if code}
    for _record, line in lines:
        code = mapped.get(line["sku_code"].strip())
        if code:
            line["sku_code"] = code
    unmatched = keys - set(mappings) - _catalogue_codes(keys - set(mappings))
    titles = {}
    for record, line in lines:
        key = line["sku_code"].strip()
        if key in unmatched and not record.get("cancelled_at"):
            titles.setdefault(key, str(line.get("name") or "")[:255])
    _queue(channel_id, titles)
    return records


def _mappings(channel_id, keys):
    """{platform_sku: (mapping id, our sku code or None)} for the keys that have a row."""
    rows = db.session.execute(select(SkuMapping.platform_sku, SkuMapping.id, Sku.code)
                              .outerjoin(Sku, Sku.id == SkuMapping.sku_id)
                              .where(SkuMapping.channel_id == channel_id, SkuMapping.platform_sku.in_(keys))).all()
    return {key: (mapping_id, code) for key, mapping_id, code in rows}


def _catalogue_codes(keys):
    """The keys that already are a SKU code or barcode (no mapping needed)."""
    if not keys:
        return set()
    found = set(db.session.scalars(select(Sku.code).where(Sku.code.in_(keys))))
    return found | set(db.session.scalars(select(SkuBarcode.barcode).where(SkuBarcode.barcode.in_(keys))))


def _queue(channel_id, titles):
    """Insert queue rows for new keys; a concurrent sync inserting the same key is not an error."""
    if not titles:
        return
    now = utcnow()
    for key, title in sorted(titles.items()):
        try:
            with db.session.begin_nested():
                db.session.add(SkuMapping(channel_id=channel_id, platform_sku=key[:64], sample_title=title,
                                          first_seen_at=now))
        except IntegrityError:
            pass  # the other sync queued it first
    aftercommit.commit()


def mapping_queue(*, channel_id=None, show="open"):
    """Queue rows (open = unmapped, resolved, or all), each with how many editable orders wait on it."""
    query = select(SkuMapping).order_by(SkuMapping.first_seen_at.desc(), SkuMapping.id.desc())
    if channel_id:
        query = query.where(SkuMapping.channel_id == int(channel_id))
    if show == "open":
        query = query.where(SkuMapping.sku_id.is_(None))
    elif show == "resolved":
        query = query.where(SkuMapping.sku_id.is_not(None))
    mappings = db.session.scalars(query.limit(500)).all()
    waiting = _waiting_orders({(m.channel_id, m.platform_sku) for m in mappings if m.sku_id is None})
    channels = db.session.scalars(select(Channel).where(Channel.platform != "manual").order_by(Channel.code)).all()
    return {"rows": [{"mapping": m, "waiting": waiting.get((m.channel_id, m.platform_sku), 0)} for m in mappings],
            "channels": channels, "channel_id": int(channel_id) if channel_id else None, "show": show}


def _waiting_orders(keys):
    if not keys:
        return {}
    channel_ids, codes = {c for c, _k in keys}, {k for _c, k in keys}
    rows = db.session.execute(select(Order.channel_id, OrderLine.sku_code, Order.id).join(Order)
                              .where(Order.channel_id.in_(channel_ids), OrderLine.sku_code.in_(codes),
                                     OrderLine.sku_id.is_(None), Order.status.in_(states.EDITABLE))).all()
    counts = {}
    for channel_id, code, order_id in set(rows):
        counts[(channel_id, code)] = counts.get((channel_id, code), 0) + 1
    return counts


def search_skus(text, limit=SEARCH_LIMIT):
    """Active SKUs whose code or name contains `text`, or with that exact barcode."""
    text = (text or "").strip()
    if not text:
        return []
    pattern = f"%{text.replace('%', '').replace('_', '')}%"
    barcode_owner = select(SkuBarcode.sku_id).where(SkuBarcode.barcode == text)
    return db.session.scalars(select(Sku).where(Sku.active.is_(True), or_(
        Sku.code.ilike(pattern), Sku.name.ilike(pattern), Sku.id.in_(barcode_owner)))
        .order_by(Sku.code).limit(limit)).all()


def find_sku(code_or_barcode):
    """The SKU with this code or barcode, or ValidationFailed."""
    text = (code_or_barcode or "").strip()
    sku = db.session.scalar(select(Sku).where(Sku.code == text)) if text else None
    if sku is None and text:
        sku = db.session.scalar(select(Sku).join(SkuBarcode).where(SkuBarcode.barcode == text))
    if sku is None:
        raise ValidationFailed.worded("No SKU with code or barcode '{text}'", text=text, details={"field": "sku"})
    return sku


def map_sku(mapping_id, sku_id, actor):
    """Map a queued platform key to our SKU; re-link waiting orders and re-review the held ones.

    Returns {"mapping", "sku", "lines", "orders", "released", "still_held"}.
    """
    mapping = get_or_not_found(SkuMapping, int(mapping_id), "No such SKU mapping", mapping_id=mapping_id)
    sku = db.session.get(Sku, int(sku_id)) if sku_id else None
    if sku is None:
        raise ValidationFailed("Choose a SKU of the catalogue", field="sku")
    if not sku.active:
        raise ValidationFailed.worded("SKU {sku} is inactive", sku=sku.code, details={"field": "sku"})
    name = actor_name(actor)
    claimed = db.session.execute(update(SkuMapping).where(SkuMapping.id == mapping.id, SkuMapping.sku_id.is_(None))
                                 .values(sku_id=sku.id, resolved_by=name, resolved_at=utcnow())
                                 .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(mapping)
        raise ConcurrentUpdate.worded("{platform_sku} was already mapped to {sku} by {actor}",
                                      platform_sku=mapping.platform_sku, sku=mapping.sku.code if mapping.sku else "?",
                                      actor=mapping.resolved_by,
                                      details={"mapping_id": mapping.id, "resolved_by": mapping.resolved_by})
    channel_id, key = mapping.channel_id, mapping.platform_sku
    orders, line_count = _relink(channel_id, key, sku, actor)
    aftercommit.commit()
    held = [o for o, status, codes in orders if status == states.ON_HOLD and UNKNOWN_SKU in codes]
    released, still_held = _rereview(held, actor)
    db.session.expire_all()
    return {"mapping": db.session.get(SkuMapping, mapping.id), "sku": sku,
            "lines": line_count, "orders": [o for o, _s, _c in orders],
            "released": released, "still_held": still_held}


def _relink(channel_id, key, sku, actor):
    """Lines with this key of the channel's editable orders -> our SKU.

    Returns ([(order id, status, hold codes)], number of lines re-linked).
    """
    lines = db.session.scalars(select(OrderLine).join(Order).where(
        Order.channel_id == channel_id, OrderLine.sku_code == key, OrderLine.sku_id.is_(None),
        Order.status.in_(states.EDITABLE))).all()
    touched = {}
    for line in lines:
        line.sku_id, line.sku_code = sku.id, sku.code
        touched.setdefault(line.order_id, 0)
        touched[line.order_id] += 1
    out = []
    for order in db.session.scalars(select(Order).where(Order.id.in_(touched)).order_by(Order.id)).all():
        order.updated_at = utcnow()  # bumps the version: a reviewer's stale edit now conflicts
        order.note(wording("SKU mapping: {key} -> {sku} ({count} line(s))", key=key, sku=sku.code,
                           count=touched[order.id]), actor=actor, kind="edit")
        out.append((order.id, order.status, list(order.hold_codes)))
    return out, len(lines)


def _rereview(order_ids, actor):
    """Re-run review on each held order (its own commit); [released ids], [still held ids]."""
    from wms.review.services import release_order

    released, still_held = [], []
    for order_id in order_ids:
        try:
            order = release_order(order_id, actor=actor, expected_version=None)
        except DomainError:
            db.session.rollback()
            still_held.append(order_id)
            continue
        (released if order.status != states.ON_HOLD else still_held).append(order_id)
    return released, still_held


def map_sku_by_code(mapping_id, code_or_barcode, actor):
    """map_sku with the SKU named by its code or one of its barcodes (the queue page's form)."""
    return map_sku(mapping_id, find_sku(code_or_barcode).id, actor)
