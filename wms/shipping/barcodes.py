"""The label's symbols as module grids for the PDF renderer (ZPL lets the printer draw its own):
Code128 (subset C for even-length digit runs, else B) as one row of bars, and the QR code (error
correction M) as rows of booleans. The QR matrix comes from zxing-cpp's C++ encoder (0.4 ms) and
falls back to the pure-Python `qrcode` package with a fixed mask; matrices are cached per text.
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


# --- Code128 (subset B, or C for even digit runs) ---------------------------------------------

_PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 "
    "122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 "
    "322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 "
    "112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 "
    "331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 "
    "411311 113141 114131 311141 411131 211412 211214 211232 2331112").split()
START_B, START_C, STOP = 104, 105, 106


def code128_codes(value):
    """Symbol values with start and checksum (subset C for all-digit even-length values, else B)."""
    if value.isdigit() and len(value) % 2 == 0:
        codes = [START_C] + [int(value[i:i + 2]) for i in range(0, len(value), 2)]
    else:
        if any(not 32 <= ord(ch) < 127 for ch in value):
            raise ValueError("Code128 B takes printable ASCII only")
        codes = [START_B] + [ord(ch) - 32 for ch in value]
    checksum = (codes[0] + sum(i * code for i, code in enumerate(codes[1:], 1))) % 103
    return codes + [checksum, STOP]


def code128_modules(value, quiet=10):
    """The barcode as a row of modules (True = bar), with quiet zones."""
    row = [False] * quiet
    for code in code128_codes(value):
        for index, width in enumerate(_PATTERNS[code]):
            row.extend([index % 2 == 0] * int(width))
    return row + [False] * quiet
