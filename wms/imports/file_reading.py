"""The reading half of a file import: file(s) -> checked chunks of orders. No database, no Flask.

It runs in its own process (wms.imports.file_reader_child) while the job's process writes the chunk
before, so a file's parsing and its database writes use both cores. Everything it needs arrives
in a ReadSpec (plain values), and everything it produces is plain data: per chunk of up to
services.CHUNK orders, `CheckedChunk(last_row, orders)` with one `CheckedOrder` per order - its
clean record, or the (field, reason) errors and the report rows that reject it. With
`ReadSpec.encode` (PostgreSQL) a clean record goes as the COPY text of its rows instead
(wms.imports.encoded_orders): cheaper to send to the writer than the dict, and what it writes.
"""
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from wms.imports import contact_fields, encoded_orders, order_rules, statuses, validation
from wms.imports import mapping as mapping_rules
from wms.imports.cells import is_scientific
from wms.imports.file_plan import FilePlan
from wms.imports.line_file import LineFile
from wms.imports.order_group import to_record
from wms.spreadsheets import readers

FILE_FIELD = {"total_cents": "total", "unit_price_cents": "unit_price", "list_price_cents": "list_price"}
REJECTED, DUPLICATE = "rejected", "duplicate"   # outcomes decided while reading


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
    encode: bool = False             # clean records as EncodedOrders (the writer COPYs them: PostgreSQL)

    @property
    def columns(self):
        """Our field -> the file column(s) it came from, as the report names them."""
        return {f: (s if isinstance(s, str) else " | ".join(s)) for f, s in (self.mapping or {}).items()}


class CheckedOrder(NamedTuple):
    first_row: int
    external_id: str
    clean: dict | None      # the record to write (an EncodedOrder with ReadSpec.encode), or None: rejected
    #                         or a duplicate
    errors: list            # [(field, reason)] when rejected while reading
    report_rows: list       # [(row, order, field, column, reason)]: the block's reasons and flags
    outcome: str | None = None   # REJECTED / DUPLICATE when decided here; None: the writer decides
    holds: list = []        # [(code, template, values)]: write it on hold
    flags: list = []        # [(code, template, values)]: flag the order (imported, look at it)
    orphans: list = []      # [(row, order, field, column, reason)]: line rows attached to no order


class CheckedChunk(NamedTuple):
    last_row: int           # the file row the job's progress reaches once this chunk commits
    orders: list            # [CheckedOrder]


def read_checked(spec):
    """Yield CheckedChunks in file order, then return the (row, order number) of lines in a
    separate lines file that no order claimed (the generator's return value)."""
    tz = ZoneInfo(spec.timezone)
    columns = spec.columns
    seen = {}
    words = statuses.clean_words((spec.mapping or {}).get(mapping_rules.STATUS_VALUES))
    encode = encoded_orders.encode if spec.encode else None
    line_file = None
    try:
        headers, rows = readers.read_table(spec.path, spec.filename)
        plan = FilePlan(headers, spec.mapping or {}, tz)
        groups = plan.groups(rows)
        if spec.lines_path:
            lines_headers, lines_rows = readers.read_table(spec.lines_path, spec.lines_filename)
            line_file = LineFile(
                mapping_rules.mapped_rows(lines_headers, lines_rows, spec.lines_mapping or {}),
                directory=spec.spool_dir)
        while True:
            chunk = list(islice(groups, spec.chunk_size))
            if not chunk:
                break
            repeated = line_file.attach(chunk) if line_file is not None else {}
            last_row = max(g.rows[-1] for g in chunk)
            checked = [check_order(group, plan, tz, columns, seen, words, encode) for group in chunk]
            if repeated:
                checked = [_with_repeated_lines(order, repeated) for order in checked]
            yield CheckedChunk(last_row, checked)
        return list(line_file.unclaimed()) if line_file is not None else []
    finally:
        if line_file is not None:
            line_file.close()


def check_order(group, plan, tz, columns, seen, words=None, encode=None):
    """The CheckedOrder of one block read from the file; `seen` maps the order numbers before it to
    their first row, `words` are the channel's own status words (statuses.clean_words); `encode`
    turns the clean record into what is sent to the writer (encoded_orders.encode)."""
    external_id = group.external_id
    first = group.first_row
    column = columns.get("external_id", "")
    if external_id and is_scientific(external_id):
        reason = order_rules.SCIENTIFIC.format(value=external_id)
        return CheckedOrder(first, external_id, None, [("external_id", reason)],
                            [(first, external_id, "external_id", column, reason)], REJECTED,
                            orphans=[(row, external_id, "external_id", column, order_rules.SCIENTIFIC_LINE)
                                     for row in _line_rows(group)])
    if external_id and external_id in seen:
        reason = order_rules.DUPLICATE.format(order=external_id, row=seen[external_id])
        return CheckedOrder(first, external_id, None, [("external_id", reason)],
                            [(first, external_id, "external_id", column, reason)], DUPLICATE)
    seen[external_id] = first
    status_values = plan.status_values(group) if plan.status_part else None
    stated_count = status_values.pop("item_count", None) if status_values else None
    verdict, said = statuses.decide(status_values, columns, words) if status_values else (statuses.IMPORT, ())
    if verdict in (statuses.CANCELLED, statuses.SHIPPED):
        reasons = [template.format(**values) for kind, template, values in said if kind == verdict]
        return CheckedOrder(first, external_id, None, [("status", r) for r in reasons],
                            [(first, external_id, "status", "", r) for r in reasons], REJECTED)
    holds = [("platform_status" if template == statuses.REASONS["unknown"] else "payment", template, values)
             for kind, template, values in said if kind == statuses.HOLD] if said else []
    flags = ()
    clean = plan.clean(group)
    if clean is None:
        record, problems = to_record(group, tz)
        record, flags, line_holds, line_errors, kept = order_rules.apply_lines(
            record, [row for row, _cells in group.lines], first)
        holds += line_holds
        problems += line_errors
        clean, errors = validation.validate_record(record, file_lines=True)
        if problems or errors:
            for path, reason in errors:
                row, field = row_and_field(group, path, kept)
                problems.append((row, field, reason))
            problems.sort(key=lambda p: p[0])
            rows = [(row, external_id, field, columns.get(field, ""), reason) for row, field, reason in problems]
            return CheckedOrder(first, external_id, None, [(field, reason) for _row, field, reason in problems],
                                rows, REJECTED)
    if status_values is not None:
        clean["payment_status"] = "pending" if verdict == statuses.HOLD else "paid"
    if stated_count:
        mismatch = order_rules.count_check(stated_count, clean["lines"])
        if mismatch:
            holds.append(mismatch)
    contact_fields.normalise(clean)
    if encode is not None:
        clean = encode(clean)
    if not flags:
        return CheckedOrder(first, external_id, clean, [], [], None, holds)
    report_rows = [(row, external_id, field, columns.get(field, ""), reason) for row, field, reason in flags]
    order_flags = [f for f in (order_rules.flag_of(*flag) for flag in flags) if f]
    return CheckedOrder(first, external_id, clean, [], report_rows, None, holds=holds, flags=order_flags)


def _with_repeated_lines(order, repeated):
    """The order with a report row for each lines-file row that repeated one of its lines."""
    rows = repeated.get(order.external_id) if order.outcome is None else None
    if not rows:
        return order
    reason = order_rules.DUPLICATE_LINE.format(order=order.external_id)
    return order._replace(report_rows=order.report_rows + [(row, order.external_id, "lines", "", reason)
                                                           for row in rows])


def _line_rows(group):
    """The file rows of a group's lines (rows with line cells; an orders-only row is not one)."""
    return [row for row, _cells in group.lines]


def row_and_field(group, path, line_rows=None):
    """'lines.2.qty' -> (row of that line, 'qty'); 'total_cents' -> (first row, 'total').
    `line_rows`: the rows of the record's lines when some of the group's were dropped."""
    parts = path.split(".")
    if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        rows = line_rows if line_rows is not None else [row for row, _line in group.lines]
        row = rows[index] if index < len(rows) else group.first_row
        field = parts[2] if len(parts) > 2 else "sku_code"
        return row, FILE_FIELD.get(field, field)
    return group.first_row, FILE_FIELD.get(parts[0], parts[0])
