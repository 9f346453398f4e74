"""What an import does with an order's odd lines, and the sentences its report says. Pure: stdlib only.

Per line (issue 13, item 4): a quantity-0 line is dropped and the order flagged (no lines left:
rejected); a line with no SKU is imported and the order flagged (a SKU not in the catalogue is
flagged by the writer, which knows the catalogue); a negative price holds the order; an order row
stating a total item count that its lines do not add up to holds the order. A buyer note or seller
note beyond the column's limit is cut and the order flagged, never rejected.

Every report sentence is an English template with named values (`Text`), so that each reader
sees it in their language (`template_of` finds the template of a stored sentence).
"""
import re

from wms.imports.cells import parse_int

NOTE_LIMIT = 2000

QTY_ZERO = "Quantity 0: the line was dropped and the order flagged."
NO_SKU = "No SKU on this line: imported, the order is flagged."
UNKNOWN_SKU = "SKU {code} is not in the catalogue: imported, the order is flagged."
NO_LINES_LEFT = "Every line had quantity 0: nothing to ship."
NOTE_CUT = "Longer than {limit} characters: the first {limit} are kept and the order is flagged."
SCIENTIFIC = ("Excel turned this order number into scientific notation ({value}): its digits are lost. "
              "Export again with the order numbers as text.")
SCIENTIFIC_LINE = "A line of an order whose number Excel turned into scientific notation: attached to no order."
ORPHAN = "No order with this number in the orders file."
DUPLICATE = "Repeats order {order} of row {row}: imported once."
DUPLICATE_LINE = "Repeats a line of order {order} already read: not added again."
NEGATIVE_PRICE = "negative price on row {row}"
COUNT_MISMATCH = "the order row says {stated} items, its lines hold {counted}"
HELD = "Held: {reason}"

# a flag on the order (Order.flags, shown by the review desk): (code, its detail's template)
FLAGS = {
    QTY_ZERO: ("import_qty_zero", "row {row}: quantity 0, the line was dropped"),
    NO_SKU: ("import_no_sku", "row {row}: a line without SKU"),
    UNKNOWN_SKU: ("import_unknown_sku", "not in the catalogue: {codes}"),
    NOTE_CUT: ("import_note_cut", "a note cut at {limit} characters"),
}


def flag_of(row, field, reason):
    """The order flag (code, template, values) of a report row's flag, or None."""
    for sentence, (code, template) in FLAGS.items():
        values = match(sentence, reason)
        if values is not None:
            return code, template, {"row": row, **{("codes" if k == "code" else k): v for k, v in values.items()}}
    return None


TEMPLATES = (UNKNOWN_SKU, NOTE_CUT, SCIENTIFIC, DUPLICATE, DUPLICATE_LINE, HELD)


def _pattern(template):
    """A regex matching what `template.format(...)` wrote, one named group per placeholder."""
    regex, seen = re.escape(template), set()
    for name in re.findall(r"{(\w+)}", template):
        token = re.escape("{%s}" % name)
        if name not in seen:
            regex = regex.replace(token, f"(?P<{name}>.*?)", 1)
            seen.add(name)
        regex = regex.replace(token, f"(?P={name})")
    return re.compile(regex, re.S)


_PATTERNS = {}


def match(template, text):
    """The values `template` was filled with to give `text`, or None."""
    pattern = _PATTERNS.get(template)
    if pattern is None:
        pattern = _PATTERNS[template] = _pattern(template)
    found = pattern.fullmatch(text)
    return found.groupdict() if found else None


def template_of(reason):
    """(template, values) of a sentence this module wrote, or (reason, {})."""
    for template in TEMPLATES:
        values = match(template, reason)
        if values is not None:
            return template, values
    return reason, {}


def apply_lines(record, line_rows, first_row):
    """The per-line rules on a record read from a file (before validation).

    `line_rows` are the file rows of record["lines"], in order. Returns (record, flags, holds,
    errors): flags and errors as (row, field, reason), holds as (code, template, values).
    """
    flags, holds, errors = [], [], []
    kept = []
    for row, line in zip(line_rows, record.get("lines", [])):
        qty = line.get("qty")
        if qty == 0:
            flags.append((row, "qty", QTY_ZERO))
            continue
        sku = line.get("sku_code")
        if sku is None or (isinstance(sku, str) and not sku.strip()):
            line = {**line, "sku_code": ""}
            flags.append((row, "sku_code", NO_SKU))
        price = line.get("unit_price_cents")
        if isinstance(price, int) and price < 0:
            holds.append(("price", NEGATIVE_PRICE, {"row": row}))
        kept.append((row, line))
    if record.get("lines") and not kept and not errors:
        errors.append((first_row, "qty", NO_LINES_LEFT))
    record = {**record, "lines": [line for _row, line in kept]}
    for name in ("buyer_remark", "seller_note"):
        note = record.get(name)
        if isinstance(note, str) and len(note) > NOTE_LIMIT:
            record[name] = note[:NOTE_LIMIT]
            flags.append((first_row, name, NOTE_CUT.format(limit=NOTE_LIMIT)))
    return record, flags, holds, errors, [row for row, _line in kept]


def count_check(stated_text, lines):
    """A hold (code, template, values) when the order row's item count differs from its lines'."""
    if not stated_text:
        return None
    stated = parse_int(stated_text)
    if stated is None:
        return None
    counted = sum(line["qty"] for line in lines)
    if stated != counted:
        return ("item_count", COUNT_MISMATCH, {"stated": stated, "counted": counted})
    return None
