"""Import orders: records from the API or a sync, and spreadsheet files through an rq job.

Every path ends in `write_chunk`, which writes up to CHUNK orders in one transaction: one query
per 1000 orders finds which (channel, external id) already exist, new orders get ids reserved up
front and are inserted with their lines and audit events in bulk (wms.imports.inserting, through
wms.imports.bulk: executemany on SQLite, COPY on PostgreSQL), existing ones are compared and
updated through the ORM (wms.imports.updating: rare, and it needs the version check). A chunk
commits whole or not at all, and chunks are made of whole orders, so an order is never
half-imported. After each commit the automatic review of the new and changed orders is enqueued
(wms.imports.review_queue). What a record ends as is wms.imports.results.
"""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit
from wms.auth import roles
from wms.auth.access import require_channel
from wms.errors import NotFound
from wms.extensions import db
from wms.imports import bulk, encoded_orders, key_checks, order_marks, validation
from wms.imports.encoded_orders import EncodedOrder, external_id_of
from wms.imports.inserting import insert_new
from wms.imports.results import CREATED, FAILED, HELD, UPDATED, ImportResult, RecordResult
from wms.imports.review_queue import enqueue_review
from wms.imports.schemas import schema_errors
from wms.imports.sku_resolver import SkuResolver
from wms.imports.updating import update_order
from wms.orders import presale, ship_by, states
from wms.orders.models import Channel, Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

CHUNK = 2000           # orders per transaction
API_SOURCE = "the order API"   # where the JSON API's orders come from, in their timeline


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
    ids = insert_new(channel_id, records, skus, source, actor, key_checks_mode, holds, order_flags)
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
            outcomes[position] = update_order(order, record, skus, source, actor,
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


def _get_channel(channel_id):
    return get_or_not_found(Channel, channel_id, "No such channel", field="channel")
