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


# --- Code128 ------------------------------------------------------------------------------------


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
