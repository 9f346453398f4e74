"""A file's clean order as the COPY text its rows will be (PostgreSQL), made by the reader. Pure: stdlib only.

The reader process (wms.imports.file_reader_child) sends each chunk to the writer pickled. A clean
record is a dict of twenty values and a list of line dicts: pickling it and unpickling it again
cost the two processes more than validating it. So on PostgreSQL the reader sends what the writer
will COPY instead: the order's own columns (READ_COLUMNS) as one text in COPY's text format
(wms.imports.copy_text), each line's as another, and beside them only what the writer decides
on - the order number, the lines' SKU codes (which the writer resolves to ids), the carrier (the
wall's counters) and the ship-by time (the channel's rule may give one). The writer puts its own
columns (WRITER_COLUMNS: the id it reserved, status, hold reasons, flags, times) before the
reader's text, and the SKU id before each line's.

What needs the values again (an order that exists already and is compared with the file's, a
ship-by promised from the order time) reads them back with `decode` / `value`: exactly the
record that was encoded (tests hold decode(encode(record)) == record).
"""
import json
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple

from wms.imports import copy_text, validation

# What the writer fills in (inserting.ENCODED_ORDER_COLUMNS puts them before READ_COLUMNS).
WRITER_COLUMNS = ("id", "channel_id", "status", "version", "hold_reasons", "flags", "created_at", "updated_at",
                  "ship_by")
_SPEC = {name: kind for name, kind, _default, _check in validation.ORDER_SPEC}
# The order columns whose text the reader makes, from its clean record.
READ_COLUMNS = ("external_id",) + tuple(name for name in _SPEC if name not in ("external_id", "lines", "ship_by"))
LINE_COLUMNS = ("sku_code", "name", "qty", "unit_price_cents", "list_price_cents")
_COPY_KIND = {"str": copy_text.TEXT, "int": copy_text.INT, "datetime": copy_text.TIME, "tags": copy_text.TEXT,
              "bool": copy_text.BOOL}
ORDER_FORMAT = copy_text.RowFormat([
    copy_text.OPTIONAL_TEXT if name in validation.NULLABLE and _SPEC[name] == "str" else
    _COPY_KIND.get(_SPEC[name], copy_text.ANY) for name in READ_COLUMNS])
LINE_FORMAT = copy_text.RowFormat([copy_text.TEXT, copy_text.TEXT, copy_text.INT, copy_text.INT, copy_text.INT])
_TAGS = READ_COLUMNS.index("tags")
_INDEX = {name: index for index, name in enumerate(READ_COLUMNS)}
_order_values = itemgetter(*READ_COLUMNS)
_line_values = itemgetter(*LINE_COLUMNS)


class EncodedOrder(NamedTuple):
    external_id: str
    text: str              # READ_COLUMNS in COPY text format (no newline)
    codes: tuple           # each line's SKU code, in line order
    lines: tuple           # each line's LINE_COLUMNS in COPY text format
    carrier_code: str | None = None
    ship_by: datetime | None = None


_NULL = copy_text.NULL
_build = tuple.__new__   # a named tuple from its fields, without its Python-level __new__


def encode(record):
    """The EncodedOrder of a clean record (validation.validate_record's shape)."""
    values = list(_order_values(record))
    tags = values[_TAGS]
    values[_TAGS] = "[]" if not tags else json.dumps(tags)   # as the JSON column's own serializer writes it
    lines = [_line_values(line) for line in record["lines"]]
    return _build(EncodedOrder, (record["external_id"], ORDER_FORMAT.row(values, owned=True),
                                 tuple([line[0] for line in lines]), line_texts(lines), record.get("carrier_code"),
                                 record.get("ship_by")))


def line_texts(lines):
    """Each line's LINE_COLUMNS values as COPY text (a tuple): LINE_FORMAT's rows. A line made
    before is remembered (_LINE_TEXTS: a file repeats its few thousand SKU, quantity and price
    lines); the others are made without LINE_FORMAT's loop for the common order (texts with
    nothing to escape and whole numbers: the format codes refuse anything else; a list price is
    its digits or NULL), checked once for the whole order: its only backslashes are the NULLs of
    the list prices it has not."""
    known = _LINE_TEXTS.get
    texts = [known(line) for line in lines]
    if None not in texts:
        return tuple(texts)
    texts = _line_texts(lines)
    if len(_LINE_TEXTS) >= _LINE_TEXTS_KEPT:
        _LINE_TEXTS.clear()
    _LINE_TEXTS.update(zip(lines, texts))
    return texts


_LINE_TEXTS = {}   # a line's LINE_COLUMNS values -> its COPY text
_LINE_TEXTS_KEPT = 50_000


def _line_texts(lines):
    try:
        texts = [f"{sku:s}\t{name:s}\t{qty:d}\t{price:d}\t{_NULL if listed is None else f'{listed:d}'}"
                 for sku, name, qty, price, listed in lines]
    except (TypeError, ValueError):
        texts = None
    if texts is not None:
        joined = "\n".join(texts)
        if (joined.count("\t") == 4 * len(texts) and joined.count("\n") == len(texts) - 1
                and joined.count("\\") == [line[4] for line in lines].count(None) and "\r" not in joined):
            return tuple(texts)
    return tuple([LINE_FORMAT.row(line) for line in lines])


def decode(encoded):
    """The clean record an EncodedOrder was made from."""
    record = {}
    for name, value in zip(READ_COLUMNS, copy_text.parse_row(encoded.text)):
        record[name] = _read(_SPEC[name], value)
    record["ship_by"] = encoded.ship_by
    record["lines"] = [{"sku_code": sku, "name": name, "qty": int(qty), "unit_price_cents": int(price),
                        "list_price_cents": None if listed is None else int(listed)}
                       for sku, name, qty, price, listed in map(copy_text.parse_row, encoded.lines)]
    return record


def _read(kind, value):
    if value is None or kind == "str":
        return value
    if kind == "int":
        return int(value)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "tags":
        return json.loads(value)
    if kind == "bool":
        return value == "t"
    return value


def value(encoded, name):
    """One of READ_COLUMNS' values of an EncodedOrder (the order time...), read from its text alone."""
    index = _INDEX[name]
    cell = encoded.text.split("\t", index + 1)[index]
    return None if cell == copy_text.NULL else _read(_SPEC[name], copy_text.unescape(cell))


def external_id_of(record):
    """The order number of a clean record, encoded or not."""
    return record.external_id if type(record) is EncodedOrder else record["external_id"]


def sku_codes(record):
    """The SKU codes of a clean record's lines, in line order, encoded or not."""
    return record.codes if type(record) is EncodedOrder else [line["sku_code"] for line in record["lines"]]


def carrier_code(record):
    return record.carrier_code if type(record) is EncodedOrder else record.get("carrier_code")
