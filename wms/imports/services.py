"""Import orders: records from the API or a sync, and spreadsheet files through an rq job.

Every path ends in `write_chunk`, which writes up to CHUNK orders in one transaction: one query
per 1000 orders finds which (channel, external id) already exist, new orders get ids reserved up
front and are inserted with their lines and audit events in bulk (wms.imports.bulk: executemany on
SQLite, COPY on PostgreSQL), existing ones are compared and updated through the ORM (rare, and it
needs the version check). A chunk commits whole or not at all, and chunks
are made of whole orders, so an order is never half-imported. After each commit the automatic
review of the new and changed orders is enqueued.
"""
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, job_names
from wms.auth import roles
from wms.auth.access import require_channel
from wms.catalog.models import Sku, SkuBarcode
from wms.counters.services import count_new_orders
from wms.errors import NotFound
from wms.extensions import db
from wms.imports import bulk, copy_text, encoded_orders, key_checks, order_marks, validation
from wms.imports.encoded_orders import EncodedOrder, external_id_of
from wms.imports.schemas import schema_errors
from wms.inputs import actor_name
from wms.orders import presale, ship_by, states
from wms.orders.models import Channel, Order, OrderEvent, OrderLine, audit_reason
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.worker import enqueue, is_job
from wms.wording import wording

CHUNK = 2000           # orders per transaction
REVIEW_CHUNK = 1000    # order ids per review job
API_SOURCE = "the order API"   # where the JSON API's orders come from, in their timeline

COMPARED = tuple(name for name, *_ in validation.ORDER_SPEC if name not in ("external_id", "lines"))
# What the system derives (review fills the address parts, the import normalises the phone, the
# channel's rule gives the ship-by): an empty cell never overwrites them, so a re-import of the same
# file changes nothing. Finance review's facts (cash on delivery, an invoice asked for) are kept the
# same way: a file or sync that does not say them (false) never clears what review and finance
# relied on; one that says them sets them, and the order's timeline names the change.
DERIVED = frozenset({"province", "city", "district", "postcode", "buyer_phone", "ship_by", "presale_ship_from",
                     "cash_on_delivery", "invoice_requested"})
CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
HELD, DUPLICATE = "held", "duplicate"   # created or updated on hold; a repeat of an earlier block


@dataclass
class RecordResult:
    external_id: str | None
    outcome: str
    order_id: int | None = None
    errors: list = field(default_factory=list)   # [{"field", "reason"} (+ "row" for files)]
    index: int | None = None
    flags: list = field(default_factory=list)    # [(field, reason)]: imported, but look at it


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    held: int = 0
    duplicate: int = 0
    results: list = field(default_factory=list)
    order_ids: list = field(default_factory=list)   # created and updated orders

    def add(self, result):
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)
        self.results.append(result)
        if result.outcome in (CREATED, UPDATED, HELD):
            self.order_ids.append(result.order_id)


def import_order_records(channel_id, records, *, source=None, actor=None):
    """Import canonical order records (dicts); idempotent on (channel, external_id). `source` (a
    wording: the orders' timeline says "Imported from <source>") defaults to the order API.

    Each record is created, updated (still editable and changed), unchanged, or failed (invalid,
    or changed after it went to the floor). Commits per chunk; enqueues review after each commit.
    """
    _get_channel(channel_id)
    items = [(index, *validation.validate_record(record), record) for index, record in enumerate(records)]
    return _import_items(channel_id, items, source if source is not None else wording(API_SOURCE), actor)


def import_order_batch(channel_code, records, *, actor=None):
    """The JSON API's batch: records validated by the marshmallow contract, then imported.

    An API token bound to other channels (or without the orders:import scope) gets 403, nothing written.
    """
    require_channel(actor, (channel_code or "").strip(), roles.ORDERS_IMPORT)
    channel = db.session.scalar(select(Channel).where(Channel.code == (channel_code or "").strip()))
    if channel is None:
        raise NotFound.worded("No channel with code '{code}'", code=channel_code, details={"field": "channel"})
    items = []
    for index, record in enumerate(records):
        errors = schema_errors(record)
        clean = None if errors else validation.validate_record(record)[0]
        items.append((index, clean, errors, record))
    return _import_items(channel.id, items, wording(API_SOURCE), actor)


def _import_items(channel_id, items, source, actor):
    result = ImportResult()
    skus = SkuResolver()
    for start in range(0, len(items), CHUNK):
        part = items[start:start + CHUNK]
        outcomes = write_chunk(channel_id, [(clean, errors) for _i, clean, errors, _r in part], source, actor,
                               skus=skus)
        for (index, clean, _errors, raw), outcome in zip(part, outcomes):
            outcome.index = index
            if outcome.external_id is None:
                outcome.external_id = _raw_external_id(raw)
            result.add(outcome)
    return result


def _raw_external_id(raw):
    value = raw.get("external_id") if isinstance(raw, dict) else None
    return value.strip() if isinstance(value, str) else None


def write_chunk(channel_id, items, source, actor, *, skus=None, before_commit=None,
                key_checks_mode=key_checks.PER_ROW):
    """Write [(clean record or None, errors[, holds[, flags]])] in one transaction; [RecordResult] in
    the same order. `holds` and `flags` ([(code, template, values)], from a file's reading) put the
    order on hold / flag it (Order.flags; a SKU not in the catalogue is flagged here too).

    A concurrent import of the same orders (unique key or version clash) retries the chunk once:
    the second pass sees them as existing. `key_checks_mode` is how the new rows' foreign keys
    are checked (wms.imports.key_checks: SET_WISE only where key_checks.choose said so).
    """
    for attempt in (1, 2):
        try:
            outcomes = _write(channel_id, items, source, actor, skus or SkuResolver(), key_checks_mode)
            if before_commit:
                before_commit(outcomes)
            enqueue_review([o.order_id for o in outcomes if o.outcome in (CREATED, UPDATED)])   # not HELD
            aftercommit.commit()
            return outcomes
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            if attempt == 2:
                raise


def _write(channel_id, items, source, actor, skus, key_checks_mode=key_checks.PER_ROW):
    outcomes = [None] * len(items)
    wanted = {}
    holds, flags = {}, {}
    for position, (clean, errors, *rest) in enumerate(items):
        if clean is None:
            outcomes[position] = RecordResult(None, FAILED, errors=_error_dicts(errors))
            continue
        eid = external_id_of(clean)
        if eid in wanted:
            outcomes[position] = RecordResult(eid, FAILED, errors=[
                {"field": "external_id", "reason": "The same order appears twice in this import."}])
        else:
            wanted[eid] = position
            if rest and rest[0]:
                holds[eid] = [states.hold_reason(code, template, **values) for code, template, values in rest[0]]
            if len(rest) > 1 and rest[1]:
                flags[eid] = list(rest[1])
    existing = _existing(channel_id, list(wanted))
    new = [(p, items[p][0]) for eid, p in wanted.items() if eid not in existing]
    records = _promise_ship_by(channel_id, [record for _p, record in new])
    codes = {code for _eid, p in wanted.items() for code in encoded_orders.sku_codes(items[p][0])}
    skus.load(codes)
    order_flags = order_marks.chunk_flags(flags, {eid: items[p][0] for eid, p in wanted.items()}, codes, skus)
    ids = _insert_new(channel_id, records, skus, source, actor, key_checks_mode, holds, order_flags)
    for (position, _old), record in zip(new, records):
        eid = external_id_of(record)
        outcomes[position] = RecordResult(eid, HELD if eid in holds else CREATED, ids[eid],
                                          flags=order_marks.unknown_skus(record, skus, order_flags[eid]))
    if existing:
        orders = db.session.scalars(select(Order).options(selectinload(Order.lines)).where(
            Order.id.in_(existing.values()))).all()
        for order in orders:
            position = wanted[order.external_id]
            record = items[position][0]
            if type(record) is EncodedOrder:
                record = encoded_orders.decode(record)   # compared value by value: read back (rare)
            outcomes[position] = _update(order, record, skus, source, actor,
                                         holds.get(order.external_id), order_flags[order.external_id])
        db.session.flush()
    return outcomes


def _promise_ship_by(channel_id, records):
    """The records, each new one without the platform's ship-by given the channel's rule's (from its
    payment time, the import's time when the record has none): a dict in place, an EncodedOrder
    replaced."""
    rule = db.session.get(Channel, channel_id).ship_by_rule
    if not rule.is_set:
        return records
    now, zone = utcnow(), current_app.config["WAREHOUSE_TIMEZONE"]
    promised = []
    for record in records:
        if type(record) is EncodedOrder:
            if record.ship_by is None:   # its two times read back from its text
                start = presale.ship_by_start(encoded_orders.value(record, "ordered_at") or now,
                                              encoded_orders.value(record, "presale_ship_from"))
                record = record._replace(ship_by=ship_by.promised(rule, start, zone))
        elif record.get("ship_by") is None:   # a presale's counts from its ship-from time (wms.orders.presale)
            start = presale.ship_by_start(record.get("ordered_at") or now, record.get("presale_ship_from"))
            record["ship_by"] = ship_by.promised(rule, start, zone)
        promised.append(record)
    return promised


def _error_dicts(errors):
    return [{"field": path, "reason": reason} for path, reason in errors]


def _existing(channel_id, external_ids):
    """{external_id: order id} of those already imported in this channel (1000 per query)."""
    return bulk.find_ids(Order.__table__, "channel_id", channel_id, "external_id", external_ids)


ORDER_COLUMNS = ("channel_id", "external_id", "status", "version", "hold_reasons", "flags", "created_at",
                 "updated_at") + COMPARED
LINE_COLUMNS = ("order_id", "sku_id", "sku_code", "name", "qty", "unit_price_cents", "list_price_cents")
EVENT_COLUMNS = ("order_id", "at", "kind", "from_state", "to_state", "reason", "wording", "actor_id", "actor_name")


def _insert_new(channel_id, records, skus, source, actor, key_checks_mode=key_checks.PER_ROW, holds=None,
                flags=None):
    """Insert orders (ids reserved up front), lines and their import events in bulk; {external_id: id}.

    `records` are clean dicts, or on PostgreSQL EncodedOrders (a file's, already in COPY's text:
    wms.imports.encoded_orders), to which only the writer's columns and the lines' order and SKU
    ids are added. The lines and events reference only the orders inserted here, by the ids this
    transaction reserved: what key_checks' set-wise path relies on.
    """
    if not records:
        return {}
    now = utcnow()
    ids = bulk.reserve_ids(Order.__table__, len(records))
    holds, flags = holds or {}, flags or {}
    keys = [external_id_of(record) for record in records]
    encoded = type(records[0]) is EncodedOrder
    insert = _encoded_inserts if encoded else _record_inserts
    orders, lines, sku_ids = insert(channel_id, ids, keys, records, skus, holds, flags, now)
    actor_id = getattr(actor, "id", None)
    set_wise = key_checks_mode == key_checks.SET_WISE
    if set_wise:
        key_checks.lock_referenced(db.session, channel_id=channel_id, sku_ids=sku_ids, actor_id=actor_id)
    with key_checks.row_triggers_off(db.session) if set_wise else nullcontext():
        orders()
        lines()
        # one wording for the whole chunk: bulk binds a value the rows share once
        event = (now, "import", states.IMPORTED, states.IMPORTED,
                 *audit_reason(wording("Imported from {source}", source=source)), actor_id, actor_name(actor))
        held = {order_id for order_id, key in zip(ids, keys) if key in holds}
        bulk.insert_for_each(OrderEvent.__table__, "order_id", [i for i in ids if i not in held] if held else ids,
                             EVENT_COLUMNS[1:], event)
        order_marks.desk_codes(ids, keys, holds, flags)
        if held:
            on_hold = (now, "import", states.IMPORTED, states.ON_HOLD,
                       *audit_reason(wording("Imported from {source}, on hold", source=source)), actor_id,
                       actor_name(actor))
            bulk.insert_for_each(OrderEvent.__table__, "order_id", sorted(held), EVENT_COLUMNS[1:], on_hold)
    count_new_orders(db.session, [encoded_orders.carrier_code(record) for record in records])  # the wall's counters
    return dict(zip(keys, ids))


def _record_inserts(channel_id, ids, keys, records, skus, holds, flags, now):
    """(insert the orders, insert the lines, the SKU ids the lines reference) for clean dicts."""
    no_reasons = []
    compared = itemgetter(*COMPARED)
    resolve = skus.ids.get
    line_values = itemgetter("sku_code", "name", "qty", "unit_price_cents", "list_price_cents")
    lines = [(order_id, resolve(line["sku_code"])) + line_values(line)
             for order_id, record in zip(ids, records) for line in record["lines"]]
    orders = [(order_id, channel_id, key) + order_marks.status_version_reasons(holds, key, no_reasons)
              + (flags.get(key) or no_reasons, now, now) + compared(record)
              for order_id, key, record in zip(ids, keys, records)]
    return (lambda: bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, orders),
            lambda: bulk.insert_rows(OrderLine.__table__, LINE_COLUMNS, lines),
            {line[1] for line in lines})


# An EncodedOrder's rows: the writer's columns, then the reader's text (wms.imports.encoded_orders).
ENCODED_ORDER_COLUMNS = encoded_orders.WRITER_COLUMNS + encoded_orders.READ_COLUMNS
ENCODED_LINE_COLUMNS = ("order_id", "sku_id") + encoded_orders.LINE_COLUMNS


def _encoded_inserts(channel_id, ids, keys, records, skus, holds, flags, now):
    """(insert the orders, insert the lines, the SKU ids the lines reference) for EncodedOrders:
    the writer's columns before each order's text (bulk.row_texts: the hold reasons and flags as
    the ORM writes them; an order with none and no ship-by, most of a file, shares one text after
    its id), each line's text behind its order id and SKU id."""
    no_reasons = []
    table, columns = Order.__table__, encoded_orders.WRITER_COLUMNS
    plain = bulk.row_texts(table, columns[1:], [(channel_id, states.IMPORTED, 1, no_reasons, no_reasons, now, now,
                                                 None)])[:-1]
    heads = [f"{order_id}\t{plain}" for order_id in ids]
    special = [(index, (order_id, channel_id) + order_marks.status_version_reasons(holds, key, no_reasons)
                + (flags.get(key) or no_reasons, now, now, record.ship_by))
               for index, (order_id, key, record) in enumerate(zip(ids, keys, records))
               if record.ship_by is not None or key in holds or flags.get(key)]
    if special:
        texts = bulk.row_texts(table, columns, [row for _index, row in special]).split("\n")
        for (index, _row), head in zip(special, texts):
            heads[index] = head
    orders = "".join([f"{head}\t{record.text}\n" for head, record in zip(heads, records)])
    resolve = skus.ids.get
    sku_text, sku_ids = {}, set()
    for record in records:
        for code in record.codes:
            if code not in sku_text:
                sku_id = resolve(code)
                sku_text[code] = copy_text.NULL if sku_id is None else str(sku_id)
                sku_ids.add(sku_id)
    lines = "".join([f"{order_id}\t{sku_text[code]}\t{line}\n"
                     for order_id, record in zip(ids, records) for code, line in zip(record.codes, record.lines)])
    return (lambda: bulk.copy_text(Order.__table__, ENCODED_ORDER_COLUMNS, orders),
            lambda: bulk.copy_text(OrderLine.__table__, ENCODED_LINE_COLUMNS, lines),
            sku_ids)


def _update(order, record, skus, source, actor, holds=None, flags=None):
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


class SkuResolver:
    """sku_code -> Sku id by code or any barcode; looked up once per code per import run."""

    def __init__(self):
        self.ids = {}

    def load(self, codes):
        missing = [c for c in codes if c not in self.ids]
        for start in range(0, len(missing), 1000):
            part = missing[start:start + 1000]
            found = dict(db.session.execute(select(SkuBarcode.barcode, SkuBarcode.sku_id).where(
                SkuBarcode.barcode.in_(part))).all())
            found.update(db.session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(part))).all())
            for code in part:
                self.ids[code] = found.get(code)

    def resolve(self, code):
        return self.ids.get(code)


def enqueue_review(order_ids):
    """Queue the automatic review of these orders (after commit), REVIEW_CHUNK ids per job."""
    if not order_ids or not review_available():
        return
    for start in range(0, len(order_ids), REVIEW_CHUNK):
        enqueue(job_names.REVIEW_ORDERS, order_ids[start:start + REVIEW_CHUNK])


def review_available():
    """True when the review desk declared its job (an install without it imports orders unreviewed)."""
    return is_job(job_names.REVIEW_ORDERS)


def _get_channel(channel_id):
    return get_or_not_found(Channel, channel_id, "No such channel", field="channel")
