"""Streaming readers for uploaded spreadsheets: CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX.

`read_rows(path)` yields `(row_number, {header: value})` one row at a time, never loading the whole
file: a 100k-order export stays a few MB of memory. Row numbers are the spreadsheet's own (the
header is row 1), so an error report points at the line a person sees in Excel.

Every file is read within limits, and a file past one is refused with a sentence that says which
(a ValidationFailed, never a 500): columns, rows (Excel's own sheet size), a cell's length (Excel's
own cell size), and for XLSX its unpacked size and its count of distinct texts (openpyxl holds
those in memory; a 0.5 MB file can hold millions). Binary data is not taken for text. The pages
read a file's first rows through `peek`, which reads a large XLSX in a child process so that the
web process's memory stays its own.
"""
import codecs
import csv
import io
import re
import time
import zipfile
from collections import Counter
from pathlib import Path

from wms.errors import ValidationFailed
from wms.wording import wording

SNIFF_BYTES = 256 * 1024
CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}

MAX_COLUMNS = 1_000
MAX_ROWS = 1_048_576                # data rows; Excel's own sheet holds 1,048,576 rows
MAX_CELL_CHARS = 32_767             # Excel's own limit for one cell
XLSX_MAX_UNPACKED_BYTES = 1 << 30   # all parts of the archive, unpacked (a zip bomb stops here)
XLSX_MAX_SHARED_STRINGS = 2_000_000
FILE = {"field": "file"}          # every refusal here names the uploaded file's input

csv.field_size_limit(MAX_CELL_CHARS)


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-16 for its BOM (Excel's "Unicode text"), utf-8 if the sample
    decodes, else gb18030 (a superset of GBK/GB2312). Binary data is refused."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise ValidationFailed("This file is not text: it holds binary data. Upload the CSV or XLSX file "
                               "the platform exported", field="file")
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
        raise ValidationFailed.worded("Unsupported file type '{suffix}': upload CSV or XLSX", suffix=suffix,
                                      details=FILE)


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
        raise ValidationFailed.worded("Unsupported file type '{suffix}': upload CSV or XLSX", suffix=suffix,
                                      details=FILE)
    return _csv_table(path)


def _csv_table(path):
    text, reader, headers = _open_csv(path)
    if headers is None:
        return [], iter(())

    def values():
        with text:
            with _csv_errors(reader, text.encoding):
                for number, cells in enumerate(reader, start=2):
                    cells = list(map(str.strip, cells))
                    if any(cells):
                        if number > MAX_ROWS + 1:
                            raise _too_many_rows()
                        yield number, cells
    return headers, values()


def _open_csv(path):
    """(text stream, csv reader, stripped headers or None for an empty file), headers checked."""
    raw = open(path, "rb")
    try:
        encoding = detect_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = None
        with _csv_errors(reader, encoding):
            sample = text.read(8192)
            text.seek(0)
            reader = csv.reader(text, _dialect(sample))
            headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raw.close()
        return None, None, None
    except BaseException:
        raw.close()
        raise
    _check_headers(headers)
    return text, reader, headers


class _csv_errors:
    """A CSV that cannot be decoded or parsed (a cell past MAX_CELL_CHARS, a NUL) is a clear error."""

    def __init__(self, reader, encoding):
        self.reader, self.encoding = reader, encoding

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _trace):
        where = (wording("Row {row}: ", row=self.reader.line_num) if self.reader is not None and self.reader.line_num
                 else "")
        if isinstance(error, UnicodeDecodeError):
            raise ValidationFailed.worded("{where}the file is neither UTF-8 nor GBK text ({reason})", where=where,
                                          reason=error.reason, details=FILE) from None
        if isinstance(error, csv.Error):
            if "field larger than field limit" in str(error):
                raise ValidationFailed.worded("{where}a cell is longer than {limit} characters (Excel's own limit): "
                                              "this is not a platform's export", where=where,
                                              limit=f"{MAX_CELL_CHARS:,}", details=FILE) from None
            raise ValidationFailed.worded("{where}the file cannot be read as CSV ({error})", where=where,
                                          error=str(error), details=FILE) from None
        return False


def _too_many_rows():
    return ValidationFailed.worded("The file holds more than {limit} rows (a spreadsheet's limit): split it "
                                   "into smaller files", limit=f"{MAX_ROWS:,}", details={"field": "file"})


def read_headers(path, filename=None):
    """The header row only (for the column-mapping screen), read as `peek` reads."""
    return peek(path, filename, rows=0)[0]


def _csv_rows(path):
    text, reader, headers = _open_csv(path)
    if headers is None:
        return
    with text, _csv_errors(reader, text.encoding):
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            yield number, _zip(headers, values)


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

    check_xlsx(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ValidationFailed.worded("Not a readable XLSX file: {error}", error=str(error), details=FILE)
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
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            if any(len(c) > MAX_CELL_CHARS for c in cells):
                raise ValidationFailed.worded("Row {row}: a cell is longer than {limit} characters (Excel's own limit)",
                                              row=number, limit=f"{MAX_CELL_CHARS:,}", details=FILE)
            yield number, _zip(headers, cells)
    finally:
        workbook.close()


_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def check_xlsx(path):
    """The count of distinct texts (shared strings) of an XLSX within the limits, or a clear error:
    not a zip archive, more than XLSX_MAX_UNPACKED_BYTES unpacked, more than
    XLSX_MAX_SHARED_STRINGS texts. Streams the archive; constant memory."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationFailed.worded("Not a readable XLSX file ({error}): upload the file as the platform "
                                      "exported it, or save it again from Excel", error=str(error),
                                      details=FILE) from None
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise ValidationFailed.worded("The XLSX unpacks to {size} MB, more than {limit} MB: export it as CSV "
                                          "or in parts", size=f"{unpacked / 2**20:,.0f}",
                                          limit=f"{XLSX_MAX_UNPACKED_BYTES / 2**20:,.0f}", details=FILE)
        shared = next((p.filename for p in parts if p.filename.lower().endswith("sharedstrings.xml")), None)
        if shared is None:
            return 0
        count, tail = 0, b""
        try:
            with archive.open(shared) as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    time.sleep(0)   # the web's other requests run between blocks (a cooperative yield)
                    data = tail + block
                    count += sum(1 for m in _SHARED_STRING.finditer(data) if m.end() > len(tail))
                    tail = data[-32:]
                    if count > XLSX_MAX_SHARED_STRINGS:
                        raise ValidationFailed.worded(
                            "The XLSX holds more than {limit} distinct texts: export it as CSV or in parts",
                            limit=f"{XLSX_MAX_SHARED_STRINGS:,}", details={"field": "file"})
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ValidationFailed.worded("Not a readable XLSX file ({error})", error=str(error),
                                          details=FILE) from None
        return count


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
    """Named, not too many, none twice (linear: a file of 30,000 columns is refused at once)."""
    if len(headers) > MAX_COLUMNS:
        raise ValidationFailed.worded("The file has {columns} columns, more than {limit}: this is not a "
                                      "platform's export", columns=f"{len(headers):,}", limit=f"{MAX_COLUMNS:,}",
                                      details=FILE)
    named = [h for h in headers if h]
    if not named:
        raise ValidationFailed("The first row must hold the column headers", field="file")
    duplicates = sorted(h for h, n in Counter(named).items() if n > 1)
    if duplicates:
        raise ValidationFailed.worded("Duplicate column headers: {headers}", headers=", ".join(duplicates),
                                      details=FILE)


def _zip(headers, values):
    row = {}
    for index, header in enumerate(headers):
        if header:
            row[header] = values[index].strip() if index < len(values) else ""
    return row


_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def estimate_rows(path, filename=None):
    """About how many data rows the file holds (for a progress bar), without parsing it: an XLSX's
    first sheet states its size at its top; a CSV's newlines are counted."""
    path = Path(path)
    if Path(filename or path.name).suffix.lower() in XLSX_EXTENSIONS:
        try:
            with zipfile.ZipFile(path) as archive:
                sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
                with archive.open(sheets[0]) as stream:
                    found = _DIMENSION.search(stream.read(8192))
        except (zipfile.BadZipFile, OSError, IndexError, KeyError):
            return 0
        return max(0, int(found.group(1)) - 1) if found else 0
    newlines = 0
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            newlines += block.count(b"\n")
    return max(0, newlines - 1)


def peek(path, filename=None, rows=3):
    """(headers, [row dict]) of a file's first `rows` rows, for the pages (mapping, preview, status
    words), within the limits: a CSV streams; an XLSX is read only as far as those rows reach
    (wms.spreadsheets.xlsx_peek), so neither its size nor its count of texts weighs on the web process."""
    if Path(filename or Path(path).name).suffix.lower() not in XLSX_EXTENSIONS:
        return peek_here(path, filename, rows)
    from wms.spreadsheets import xlsx_peek

    check_xlsx(path)
    try:
        found = xlsx_peek.first_rows(path, rows)
    except xlsx_peek.XlsxError as error:
        raise ValidationFailed.worded("Not a readable XLSX file ({error})", error=str(error), details=FILE) from None
    if not found:
        return [], []
    headers = [cell.strip() for cell in found[0]]
    _check_headers(headers)
    return headers, [_zip(headers, [c for c in cells]) for cells in found[1:]]


def peek_here(path, filename=None, rows=3):
    """peek through the reader the import runs (openpyxl for XLSX): the reference xlsx_peek matches."""
    found = []
    headers = None
    for _number, row in read_rows(path, filename):
        headers = headers or list(row.keys())
        if len(found) >= rows:
            break
        found.append(row)
    if headers is None:
        headers = _headers_of_empty(path, filename)
    return headers, found


def _headers_of_empty(path, filename):
    """The headers of a file with no data row (read_rows yields nothing for it)."""
    suffix = Path(filename or Path(path).name).suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        return []
    headers, _values = read_table(path, filename)
    return headers
