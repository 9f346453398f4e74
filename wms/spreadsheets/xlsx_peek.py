"""The first rows of an XLSX without loading it: what the pages show (headers, a preview, the
status words of the first rows). Pure: stdlib only (zipfile, ElementTree).

openpyxl, even read-only, loads the whole shared strings table before the first row: a file with
1.6M distinct texts took half a minute and 330 MB just to show its headers. Here the first sheet
is read row by row until enough rows are in, and the shared strings table only up to the highest
index those rows use - Excel writes the table in order of first use, so that is its beginning.
Memory and time follow the rows asked for, not the file.

Cells read as `wms.spreadsheets.readers` reads them through openpyxl: text as written (rich text runs
joined, phonetic guides left out), whole numbers without ".0", a number Excel kept beyond 15
digits as 1.23457E+17, dates and times (a date number format) as ISO text, booleans as
True/False (openpyxl's values put into text by wms.spreadsheets.readers).
"""
import re
import zipfile
from datetime import datetime, timedelta
from xml.etree.ElementTree import iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_EPOCH = datetime(1899, 12, 30)
# Excel's built-in number formats that show dates or times
_DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class XlsxError(ValueError):
    """The archive is not a readable workbook (the caller says so to the person)."""


def first_rows(path, rows):
    """[[cell text]] of the first sheet's first `rows` + 1 rows (the header row included), rows
    that are empty skipped; each row as long as its last filled cell."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheet, shared_part, styles_part = _parts(archive)
            date_styles = _date_styles(archive, styles_part)
            raw = _sheet_rows(archive, sheet, rows + 1)
            needed = {value for row in raw for kind, value, _style in row if kind == "s"}
            strings = _shared_strings(archive, shared_part, max(needed)) if needed else []
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, EOFError) as error:
        raise XlsxError(str(error)) from None
    return [[_text(kind, value, style, strings, date_styles) for kind, value, style in row] for row in raw]


def _parts(archive):
    """(first sheet, shared strings, styles) part names, found through the workbook's relations."""
    names = set(archive.namelist())
    relations = {}
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_PKG_REL}Relationship":
                target = element.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                relations[element.get("Id")] = (element.get("Type", "").rsplit("/", 1)[-1], target)
    sheet = None
    with archive.open("xl/workbook.xml") as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_MAIN}sheet":
                sheet = relations.get(element.get(f"{_REL}id"), (None, None))[1]
                break
    by_type = {kind: target for kind, target in relations.values()}
    sheet = sheet if sheet in names else "xl/worksheets/sheet1.xml"
    shared = by_type.get("sharedStrings")
    styles = by_type.get("styles")
    return sheet, shared if shared in names else None, styles if styles in names else None


def _sheet_rows(archive, sheet, wanted):
    """[[(type, raw value, style index)]] of the first `wanted` non-empty rows, cells placed by
    their column letters (gaps filled with empty cells)."""
    found = []
    with archive.open(sheet) as stream:
        row = None
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_MAIN}row":
                    row = []
                continue
            if tag == f"{_MAIN}c" and row is not None:
                kind = element.get("t", "n")
                style = int(element.get("s", "0") or 0)
                if kind == "inlineStr":
                    node = element.find(f"{_MAIN}is")
                    value = _joined(node) if node is not None else ""
                else:
                    node = element.find(f"{_MAIN}v")
                    value = node.text if node is not None and node.text is not None else None
                    if kind == "s" and value is not None:
                        value = int(value)
                column = _column_index(element.get("r"), len(row))
                row.extend([("n", None, 0)] * (column - len(row)))
                row.append((kind, value, style))
                element.clear()
            elif tag == f"{_MAIN}row":
                while row and row[-1][1] in (None, ""):
                    row.pop()
                if row:
                    found.append(row)
                    if len(found) >= wanted:
                        break
                row = None
                element.clear()
    return found


def _column_index(ref, default):
    if not ref:
        return default
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1 if index else default


def _shared_strings(archive, part, last):
    """The shared strings 0..last (stops reading there)."""
    strings = []
    if part is None:
        return strings
    with archive.open(part) as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_MAIN}si":
                strings.append(_joined(element))
                element.clear()
                if len(strings) > last:
                    break
    return strings


def _joined(node):
    """A string item's text: its own <t>, or its rich text runs' <t> joined; phonetic runs left out."""
    own = node.find(f"{_MAIN}t")
    if own is not None:
        return own.text or ""
    return "".join(t.text or "" for run in node.findall(f"{_MAIN}r") for t in run.findall(f"{_MAIN}t"))


def _date_styles(archive, part):
    """The cell style indexes whose number format shows a date or time."""
    if part is None:
        return set()
    custom, formats = {}, []
    with archive.open(part) as stream:
        in_xfs = False
        for event, element in iterparse(stream, events=("start", "end")):
            if element.tag == f"{_MAIN}numFmt" and event == "end":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif element.tag == f"{_MAIN}cellXfs":
                in_xfs = event == "start"
            elif element.tag == f"{_MAIN}xf" and in_xfs and event == "end":
                formats.append(int(element.get("numFmtId", "0") or 0))
    dates = set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id)
        if format_id in _DATE_FORMAT_IDS or (code is not None and _DATE_CODE.search(_QUOTED.sub("", code))):
            dates.add(index)
    return dates


def _text(kind, value, style, strings, date_styles):
    if value is None:
        return ""
    if kind == "s":
        return strings[value] if value < len(strings) else ""
    if kind in ("inlineStr", "str", "e"):
        return value
    if kind == "b":
        return "True" if value == "1" else "False"
    if "." not in value and "e" not in value.lower():
        try:
            whole = int(value)
        except ValueError:
            return value
        return _date(whole) if style in date_styles else str(whole)
    try:
        number = float(value)
    except ValueError:
        return value
    if style in date_styles:
        return _date(number)
    if number.is_integer():
        return f"{number:.5E}" if abs(number) >= 1e15 else str(int(number))
    return str(number)


def _date(serial):
    moment = _EPOCH + timedelta(days=serial)
    if serial < 1:       # a time of day alone
        return moment.time().isoformat()
    return moment.isoformat()
