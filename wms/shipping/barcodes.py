"""The label's symbols as module grids for the PDF renderer (ZPL lets the printer draw its own):
Code128 as one row of bars, encoded by reportlab (the encoder the pick list draws with, which picks
the shortest mix of subsets B and C), and the QR code (error correction M) as rows of booleans. The
QR matrix comes from zxing-cpp's C++ encoder (0.4 ms) and falls back to the pure-Python `qrcode`
package with a fixed mask; matrices are cached per text.
"""
from functools import lru_cache


@lru_cache(maxsize=256)
def qr_matrix(text):
    """QR modules (rows of booleans), error correction M: zxing-cpp's C++ encoder (0.4 ms), else the
    pure-Python `qrcode` with a fixed mask (choosing the "best" mask costs ~20 ms, readability only)."""
    try:
        import zxingcpp

        image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
            scale=1, add_quiet_zones=False)
        view = memoryview(image)
        size, data = view.shape[1], view.tobytes()
        return tuple(tuple(b == 0 for b in data[row * size:(row + 1) * size]) for row in range(view.shape[0]))
    except ImportError:
        import qrcode
        from qrcode.constants import ERROR_CORRECT_M

        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
        code.add_data(text)
        code.make(fit=True)
        return tuple(tuple(row) for row in code.get_matrix())


# Bytes a QR code holds in byte mode at error correction M, versions 1-15 (ISO/IEC 18004, table 7).
_QR_BYTES_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412)


def qr_size(text):
    """Modules on a side of the QR code (error correction M) of `text` in byte mode: the most a printer
    may draw (its automatic mode may pack upper-case text smaller), so a ZPL label sizes its box for
    it without encoding (zxing-cpp takes ~1 ms a code; longer texts than version 15 do encode)."""
    length = len(str(text).encode("utf-8"))
    for version, capacity in enumerate(_QR_BYTES_M, start=1):
        if length <= capacity:
            return 17 + 4 * version
    return len(qr_matrix(text))


# --- Code128 ------------------------------------------------------------------------------------


def code128_width(value):
    """Modules of the Code128 of `value` (no quiet zones), at most what the shortest encoding takes:
    digit runs of 4 or more in subset C (pairs), the rest in subset B, a shift symbol between them.
    For sizing a printer-drawn symbol (ZPL) without encoding it; printable ASCII only, as below."""
    if any(not 32 <= ord(ch) < 127 for ch in value):
        raise ValueError("Code128 takes printable ASCII only")
    symbols, index, subset = 2, 0, None  # start and check symbols
    while index < len(value):
        run = len(value[index:]) - len(value[index:].lstrip("0123456789"))
        if run >= 4:
            symbols += run // 2 + (subset == "B")
            index, subset = index + run // 2 * 2, "C"
        else:
            symbols += 1 + (subset == "C")
            index, subset = index + 1, "B"
    return 11 * (symbols + 1) + 2  # the stop pattern is 13 modules


def code128_modules(value, quiet=10):
    """The barcode as a row of modules (True = bar), with quiet zones; printable ASCII only (a
    tracking number), anything else is a ValueError rather than a barcode that silently drops it."""
    from reportlab.graphics.barcode.code128 import Code128

    if any(not 32 <= ord(ch) < 127 for ch in value):
        raise ValueError("Code128 takes printable ASCII only")
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    # reportlab writes each element as a letter: upper case a bar, lower case a space, a-d = 1-4 modules
    row = [False] * quiet
    for element in symbol.decompose():
        row.extend([element.isupper()] * (ord(element.lower()) - ord("a") + 1))
    return row + [False] * quiet
