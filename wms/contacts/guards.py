"""Excel's text guards, which sellers' exports put on ids, phones and postcodes.

Pure: stdlib only. `'0123` and `="0123"` keep Excel from reading a cell as a number; the guard is
not part of the value.
"""
import re
import unicodedata

_EXCEL_WRAPPER = re.compile(r'^=\s*"(.*)"$', re.S)
_QUOTES = ("'", "‘", "’", "`")


def strip_text_guard(value):
    """`'0123`, `="0123"` (and full-width digits, surrounding spaces and tabs) -> `0123`."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    match = _EXCEL_WRAPPER.match(text)
    if match:
        text = match.group(1).strip()
    while text[:1] in _QUOTES:
        text = text[1:].lstrip()
    return text
