"""What is wrong with an uploaded catalogue file, judged from its first bytes. Pure: stdlib only.

The shared readers (wms.spreadsheets.readers) read CSV as UTF-8, GBK or UTF-16 with its byte-order
mark, refuse other binary data, and open XLSX. A few files people really upload fail there with a
sentence about bytes; here they get one that says what to do instead: an empty file, a workbook
saved under a .csv name, an old .xls, a .xlsx that is no workbook, UTF-16 text without its mark.
"""

EMPTY = "The file is empty: the first row must name the columns (code, name...)"
UTF16 = ("This file is UTF-16 text without its byte-order mark: save it as CSV UTF-8 (or GBK) and upload it "
         "again")
XLSX_AS_CSV = "This file is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx, or save it as CSV"
OLD_XLS = "This is an old Excel .xls workbook: save it as XLSX or CSV and upload it again"
NOT_XLSX = "This file is not an XLSX workbook: upload CSV (UTF-8 or GBK) or XLSX"
MESSAGES = (EMPTY, UTF16, XLSX_AS_CSV, OLD_XLS, NOT_XLSX)

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls, .doc: the old Office container
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")


def problem(head: bytes, xlsx: bool):
    """The English sentence saying why `head` (the file's first bytes) cannot be imported, or None
    (the reader decides). `xlsx`: the file's name says XLSX; otherwise it says CSV/text."""
    if not head:
        return EMPTY
    if head.startswith(_OLE2):
        return OLD_XLS
    if xlsx:
        return None if head.startswith(_ZIP) else NOT_XLSX
    if head.startswith(_ZIP):
        return XLSX_AS_CSV
    if not head.startswith(_BOMS) and _looks_like_utf16(head):
        return UTF16
    return None


def _looks_like_utf16(head):
    """UTF-16 without a BOM: ASCII text leaves a NUL in every other byte (and few elsewhere)."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= 0.3 * (len(sample) // 2) and min(even, odd) <= 0.05 * (len(sample) // 2)
