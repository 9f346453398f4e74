"""Parse and check a warehouse layout CSV, row by row. Pure: stdlib only.

Columns (header row required; extra columns ignored):
    code, barcode, aisle, position_m        required
    zone, block, side, level, bay, slot     optional (block 1, side L, level 1)
`aisle` and `block` are the numbers printed on the floor, starting at 1; they are stored as 0-based
indexes (wms.picking.layout). `position_m` is metres from the start of the block's storage.
Every bad row is reported (row number as in a spreadsheet: the header is row 1); a file with any
error imports nothing.
"""
import csv
import io
from dataclasses import dataclass

from wms.inventory.demo_layout import BinSpec

REQUIRED = ("code", "barcode", "aisle", "position_m")
OPTIONAL = ("zone", "block", "side", "level", "bay", "slot")
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row."""

    row: int
    field: str
    message: str


def read_csv(text):
    """Rows of a CSV text as dicts with lower-case, trimmed keys (a UTF-8 BOM is tolerated)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        return [], []
    header = [(name or "").strip().lower() for name in reader.fieldnames]
    rows = [{header[i]: (value or "").strip() for i, value in enumerate(raw.values()) if i < len(header)}
            for raw in reader]
    return header, rows


def parse_layout(text, n_aisles, block_lengths):
    """(specs, errors) for a layout CSV checked against the warehouse's aisles and blocks."""
    header, rows = read_csv(text)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [RowError(1, name, "missing column") for name in missing]
    if not rows:
        return [], [RowError(1, "", "the file has no rows")]
    if len(rows) > MAX_ROWS:
        return [], [RowError(1, "", f"at most {MAX_ROWS} rows")]
    specs, errors, seen_codes, seen_barcodes = [], [], {}, {}
    for number, row in enumerate(rows, start=2):
        spec, row_errors = parse_row(number, row, n_aisles, block_lengths)
        if spec is not None:
            for key, seen, value in (("code", seen_codes, spec.code), ("barcode", seen_barcodes, spec.barcode)):
                if value in seen:
                    row_errors.append(RowError(number, key, f"duplicate of row {seen[value]}"))
                seen.setdefault(value, number)
        errors.extend(row_errors)
        if spec is not None and not row_errors:
            specs.append(spec)
    return (specs if not errors else []), errors


def parse_row(number, row, n_aisles, block_lengths):
    """(BinSpec or None, [RowError]) for one row."""
    errors = []

    def fail(field, message):
        errors.append(RowError(number, field, message))

    for name in REQUIRED:
        if not row.get(name):
            fail(name, "required")
    aisle = _int(row.get("aisle"), "aisle", 1, n_aisles, fail)
    block = _int(row.get("block") or "1", "block", 1, len(block_lengths), fail)
    level = _int(row.get("level") or "1", "level", 1, 99, fail)
    bay = _int(row.get("bay") or "0", "bay", 0, 9999, fail)
    slot = _int(row.get("slot") or "1", "slot", 1, 99, fail)
    position = _number(row.get("position_m"), fail)
    if position is not None and block is not None and not 0 <= position <= block_lengths[block - 1]:
        fail("position_m", f"must be between 0 and {block_lengths[block - 1]:g} m (the block's length)")
    side = (row.get("side") or "L").upper()
    if side not in ("L", "R"):
        fail("side", "must be L or R")
    for name, limit in (("code", 40), ("barcode", 64), ("zone", 20)):
        if len(row.get(name) or "") > limit:
            fail(name, f"at most {limit} characters")
    if errors or not row.get("code") or not row.get("barcode"):
        return None, errors
    return BinSpec(row["code"], row["barcode"], aisle - 1, block - 1, position, side, level, bay, slot,
                   row.get("zone") or ""), errors


def _int(text, field, low, high, fail):
    if text in (None, ""):
        return None
    try:
        value = int(text)
    except ValueError:
        fail(field, "must be a whole number")
        return None
    if not low <= value <= high:
        fail(field, f"must be between {low} and {high}")
        return None
    return value


def _number(text, fail):
    if text in (None, ""):
        return None
    try:
        value = float(text)
    except ValueError:
        fail("position_m", "must be a number of metres")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        fail("position_m", "must be a number of metres")
        return None
    return value
