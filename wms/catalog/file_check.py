"""What is wrong with an uploaded catalogue file, judged from its first bytes. Pure: stdlib only.

The readers (wms.imports.sources) decode CSV as UTF-8, UTF-8 with BOM or GBK, and open XLSX with
openpyxl. A file that is none of these - UTF-16 text (Excel's "Unicode text"), a workbook saved
under a .csv name, an old .xls, a picture or a PDF - would otherwise fail deep inside the reader
with a message about bytes; here it gets a sentence that says what to do instead.
"""
import codecs

EMPTY = "The file is empty: the first row must name the columns (code, name...)"
UTF16 = "This file is UTF-16 text (Excel's Unicode text): save it as CSV UTF-8 (or GBK) and upload it again"
XLSX_AS_CSV = "This file is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx, or save it as CSV"
OLD_XLS = "This is an old Excel .xls workbook: save it as XLSX or CSV and upload it again"
NOT_XLSX = "This file is not an XLSX workbook: upload CSV (UTF-8 or GBK) or XLSX"
BINARY = "This is not a text file (it holds binary data): upload CSV (UTF-8 or GBK) or XLSX"
MESSAGES = (EMPTY, UTF16, XLSX_AS_CSV, OLD_XLS, NOT_XLSX, BINARY)

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls, .doc: the old Office container
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")       # control bytes real CSV text may hold (\x1a: old EOF mark)
CONTROL_SHARE = 0.01   # more control bytes than this share of the sample: not text


def problem(head: bytes, xlsx: bool):
    """The English sentence saying why `head` (the file's first bytes) cannot be imported, or None.

    `xlsx`: the file's name says XLSX; otherwise it says CSV/text."""
    if not head:
        return EMPTY
    if head.startswith(_OLE2):
        return OLD_XLS
    if xlsx:
        return None if head.startswith(_ZIP) else NOT_XLSX
    if head.startswith(_ZIP):
        return XLSX_AS_CSV
    if head.startswith(_UTF16_BOMS) or _looks_like_utf16(head):
        return UTF16
    if b"\x00" in head or _control_share(head) > CONTROL_SHARE:
        return BINARY
    return None


def _looks_like_utf16(head):
    """UTF-16 without a BOM: ASCII text leaves a NUL in every other byte."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    halves = (sample[0::2], sample[1::2])
    return any(half.count(0) >= 0.3 * len(half) for half in halves) and sample.count(0) < 0.7 * len(sample)


def _control_share(head):
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls / len(head)
