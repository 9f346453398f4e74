"""Every sentence a SKU import writes about a row it refused or a file it could not read, as
templates the pages translate (the report keeps the English). Pure: stdlib only.

Row refusals come from the row schema (marshmallow's words and ours) and from the chunk writer;
file failures from the readers (wms.spreadsheets.readers), wms.catalog.file_check and the run.
"""
import re

from wms.catalog import kits

BARCODE_TAKEN = "Barcode {barcode} already belongs to SKU {other_sku}"
ROLLED_BACK = "Not imported: rows {first} to {last} were rolled back together ({error})"
MISSING_COLUMNS = "Missing column(s): {columns} (e.g. 编码/商品编码, 名称/商品名称)"
NO_ROWS = "The file holds no rows to import: the first row names the columns (code, name...), one SKU on each row below"
FILE_GONE = "The uploaded file is no longer on the server: upload it again"
NOT_CSV = "The file is not readable CSV after row {row} ({error})"
CHUNK_FAILED = ("Rows {first} to {last} could not be written to the database ({error}): the rows before them are "
                "imported, those from row {first} on are not. Import the file again: imported rows are matched "
                "by code, never duplicated")
# the shared readers' sentences (wms.spreadsheets.readers) this import passes on
READER = ("Row {row}: the file is neither UTF-8 nor GBK text ({reason})",
          "the file is neither UTF-8 nor GBK text ({reason})",
          "Row {row}: the file cannot be read as CSV ({error})",
          "Row {row}: a cell is longer than {limit} characters (Excel's own limit): this is not a platform's export",
          "Row {row}: a cell is longer than {limit} characters (Excel's own limit)",
          "The file holds more than {limit} rows (a spreadsheet's limit): split it into smaller files",
          ("Not a readable XLSX file ({error}): upload the file as the platform exported it, or save it again "
           "from Excel"),
          "Not a readable XLSX file ({error})", "Not a readable XLSX file: {error}",
          "The XLSX unpacks to {size} MB, more than {limit} MB: export it as CSV or in parts",
          "The XLSX holds more than {limit} distinct texts: export it as CSV or in parts",
          "The file has {count} columns, more than {limit}: this is not a platform's export",
          "Unsupported file type '{suffix}': upload CSV or XLSX", "Duplicate column headers: {names}")
# the row schema's sentences that carry a value
SCHEMA = ("'{input}' is not a barcode (letters, digits, - _ .)", "Longer than maximum length {max}.",
          "Shorter than minimum length {min}.", "Length must be between {min} and {max}.")
# a `Kit components` cell (wms.catalog.kit_rows)
KIT_UNKNOWN = "Kit components not in the catalogue or this file: {codes}"
KIT_ON_THE_FLOOR = ("Kit {kit} is on {count} order(s) already allocated or on the floor: change it once they have "
                    "shipped")   # wms.inventory.allocating's check, told by kit_services.check_change
TEMPLATES = (BARCODE_TAKEN, ROLLED_BACK, MISSING_COLUMNS, NOT_CSV, CHUNK_FAILED, *READER, *SCHEMA, KIT_UNKNOWN, KIT_ON_THE_FLOOR,
             *kits.TEMPLATES)

_patterns = {}


def template_of(text):
    """(template, values) of a sentence filled from one of TEMPLATES, or (text, {}) for any other."""
    for template in TEMPLATES:
        pattern = _patterns.get(template)
        if pattern is None:
            pattern = _patterns[template] = _pattern(template)
        found = pattern.fullmatch(text or "")
        if found:
            return template, found.groupdict()
    return text or "", {}


def _pattern(template):
    """A regex with one named group per {placeholder}; a name used twice must match the same text."""
    parts, seen = [], set()
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(parts), re.S)
