"""The reading half of a file import: file(s) -> checked chunks of orders. No database, no Flask.

It runs in its own process (wms.imports.reader_process) while the job's process writes the chunk
before, so a file's parsing and its database writes use both cores. Everything it needs arrives
in a ReadSpec (plain values), and everything it produces is plain data: per chunk of up to
services.CHUNK orders, `CheckedChunk(last_row, orders)` with one `CheckedOrder` per order - its
clean record, or the (field, reason) errors and the report rows that reject it.
"""
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from wms.imports import mapping as mapping_rules
from wms.imports import sources, validation
from wms.imports.file_plan import FilePlan
from wms.imports.line_file import LineFile
from wms.imports.order_group import to_record

FILE_FIELD = {"total_cents": "total", "unit_price_cents": "unit_price"}
NOT_TOGETHER = "This order's rows are not together: it appeared earlier in the file."


@dataclass(frozen=True)
class ReadSpec:
    """What the reader needs of an ImportJob, as plain values (sent to another process)."""
    path: str
    filename: str
    mapping: dict
    timezone: str
    chunk_size: int
    lines_path: str | None = None
    lines_filename: str | None = None
    lines_mapping: dict | None = None
    spool_dir: str | None = None     # where a separate lines file is indexed on disk

    @property
    def columns(self):
        """Our field -> the file column(s) it came from, as the report names them."""
        return {f: (s if isinstance(s, str) else " | ".join(s)) for f, s in (self.mapping or {}).items()}


class CheckedOrder(NamedTuple):
    first_row: int
    external_id: str
    clean: dict | None      # the record to write, or None: rejected
    errors: list            # [(field, reason)] when rejected while reading
    report_rows: list       # [(row, order, field, column, reason)] for the report CSV


class CheckedChunk(NamedTuple):
    last_row: int           # the file row the job's progress reaches once this chunk commits
    orders: list            # [CheckedOrder]


def read_checked(spec):
    """Yield CheckedChunks in file order, then return the (row, order number) of lines in a
    separate lines file that no order claimed (the generator's return value)."""
    tz = ZoneInfo(spec.timezone)
    columns = spec.columns
    seen = set()
    line_file = None
    try:
        headers, rows = sources.read_table(spec.path, spec.filename)
        plan = FilePlan(headers, spec.mapping or {}, tz)
        groups = plan.groups(rows)
        if spec.lines_path:
            lines_headers, lines_rows = sources.read_table(spec.lines_path, spec.lines_filename)
            line_file = LineFile(
                mapping_rules.mapped_rows(lines_headers, lines_rows, spec.lines_mapping or {}),
                directory=spec.spool_dir)
        while True:
            chunk = list(islice(groups, spec.chunk_size))
            if not chunk:
                break
            if line_file is not None:
                line_file.attach(chunk)
            last_row = max(g.rows[-1] for g in chunk)
            chunk = merge_repeats(chunk)
            yield CheckedChunk(last_row, [check_order(group, plan, tz, columns, seen) for group in chunk])
        return list(line_file.unclaimed()) if line_file is not None else []
    finally:
        if line_file is not None:
            line_file.close()


def check_order(group, plan, tz, columns, seen):
    """The CheckedOrder of one order read from the file; `seen` holds the order numbers before it."""
    external_id = group.external_id
    if external_id and external_id in seen:
        return CheckedOrder(group.first_row, external_id, None, [("external_id", NOT_TOGETHER)], [
            (group.first_row, external_id, "external_id", columns.get("external_id", ""), NOT_TOGETHER)])
    seen.add(external_id)
    clean = plan.clean(group)
    if clean is not None:
        return CheckedOrder(group.first_row, external_id, clean, [], [])
    record, problems = to_record(group, tz)
    clean, errors = validation.validate_record(record)
    if not problems and not errors:
        return CheckedOrder(group.first_row, external_id, clean, [], [])
    for path, reason in errors:
        row, field = row_and_field(group, path)
        problems.append((row, field, reason))
    problems.sort(key=lambda p: p[0])
    rows = [(row, external_id, field, columns.get(field, ""), reason) for row, field, reason in problems]
    return CheckedOrder(group.first_row, external_id, None, [(field, reason) for _row, field, reason in problems],
                        rows)


def row_and_field(group, path):
    """'lines.2.qty' -> (row of that line, 'qty'); 'total_cents' -> (first row, 'total')."""
    parts = path.split(".")
    if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        row = group.lines[index][0] if index < len(group.lines) else group.first_row
        field = parts[2] if len(parts) > 2 else "sku_code"
        return row, FILE_FIELD.get(field, field)
    return group.first_row, FILE_FIELD.get(parts[0], parts[0])


def merge_repeats(chunk):
    """Orders whose rows are apart but in the same chunk are folded into their first group."""
    first = {}
    merged = []
    for group in chunk:
        earlier = first.get(group.external_id) if group.external_id else None
        if earlier is None:
            first[group.external_id] = group
            merged.append(group)
            continue
        earlier.rows += group.rows
        earlier.lines += group.lines
        earlier.problems += group.problems
        for key, value in group.fields.items():
            earlier.fields.setdefault(key, value)
    return merged
