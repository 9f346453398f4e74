"""One order as read from a file (OrderGroup) and its canonical record (to_record). Pure: stdlib only.

Consecutive rows with the same order number make one order: order fields from the first row that
has them, one line per row (Shopify's export and most Chinese platform exports look like that).
`to_record` turns it into the canonical record (money in yuan -> integer cents via Decimal, counts
-> int, dates -> datetime), reporting per row what it could not read; validation.validate_record
then checks that record.
"""
from wms.imports import validation
from wms.imports.cells import parse_bool, parse_datetime, parse_int, parse_invoice, split_tags, unguard, yuan_to_cents
from wms.imports.mapping import PAYMENT_WORDS, first_filled


class OrderGroup:
    """One order as read from the file: order fields, its line rows, the rows it came from.

    A group read by a FilePlan keeps its rows' cells and folds them into `fields` and `lines`
    only when asked (FilePlan.clean turns well-formed orders into records without that step).
    """

    __slots__ = ("external_id", "rows", "problems", "cells", "plan", "_fields", "_lines")

    def __init__(self, external_id, row_number, plan=None, cells=None):
        self.external_id = external_id
        self.rows = [row_number]
        self.problems = []    # [(row, field, reason)] found while reading
        self.plan = plan
        self.cells = cells if cells is not None else []   # [(row number, [cell text])]
        self._fields = None if plan is not None else {}
        self._lines = None if plan is not None else []    # [(row number, {line field: text})]

    @property
    def first_row(self):
        return self.rows[0]

    @property
    def folded(self):
        """True once fields/lines were built (or edited): the plan's fast path no longer applies."""
        return self._fields is not None

    @property
    def fields(self):
        if self._fields is None:
            self._fold()
        return self._fields

    @fields.setter
    def fields(self, value):
        self.lines  # fold first: lines and fields are built together
        self._fields = value

    @property
    def lines(self):
        if self._lines is None:
            self._fold()
        return self._lines

    @lines.setter
    def lines(self, value):
        self.fields
        self._lines = value

    def _fold(self):
        """Order fields from the first row that has them; one line per row with line fields."""
        fields, lines = {}, []
        for number, cells in self.cells:
            size = len(cells)
            for field, indexes in self.plan.order_part:
                if field not in fields:
                    value = first_filled(cells, indexes, size)
                    if value:
                        fields[field] = value
            line = {}
            for field, indexes in self.plan.line_part:
                value = first_filled(cells, indexes, size)
                if value:
                    line[field] = value
            if line:
                lines.append((number, line))
        self._fields, self._lines = fields, lines


def to_record(group, tz=None):
    """(record, problems) for an OrderGroup; problems are (row, field, reason) of unreadable cells."""
    problems = list(group.problems)
    row = group.first_row
    record = {"external_id": group.external_id}
    for field, value in group.fields.items():
        if field == "external_id":
            continue
        if field == "total":
            cents = yuan_to_cents(value)
            if cents is None:
                problems.append((row, "total", validation.NOT_MONEY))
            else:
                record["total_cents"] = cents
        elif field in ("ordered_at", "presale_ship_from"):
            parsed = parse_datetime(value, tz)
            if parsed is None:
                problems.append((row, field, validation.NOT_DATETIME))
            else:
                record[field] = parsed
        elif field == "priority":
            number = parse_int(value)
            if number is None:
                problems.append((row, field, validation.NOT_INTEGER))
            else:
                record["priority"] = number
        elif field == "tags":
            record["tags"] = split_tags(value)
        elif field in _FLAG_READERS:
            flag = _FLAG_READERS[field](value)
            if flag is None:
                problems.append((row, field, validation.NOT_BOOLEAN))
            else:
                record[field] = flag
        elif field == "payment_status":
            word = value.strip().lower()
            record["payment_status"] = PAYMENT_WORDS.get(word, word)
        elif field in ("country", "currency"):
            record[field] = value.strip().upper()
        elif field in ("postcode", "buyer_phone"):
            record[field] = unguard(value)
        else:
            record[field] = value
    lines = []
    for number, cells in group.lines:
        line = {}
        for field, value in cells.items():
            if field == "qty":
                qty = parse_int(value)
                if qty is None:
                    problems.append((number, "qty", validation.NOT_INTEGER))
                else:
                    line["qty"] = qty
            elif field == "unit_price":
                cents = yuan_to_cents(value)
                if cents is None:
                    problems.append((number, "unit_price", validation.NOT_MONEY))
                else:
                    line["unit_price_cents"] = cents
            elif field == "list_price":
                cents = yuan_to_cents(value)
                if cents is None:
                    problems.append((number, "list_price", validation.NOT_MONEY))
                else:
                    line["list_price_cents"] = cents
            elif field == "sku_code":
                line[field] = unguard(value)
            else:
                line[field] = value
        lines.append(line)
    record["lines"] = lines
    return record, problems


# yes / no columns (wms.imports.cells): an invoice column may hold the invoice title instead
_FLAG_READERS = {"cash_on_delivery": parse_bool, "invoice_requested": parse_invoice}
