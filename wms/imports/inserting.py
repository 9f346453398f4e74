"""The insert path of an import: new orders, their lines and import events written in bulk.

Its own module because it is the import's hot path (bench/import_orders.py measures it): the
rows are built with comprehensions over a whole chunk and written with wms.imports.bulk
(executemany on SQLite, COPY on PostgreSQL), for clean dicts and for a file's EncodedOrders
(already in COPY's text: wms.imports.encoded_orders). wms.imports.services decides which orders
of a chunk are new and calls insert_new once per chunk.
"""
from contextlib import nullcontext
from operator import itemgetter

from wms.counters.services import count_new_orders
from wms.extensions import db
from wms.imports import bulk, copy_text, encoded_orders, key_checks, order_marks, validation
from wms.imports.encoded_orders import EncodedOrder, external_id_of
from wms.inputs import actor_name
from wms.orders import states
from wms.orders.models import Order, OrderEvent, OrderLine, audit_reason
from wms.timeutil import utcnow
from wms.wording import wording

# The record's order fields an import writes (and compares on a re-import: wms.imports.updating).
COMPARED = tuple(name for name, *_ in validation.ORDER_SPEC if name not in ("external_id", "lines"))

ORDER_COLUMNS = ("channel_id", "external_id", "status", "version", "hold_reasons", "flags", "created_at",
                 "updated_at") + COMPARED
LINE_COLUMNS = ("order_id", "sku_id", "sku_code", "name", "qty", "unit_price_cents", "list_price_cents")
EVENT_COLUMNS = ("order_id", "at", "kind", "from_state", "to_state", "reason", "wording", "actor_id", "actor_name")


def insert_new(channel_id, records, skus, source, actor, key_checks_mode=key_checks.PER_ROW, holds=None,
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
