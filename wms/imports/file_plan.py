"""Rows of one file -> OrderGroups, and well-formed orders straight to clean records. Pure: stdlib only.

A FilePlan is a column mapping compiled against one file's headers. `groups` folds consecutive
rows with the same order number into OrderGroups; `clean` is the fast path: it turns a well-formed
order into exactly the record that order_group.to_record + validation.validate_record give, with
no intermediate dicts, and steps aside (None) for anything unusual so that they decide and report.
It runs once per order of every file, hence the local names and the itemgetter.
"""
from operator import itemgetter

from wms.imports import validation
from wms.imports.cells import (GUARD_STARTS, parse_bool, parse_datetime, parse_int, parse_invoice, split_tags, unguard,
                               yuan_to_cents)
from wms.imports.mapping import EXTRA_FIELDS, LINE_FIELDS, ORDER_FIELDS, compile_mapping, first_filled
from wms.imports.order_group import OrderGroup
from wms.imports.statuses import STATUS_FIELDS

_STATUS_PART = frozenset(STATUS_FIELDS) | frozenset(EXTRA_FIELDS)   # read by check_order, not records
_ORDER_ONLY = frozenset(ORDER_FIELDS) - {"external_id"} - _STATUS_PART
_LINE_ONLY = frozenset(LINE_FIELDS)


def read_orders(headers, rows, mapping):
    """Fold consecutive rows (row number, [cells]) with the same order number into OrderGroups.

    Order fields come from the first row that has them; each row with line fields is a line. A
    row with no order number continues the order above it (merged cells in Excel exports).
    """
    return FilePlan(headers, mapping).groups(rows)


class FilePlan:
    """A column mapping compiled against one file's headers (column indexes per field, read once
    per file), grouping rows into orders and turning well-formed orders straight into clean
    records (`clean`). Anything unusual is left to to_record + validation.validate_record, which
    remain the definition: `clean` returns exactly their clean record, or None to defer to them.
    """

    def __init__(self, headers, mapping, tz=None):
        compiled = compile_mapping(mapping, headers)
        self.key = dict(compiled).get("external_id", ())
        self.order_part = [(f, ix) for f, ix in compiled if f in _ORDER_ONLY]
        self.line_part = [(f, ix) for f, ix in compiled if f in _LINE_ONLY]
        self.status_part = [(f, ix) for f, ix in compiled if f in _STATUS_PART]
        self.tz = tz
        # (field, its indexes, converter or None for plain text, plain text's length limit)
        self._order_plan = [(f, ix, _ORDER_CONVERTERS.get(f), _TEXT_LIMITS.get(f)) for f, ix in self.order_part]
        # the first row's order cells in one C call, when each field comes from one column
        single_order = len(self.order_part) > 1 and all(len(ix) == 1 for _f, ix in self.order_part)
        self._order_cells = itemgetter(*(ix[0] for _f, ix in self.order_part)) if single_order else None
        self._order_width = max(ix[0] for _f, ix in self.order_part) + 1 if single_order else 0
        present = {f for f, _ix in self.order_part}
        self._defaults = {f: (d() if callable(d) else d) for f, d in _DEFAULTS.items()
                          if _FILE_FIELD.get(f, f) not in present}
        line = dict(self.line_part)
        self._line_ix = tuple(line.get(f, ()) for f in _LINE_CELLS)
        # the list price, when mapped, read after the four (most files have none: no work then)
        self._list_price_ix = line.get("list_price", ())
        # the four line cells in one C call, when each comes from one column and the row is wide enough
        single = all(len(ix) == 1 for ix in self._line_ix)
        self._line_cells = itemgetter(*(ix[0] for ix in self._line_ix)) if single else None
        self._line_width = max(ix[0] for ix in self._line_ix) + 1 if single else 0

    def groups(self, rows):
        """OrderGroups from rows (row number, [cells]) in file order (see read_orders).

        Order numbers lose Excel's text guards (`="…"`, a leading `'`). A row identical to its
        order's first row starts a new group with the same number: an export pasted twice in a
        row repeats its blocks, and the repeat is reported as such, never folded into the first.
        """
        key = self.key
        single = key[0] if len(key) == 1 else None
        current = None
        for number, cells in rows:
            if single is not None:
                external_id = cells[single] if single < len(cells) else ""
            else:
                external_id = first_filled(cells, key, len(cells))
            if external_id[:1] in GUARD_STARTS and external_id:
                external_id = unguard(external_id)
            if current is None or (external_id and external_id != current.external_id) or (
                    external_id and cells == current.cells[0][1]):
                if current is not None:
                    yield current
                current = OrderGroup(external_id, number, self, [(number, cells)])
                if not external_id:
                    current.problems.append((number, "external_id", validation.MISSING))
            elif len(current.cells) < validation.MAX_LINES_PER_ORDER:
                current.rows.append(number)
                current.cells.append((number, cells))
            elif len(current.cells) == validation.MAX_LINES_PER_ORDER:
                # the order is rejected; its further rows are not kept (a file of one order with a
                # million lines must not take a million rows of memory)
                current.problems.append((number, "lines", validation.TOO_MANY_LINES))
                current.cells.append((number, []))
        if current is not None:
            yield current

    def status_values(self, group):
        """{status or item-count field: the first filled cell of the group's rows} (see statuses);
        the status fields mapped but empty on every row are left out."""
        values = {}
        first = group.cells[0][1]
        size = len(first)
        for field, indexes in self.status_part:
            value = first[indexes[0]] if len(indexes) == 1 and indexes[0] < size else first_filled(first, indexes, size)
            if not value:
                for _number, cells in group.cells[1:]:
                    value = first_filled(cells, indexes, len(cells))
                    if value:
                        break
            if value:
                values[field] = value
        return values

    def clean(self, group):
        """The clean record of a well-formed order read by this plan, or None: then
        to_record + validate_record decide (and name the row, field and reason of any problem)."""
        if group.plan is not self or group.folded or group.problems:
            return None
        external_id = group.external_id
        if len(external_id) > 64 or not external_id.strip():
            return None
        rows = group.cells
        first = rows[0][1]
        size = len(first)
        record = {"external_id": external_id.strip()}
        if self._order_cells is not None and size >= self._order_width:
            values = self._order_cells(first)
        else:
            values = [first_filled(first, indexes, size) for _field, indexes, _convert, _limit in self._order_plan]
        try:
            for (field, indexes, convert, limit), value in zip(self._order_plan, values):
                if not value:
                    for _number, cells in rows[1:]:
                        value = first_filled(cells, indexes, len(cells))
                        if value:
                            break
                    else:
                        name = _RECORD_FIELD.get(field, field)
                        record[name] = _DEFAULTS[name]() if name == "tags" else _DEFAULTS[name]
                        continue
                if limit is not None:   # plain text (see _TEXT_LIMITS): inline, it is most fields
                    if len(value) > limit:
                        return None
                    record[field] = value.strip()
                else:
                    name, value = convert(self, field, value)
                    record[name] = value
            record.update(self._defaults)
            if "tags" in self._defaults:
                record["tags"] = []
            lines = []
            sku_ix, name_ix, qty_ix, price_ix = self._line_ix
            list_ix = self._list_price_ix
            line_cells, width = self._line_cells, self._line_width
            read_before = _LINES.get
            for _number, cells in rows:
                size = len(cells)
                if line_cells is not None and size >= width:
                    line = line_cells(cells)
                else:
                    line = (first_filled(cells, sku_ix, size), first_filled(cells, name_ix, size),
                            first_filled(cells, qty_ix, size), first_filled(cells, price_ix, size))
                if list_ix:
                    listed = first_filled(cells, list_ix, size)
                    if listed:
                        listed = yuan_to_cents(listed)
                        if listed is None or listed < 0:
                            return None
                    else:
                        listed = None
                    if not any(line) and listed is None:
                        continue
                elif not any(line):
                    continue
                else:
                    listed = None
                line = read_before(line) or _line_values(line)
                if line is None:
                    return None
                sku, name, qty, price = line
                lines.append({"sku_code": sku, "name": name, "qty": qty, "unit_price_cents": price,
                              "list_price_cents": listed})
        except _Defer:
            return None
        if not lines:
            return None
        record["lines"] = lines
        return record


def _line_values(cells):
    """(SKU code, name, qty, unit price in cents) of a line's (SKU, name, qty, unit price) cells,
    not all blank, or None to step aside. Remembered (_LINES) for the next line with the same four
    cells: a file sells its few hundred SKUs at their few prices on line after line, and reading
    them is most of a line's work."""
    sku, name, qty, price = cells
    if sku[:1] in GUARD_STARTS:
        sku = unguard(sku)
    if not sku.strip() or len(sku) > 64 or len(name) > 255:
        return None
    if qty:
        qty = _SMALL_COUNTS.get(qty) or parse_int(qty)
        if qty is None or qty < 1:
            return None
    else:
        qty = 1
    if price:
        price = yuan_to_cents(price)
        if price is None or price < 0:
            return None
    else:
        price = 0
    sku, name = sku.strip(), name.strip()
    values = (_SHARED.get(sku) or _keep(sku), _SHARED.get(name) or _keep(name), qty, price)
    if len(_LINES) >= _LINES_KEPT:
        _LINES.clear()
    _LINES[cells] = values
    return values


_LINES = {}   # a line's four cells -> _line_values' answer (steps aside are not remembered)
_LINES_KEPT = 50_000


# A line's SKU and name as one shared text per value: a file names its few hundred SKUs on every
# line, and pickling a chunk to the writer (wms.imports.file_reader_child) sends a text it has
# sent before as a reference to it, which costs both processes less than the text again.
_SHARED = {}
_SHARED_KEPT = 20_000


def _keep(text):
    if len(_SHARED) < _SHARED_KEPT:
        _SHARED[text] = text
    return text


_LINE_CELLS = ("sku_code", "name", "qty", "unit_price")   # read in one call per row (list_price apart)


class _Defer(Exception):
    """A cell the fast path leaves to to_record + validate_record."""


# Converters: (plan, file field, non-empty cell text) -> (record field, clean value), exactly as
# to_record then validate_record would have it (checks on the text before stripping, as there).

def _carrier(plan, field, value):
    if len(value) > 40:
        raise _Defer
    return field, value.strip() or None


def _email(plan, field, value):
    if validation.check_email(value):
        raise _Defer
    return field, value.strip()


def _upper(check, default):
    known = {}   # cell -> clean code: a file writes its few countries and currencies on every order

    def convert(plan, field, value):
        code = known.get(value)
        if code is None:
            code = value.strip().upper() or default
            if code is not default and check(code):
                raise _Defer
            if len(known) < _CODES_KEPT:
                known[value] = code
        return field, code
    return convert


_CODES_KEPT = 1_000


def _postcode(plan, field, value):
    value = unguard(value)
    if len(value) > 20:
        raise _Defer
    return field, value.strip()


def _total(plan, field, value):
    cents = yuan_to_cents(value)
    if cents is None or cents < 0:
        raise _Defer
    return "total_cents", cents


def _ordered_at(plan, field, value):
    parsed = parse_datetime(value, plan.tz)
    if parsed is None:
        raise _Defer
    return field, parsed


def _priority(plan, field, value):
    number = parse_int(value)
    if number is None:
        raise _Defer
    return field, number


def _flag(read):
    def convert(plan, field, value):
        flag = read(value)
        if flag is None:
            raise _Defer
        return field, flag
    return convert


def _tag_list(plan, field, value):
    tags = split_tags(value)
    if any(len(t) > 40 for t in tags):
        raise _Defer
    return field, tags


def _phone(plan, field, value):
    value = unguard(value)
    if len(value) > 40:
        raise _Defer
    return field, value.strip()


# Plain text fields, converted inline by clean (no call per cell): longer than the limit defers,
# else the text stripped.
_TEXT_LIMITS = {"buyer_name": 120, "province": 60, "city": 60, "district": 60, "address": 500,
                "buyer_remark": 2000, "seller_note": 2000}
_ORDER_CONVERTERS = {
    "ordered_at": _ordered_at, "buyer_phone": _phone, "buyer_email": _email,
    "country": _upper(validation.check_country, "CN"), "postcode": _postcode, "total": _total,
    "currency": _upper(validation.check_currency, "CNY"), "tags": _tag_list, "priority": _priority,
    "carrier_code": _carrier, "presale_ship_from": _ordered_at,
    "cash_on_delivery": _flag(parse_bool), "invoice_requested": _flag(parse_invoice),
}
_SMALL_COUNTS = {str(n): n for n in range(1, 100)}   # most quantity cells: int() without the call
# the clean record's defaults for fields the file leaves empty (validation.ORDER_SPEC's)
_DEFAULTS = {name: default for name, _kind, default, _check in validation.ORDER_SPEC
             if default is not validation.REQUIRED}
_RECORD_FIELD = {"total": "total_cents"}
_FILE_FIELD = {"total_cents": "total"}
