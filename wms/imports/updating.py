"""The update path of an import: an order imported before, compared with the record again.

Its own module because it is the other way a record ends (unchanged, updated, held, or failed
once the order went to the floor) and a different kind of write: through the ORM, one order at a
time, with the version check (rare beside the insert path of wms.imports.inserting).
"""
from wms.imports import order_marks
from wms.imports.inserting import COMPARED
from wms.imports.results import FAILED, HELD, UNCHANGED, UPDATED, RecordResult
from wms.orders import states
from wms.orders.models import OrderLine
from wms.wording import wording

# What the system derives (review fills the address parts, the import normalises the phone, the
# channel's rule gives the ship-by): an empty cell never overwrites them, so a re-import of the same
# file changes nothing. Finance review's facts (cash on delivery, an invoice asked for) are kept the
# same way: a file or sync that does not say them (false) never clears what review and finance
# relied on; one that says them sets them, and the order's timeline names the change.
DERIVED = frozenset({"province", "city", "district", "postcode", "buyer_phone", "ship_by", "presale_ship_from",
                     "cash_on_delivery", "invoice_requested"})


def update_order(order, record, skus, source, actor, holds=None, flags=None):
    """Unchanged, updated (still editable; held when the file's record holds it), or failed (it has
    gone to the floor). What the system derived is not overwritten by an empty cell (DERIVED), nor a
    line's list price by a record that gives none."""
    changed = [name for name in COMPARED if getattr(order, name) != record[name]
               and not (name in DERIVED and not record[name])]
    # gift lines (added at review by a gift rule) are not the file's: compared without them, kept on a change
    kept = [l for l in order.lines if not l.is_gift]
    lines_now = [(l.sku_code, l.name, l.qty, l.unit_price_cents, l.list_price_cents) for l in kept]
    lines_new = [(l["sku_code"], l["name"], l["qty"], l["unit_price_cents"], _list_price(l, kept, index))
                 for index, l in enumerate(record["lines"])]
    if lines_now != lines_new:
        changed.append("lines")
    if not changed:
        return RecordResult(order.external_id, UNCHANGED, order.id)
    if order.status not in states.EDITABLE:
        return RecordResult(order.external_id, FAILED, order.id, [{
            "field": "external_id",
            "reason": f"order already {order.status}; change it in review (changed: {', '.join(changed)})"}])
    for name in changed:
        if name != "lines":
            setattr(order, name, record[name])
    if "lines" in changed:
        order.lines = [OrderLine(sku_code=sku_code, sku_id=skus.resolve(sku_code), name=name, qty=qty,
                                 unit_price_cents=price, list_price_cents=listed)
                       for sku_code, name, qty, price, listed in lines_new] + [
            line for line in order.lines if line.is_gift]
    order.note(wording("Updated by import from {source}: {fields}", source=source, fields=", ".join(changed)),
               actor=actor, kind="import")
    kept = [f for f in order.flags or [] if not str(f.get("code", "")).startswith("import_")]
    if kept + list(flags or []) != list(order.flags or []):
        order.flags = kept + list(flags or [])
    if holds and order.status != states.ON_HOLD and states.ON_HOLD in states.TRANSITIONS.get(order.status, ()):
        order.transition_to(states.ON_HOLD, reason=wording("Imported from {source}, on hold", source=source),
                            actor=actor)
        order.hold_reasons = holds
        return RecordResult(order.external_id, HELD, order.id, flags=order_marks.unknown_skus(record, skus))
    return RecordResult(order.external_id, UPDATED, order.id, flags=order_marks.unknown_skus(record, skus))


def _list_price(line, lines_now, index):
    """A record line's list price; none given keeps the price the order's line at that place had for
    the same SKU (a file without the column does not blank what finance review compared with)."""
    listed = line.get("list_price_cents")
    if listed is None and index < len(lines_now) and lines_now[index].sku_code == line["sku_code"]:
        return lines_now[index].list_price_cents
    return listed
