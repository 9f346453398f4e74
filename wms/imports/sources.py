"""Streaming readers for uploaded spreadsheets: CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX.

`read_rows(path)` yields `(row_number, {header: value})` one row at a time, never loading the whole
file: a 100k-order export stays a few MB of memory. Row numbers are the spreadsheet's own (the
header is row 1), so an error report points at the line a person sees in Excel.
"""
import codecs
import csv
import io
from pathlib import Path

from wms.errors import ValidationFailed

SNIFF_BYTES = 256 * 1024
CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 if the sample decodes, else gb18030 (a superset of GBK/GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def read_rows(path, filename=None):
    """Yield (row_number, row dict) from a CSV or XLSX file; headers are stripped of whitespace."""
    path = Path(path)
    suffix = Path(filename or path.name).suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        yield from _xlsx_rows(path)
    elif suffix in CSV_EXTENSIONS or not suffix:
        yield from _csv_rows(path)
    else:
        raise ValidationFailed(f"Unsupported file type '{suffix}': upload CSV or XLSX", field="file")


def read_table(path, filename=None):
    """(headers, iterator of (row_number, [cell text])): read_rows without a dict per row.

    Cells are stripped; a row may be shorter than the headers. For the 100k-row import path.
    """
    path = Path(path)
    suffix = Path(filename or path.name).suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        rows = _xlsx_rows(path)
        first = next(rows, None)
        if first is None:
            return [], iter(())
        headers = list(first[1].keys())

        def xlsx_values():
            yield first[0], list(first[1].values())
            for number, row in rows:
                yield number, list(row.values())
        return headers, xlsx_values()
    if suffix not in CSV_EXTENSIONS and suffix:
        raise ValidationFailed(f"Unsupported file type '{suffix}': upload CSV or XLSX", field="file")
    return _csv_table(path)


def _csv_table(path):
    raw = open(path, "rb")
    encoding = detect_encoding(raw.read(SNIFF_BYTES))
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        sample = text.read(8192)
        text.seek(0)
        reader = csv.reader(text, _dialect(sample))
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        text.close()
        return [], iter(())
    except UnicodeDecodeError as error:
        text.close()
        raise ValidationFailed(f"The file is neither UTF-8 nor GBK text ({error.reason})", field="file")
    _check_headers(headers)

    def values():
        with text:
            try:
                for number, cells in enumerate(reader, start=2):
                    cells = list(map(str.strip, cells))
                    if any(cells):
                        yield number, cells
            except UnicodeDecodeError as error:
                raise ValidationFailed(f"Row {reader.line_num}: the text is not valid {encoding} ({error.reason})",
                                       field="file")
    return headers, values()


def read_headers(path, filename=None):
    """The header row only (for the column-mapping screen)."""
    for _number, row in read_rows(path, filename):
        return list(row.keys())
    return []


def _csv_rows(path):
    with open(path, "rb") as raw:
        encoding = detect_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        sample = text.read(8192)
        text.seek(0)
        dialect = _dialect(sample)
        reader = csv.reader(text, dialect)
        try:
            headers = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise ValidationFailed(f"The file is neither UTF-8 nor GBK text ({error.reason})", field="file")
        _check_headers(headers)
        try:
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                yield number, _zip(headers, values)
        except UnicodeDecodeError as error:
            raise ValidationFailed(f"Row {reader.line_num}: the text is not valid {encoding} ({error.reason})",
                                   field="file")


def _dialect(sample):
    """Standard CSV quoting always (doubled quotes, newlines and delimiters inside quoted fields);
    only the delimiter is detected: the one of comma, semicolon and tab the header line holds
    most of (csv.Sniffer also guessed the quoting, and could decide that `""` inside a quoted
    field is not an escaped quote: a note then split its record)."""
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if delimiter == ",":
        return csv.excel
    return type("detected", (csv.excel,), {"delimiter": delimiter})


def _xlsx_rows(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ValidationFailed(f"Not a readable XLSX file: {error}", field="file")
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            headers = [("" if h is None else str(h)).strip() for h in next(rows)]
        except StopIteration:
            return
        _check_headers(headers)
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else _cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield number, _zip(headers, cells)
    finally:
        workbook.close()


def _cell_text(value):
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= 1e15:
            # a number Excel kept as a double lost its digits beyond the 15th: written as Excel shows
            # it (1.23457E+17), an order number like that is rejected instead of being guessed at
            return f"{value:.5E}"
        return str(int(value))  # Excel turns 13800138000 and order numbers into floats
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _check_headers(headers):
    named = [h for h in headers if h]
    if not named:
        raise ValidationFailed("The first row must hold the column headers", field="file")
    duplicates = sorted({h for h in named if named.count(h) > 1})
    if duplicates:
        raise ValidationFailed(f"Duplicate column headers: {', '.join(duplicates)}", field="file")


def _zip(headers, values):
    row = {}
    for index, header in enumerate(headers):
        if header:
            row[header] = values[index].strip() if index < len(values) else ""
    return row


def estimate_rows(path, filename=None):
    """About how many data rows the file holds (for a progress bar), without parsing it."""
    path = Path(path)
    if Path(filename or path.name).suffix.lower() in XLSX_EXTENSIONS:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:
            return 0
        return max(0, rows - 1)
    newlines = 0
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            newlines += block.count(b"\n")
    return max(0, newlines - 1)
