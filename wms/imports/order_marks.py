"""What the writer marks on the orders of a file: holds, flags and the review desk's code rows.

Holds and flags come from reading ((code, template, values): wms.imports.order_rules) and from
the catalogue (a SKU not in it is flagged here, where the catalogue is known); both are stored in
the shape of hold reasons (wms.orders.states.hold_reason), which the review desk shows.
"""
from wms.extensions import db
from wms.imports import bulk, order_rules
from wms.imports.encoded_orders import sku_codes
from wms.orders import states


def _unknown_codes(record, skus):
    """The SKU codes of a record's lines that are not in the catalogue (a blank one is reading's)."""
    resolve = skus.ids.get
    return list(dict.fromkeys(code for code in sku_codes(record) if code and resolve(code) is None))


def unknown_skus(record, skus, order_flags=None):
    """Report flags (field, reason) for the lines whose SKU is not in the catalogue; `order_flags`
    (the order's flag_dicts) say there are none when they hold no unknown-SKU flag."""
    if order_flags is not None and not order_flags:
        return []
    return [("sku_code", order_rules.UNKNOWN_SKU.format(code=code)) for code in _unknown_codes(record, skus)]


def flag_dicts(flags, record, skus):
    """Order.flags entries (the shape of hold reasons) of reading's flags and the unknown SKUs."""
    codes = _unknown_codes(record, skus)
    if not (flags or codes):
        return []
    entries = [states.hold_reason(code, template, **values) for code, template, values in flags]
    if codes:
        code, template = order_rules.FLAGS[order_rules.UNKNOWN_SKU]
        entries.append(states.hold_reason(code, template, codes=", ".join(codes)))
    return entries


def chunk_flags(flags, records, codes, skus):
    """{external id: its flag_dicts} of a chunk's records {external id: record}, whose lines name
    the SKU `codes`; reading's `flags` are {external id: [(code, template, values)]}. Most chunks
    have no flag and no unknown SKU: then no record is looked at again."""
    resolve = skus.ids.get
    if not flags and all(resolve(code) is not None for code in codes if code):
        return dict.fromkeys(records, [])
    return {eid: flag_dicts(flags.get(eid, []), record, skus) for eid, record in records.items()}


def desk_codes(ids, external_ids, holds, flags):
    """The review desk's code rows (review_hold_codes, review_flag_codes) of orders inserted in bulk
    on hold or flagged: the ORM's listener that keeps them never sees bulk rows. Looked up by table
    name, so that the import does not depend on the review package."""
    for table_name, by_order in (("review_hold_codes", holds), ("review_flag_codes", flags)):
        if not by_order:
            continue
        table = db.metadata.tables.get(table_name)
        rows = [(order_id, code) for order_id, key in zip(ids, external_ids)
                for code in dict.fromkeys(r["code"] for r in by_order.get(key) or ())]
        if table is not None and rows:
            bulk.insert_rows(table, ("order_id", "code"), rows)


def status_version_reasons(holds, external_id, no_reasons):
    """(status, version, hold reasons) of a new order's row: on hold when reading held it."""
    reasons = holds.get(external_id) if holds else None
    return (states.ON_HOLD, 1, reasons) if reasons else (states.IMPORTED, 1, no_reasons)
