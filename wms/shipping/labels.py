"""Shipping labels: PDF (browser printing) and ZPL (Zebra over TCP 9100). No Flask, no database.

Paper sizes are the carriers' thermal sizes: 100x150 mm (default), 76x130 and 100x180. Both formats
carry the tracking number as Code128, a QR code with the order and tracking reference, the sort code,
recipient and sender.

Chinese text: the PDF embeds the TrueType CJK font of wms/pdf.py. Zebra printers have no CJK font
(pitfall 13), so ZPL draws every text that may hold Chinese (names, addresses, cargo) as a ^GFA
bitmap rendered with the same font: it prints on any Zebra without installing anything. A station
whose printer has a downloaded TrueType font can ask for ``zpl_font="E:SIMSUN.TTF"`` instead: then
those fields are ``^CI28`` UTF-8 text in that font (smaller jobs, no rendering).

Speed (a worker renders >= 100 PDF and >= 1,000 ZPL labels a second): the QR matrix comes from
zxing-cpp's C++ encoder; barcode and QR are written as raw integer rectangles; PDF streams are left
uncompressed (~30 kB a label, printed locally: zlib was a third of the time); the CJK font's tables
are sliced once, not per document; ZPL text bitmaps are joined from per-glyph cached rows.
"""
import io
from dataclasses import dataclass
from functools import lru_cache

PAPER_SIZES = {"100x150": (100, 150), "76x130": (76, 130), "100x180": (100, 180)}
DEFAULT_PAPER = "100x150"
ZPL_DOTS_PER_MM = 8  # 203 dpi


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class LabelData:
    tracking_number: str
    carrier_name: str
    order_ref: str
    recipient: Party
    sender: Party
    weight_g: int = 0
    carton: str = ""
    cargo: str = ""
    sort_code: str = ""
    printed_at: str = ""
    paper: str = DEFAULT_PAPER


def qr_text(data):
    """What the QR code carries: the order and tracking reference."""
    return f"WMS|O:{data.order_ref}|T:{data.tracking_number}"


def paper_mm(paper):
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    return PAPER_SIZES[paper]


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


# --- PDF -------------------------------------------------------------------------------------

def render_pdf(data):
    """The label as PDF bytes at its paper size, with the CJK font embedded."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from reportlab import rl_config

    from wms.pdf import cjk_font

    rl_config.useA85 = 0  # binary streams: ASCII85 in pure Python costs more than the whole label
    _cache_font_tables()
    width_mm, height_mm = paper_mm(data.paper)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width_mm * mm, height_mm * mm), pageCompression=0)  # see Speed above
    c.setTitle(f"{data.carrier_name} {data.tracking_number}")
    font = cjk_font()
    _PdfLayout(c, font, width_mm, height_mm, mm).draw(data)
    c.showPage()
    c.save()
    return buffer.getvalue()


class _PdfLayout:
    def __init__(self, c, font, width_mm, height_mm, mm):
        self.c, self.font, self.w, self.h, self.mm = c, font, width_mm, height_mm, mm
        self.scale = height_mm / 150

    def text(self, x, y, text, size, width_mm=None):
        """Draw text (wrapped to width_mm) from the top-left (x, y in mm from the top); returns next y."""
        self.c.setFont(self.font, size)
        lines = _wrap(text, size, width_mm or (self.w - x - 3))
        for line in lines:
            y += size * 0.3528 * 1.2
            self.c.drawString(x * self.mm, (self.h - y) * self.mm, line)
        return y

    def rule(self, y):
        self.c.setLineWidth(0.6)
        self.c.line(2 * self.mm, (self.h - y) * self.mm, (self.w - 2) * self.mm, (self.h - y) * self.mm)

    def draw(self, data):
        s, m = self.scale, 3
        y = self.text(m, 1, data.carrier_name, 14 * s)
        self.text(self.w * 0.55, 1, data.sort_code, 14 * s, self.w * 0.45 - m)
        self.rule(y + 1.5)
        y = self.barcode(data.tracking_number, y + 3, 18 * s)
        y = self.text(m, y, data.tracking_number, 11 * s) + 1
        self.rule(y + 1)
        y = self.text(m, y + 2, f"收 {data.recipient.name}  {data.recipient.phone}", 12 * s)
        y = self.text(m, y, data.recipient.address, 11 * s) + 1
        self.rule(y + 1)
        y = self.text(m, y + 2, f"寄 {data.sender.name}  {data.sender.phone}", 9 * s)
        y = self.text(m, y, data.sender.address, 8 * s) + 1
        self.rule(y + 1)
        qr_mm = min(26 * s, self.w * 0.32)
        detail_width = self.w - qr_mm - 2 * m - 2
        y2 = self.text(m, y + 2, f"订单 Order {data.order_ref}", 9 * s, detail_width)
        y2 = self.text(m, y2, f"{data.weight_g / 1000:.2f} kg  {data.carton}", 9 * s, detail_width)
        y2 = self.text(m, y2, data.cargo, 8 * s, detail_width)
        self.text(m, y2, data.printed_at, 7 * s, detail_width)
        self.qr(qr_text(data), self.w - qr_mm - m, y + 2, qr_mm)

    def barcode(self, value, y, height_mm):
        """Code128 as rectangles, as wide as fits (module <= 0.5 mm); returns the y below it."""
        modules = code128_modules(value)
        module_mm = min(0.5, (self.w - 10) / len(modules))
        x = (self.w - module_mm * len(modules)) / 2
        self._cells([modules], x, y, module_mm, height_mm)
        return y + height_mm

    def qr(self, text, x, y, size_mm):
        matrix = qr_matrix(text)
        self._cells(matrix, x, y, size_mm / len(matrix), size_mm / len(matrix))

    def _cells(self, rows, x, y, cell_w_mm, cell_h_mm):
        """Dark runs of a module grid as raw PDF operators in a cell-sized coordinate system (integer
        coordinates: reportlab's per-rect path formats every float in Python, 10x slower)."""
        mm, ops = self.mm, []
        for row_index, row in enumerate(rows):
            start, top = None, len(rows) - 1 - row_index
            for index, bit in enumerate(list(row) + [False]):
                if bit and start is None:
                    start = index
                elif not bit and start is not None:
                    ops.append(f"{start} {top} {index - start} 1 re")
                    start = None
        origin_y = (self.h - y - cell_h_mm * len(rows)) * mm
        self.c.addLiteral(f"q 0 g {cell_w_mm * mm:.4f} 0 0 {cell_h_mm * mm:.4f} {x * mm:.3f} {origin_y:.3f} cm "
                          + " ".join(ops) + " f Q")


@lru_cache(maxsize=1)
def _cache_font_tables():
    """reportlab re-slices (copies) the font's tables out of the whole TTC file for every document's
    subset - megabytes per label for a CJK font. The bytes never change, so keep the slices."""
    from reportlab.pdfbase import pdfmetrics

    from wms.pdf import cjk_font

    face = getattr(pdfmetrics.getFont(cjk_font()), "face", None)
    if face is not None and hasattr(face, "get_table"):
        face.get_table = lru_cache(maxsize=64)(face.get_table)


def _wrap(text, size_pt, width_mm):
    """Break text into lines of at most width_mm (CJK glyphs count double width)."""
    char_mm = size_pt * 0.3528 * 0.5
    per_line = max(4, int(width_mm / char_mm))
    lines, line, used = [], "", 0
    for ch in str(text or ""):
        cost = 2 if ord(ch) > 0x2E80 else 1
        if used + cost > per_line:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + cost
    return lines + [line] if line else lines or [""]


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


# --- ZPL -------------------------------------------------------------------------------------

def render_zpl(data, zpl_font=None):
    """The label as ZPL II text (203 dpi). CJK fields as ^GFA bitmaps, or ^CI28 text in `zpl_font`."""
    width_mm, height_mm = paper_mm(data.paper)
    dots = ZPL_DOTS_PER_MM
    w, s = width_mm * dots, height_mm / 150
    text = _ZplText(w, zpl_font)
    out = ["^XA", "^CI28", f"^PW{w}", f"^LL{height_mm * dots}", "^LH0,0"]
    y = 16
    out.append(text.field(24, y, data.carrier_name, int(40 * s), w // 2 - 24))
    out.append(text.field(w // 2, y, data.sort_code, int(40 * s), w // 2 - 24))
    y += int(64 * s)
    out.append(f"^FO16,{y}^GB{w - 32},3,3^FS")
    y += 16
    module = 3 if w >= 700 else 2
    out.append(f"^FO40,{y}^BY{module},3,{int(140 * s)}^BCN,{int(140 * s)},Y,N,N^FD{_fd(data.tracking_number)}^FS")
    y += int(140 * s) + 50
    out.append(f"^FO16,{y}^GB{w - 32},3,3^FS")
    y += 12
    out.append(text.field(24, y, f"收 {data.recipient.name}  {data.recipient.phone}", int(36 * s), w - 48))
    y += int(44 * s)
    out.append(text.field(24, y, data.recipient.address, int(30 * s), w - 48, lines=3))
    y += int(3 * 36 * s) + 8
    out.append(f"^FO16,{y}^GB{w - 32},3,3^FS")
    y += 12
    out.append(text.field(24, y, f"寄 {data.sender.name}  {data.sender.phone}  {data.sender.address}", int(24 * s),
                          w - 48, lines=2))
    y += int(2 * 30 * s) + 8
    out.append(f"^FO16,{y}^GB{w - 32},3,3^FS")
    y += 16
    qr_mag = 5 if w >= 700 else 4
    out.append(f"^FO{w - 230},{y}^BQN,2,{qr_mag}^FDMA,{_fd(qr_text(data))}^FS")
    out.append(f"^FO24,{y}^A0N,28,26^FDOrder {_fd(data.order_ref)}^FS")
    out.append(f"^FO24,{y + 40}^A0N,28,26^FD{data.weight_g / 1000:.2f} kg {_fd(data.carton)}^FS")
    out.append(text.field(24, y + 80, data.cargo, 24, w - 290, lines=2))
    out.append(f"^FO24,{y + 150}^A0N,22,20^FD{_fd(data.printed_at)}^FS")
    out.append("^PQ1^XZ")
    return "\n".join(part for part in out if part) + "\n"


def _fd(value):
    """Field data safe for ZPL: ^ and ~ are commands, so they are dropped."""
    return str(value or "").replace("^", " ").replace("~", " ")


class _ZplText:
    def __init__(self, width_dots, zpl_font):
        self.width, self.font = width_dots, zpl_font

    def field(self, x, y, value, height, width, lines=1):
        value = str(value or "")
        if not value:
            return ""
        if self.font:
            return (f"^FO{x},{y}^A@N,{height},{height},{self.font}^FB{width},{lines},4,L,0"
                    f"^FH^FD{_hex_escape(value)}^FS")
        return f"^FO{x},{y}{text_bitmap(value, height, width, lines)}^FS"


def _hex_escape(value):
    """^FH field data: ^, ~ and _ as _XX hex (UTF-8 bytes)."""
    return "".join("".join(f"_{b:02X}" for b in ch.encode()) if ch in "^~_" else ch for ch in value)


@lru_cache(maxsize=8)
def _pil_font(size):
    from PIL import ImageFont

    from wms.pdf import CANDIDATES

    for path, index in CANDIDATES:
        try:
            return ImageFont.truetype(path, size, index=index or 0, layout_engine=ImageFont.Layout.BASIC)
        except OSError:
            continue
    return ImageFont.load_default()


def _ceil8(n):
    return (int(n) + 7) // 8 * 8


@lru_cache(maxsize=20000)
def _cell(ch, size):
    """One character rendered once per size into a byte-aligned cell (CJK: size dots wide, else half,
    rounded up to whole bytes): a tuple of its packed pixel rows. FreeType is the slow part."""
    from PIL import Image, ImageDraw

    wide = ord(ch) >= 0x2E80 or ch in "（）：，。"
    width = size if wide else _ceil8(size / 2)
    image = Image.new("1", (width, size), 0)
    ImageDraw.Draw(image).text((0, 0), ch, font=_pil_font(size), fill=1)
    raw, per_row = image.tobytes(), width // 8
    return tuple(raw[i * per_row:(i + 1) * per_row] for i in range(size))


@lru_cache(maxsize=512)
def text_bitmap(value, height, width, lines=1):
    """^GFA command drawing `value` (wrapped to `lines`) in the CJK font, 1 bit per dot.

    Cells are byte-aligned, so a line is joined from cached glyph rows with no image work."""
    height, row_bytes = _ceil8(height), _ceil8(width) // 8
    rows, used = [[]], 0
    for ch in value:
        cell = _cell(ch, height)
        if used + len(cell[0]) > row_bytes:
            if len(rows) == lines:
                break
            rows.append([])
            used = 0
        rows[-1].append(cell)
        used += len(cell[0])
    out = []
    for cells in rows:
        for r in range(height):
            out.append(b"".join(cell[r] for cell in cells).ljust(row_bytes, b"\0"))
    raw = b"".join(out)
    return f"^GFA,{len(raw)},{len(raw)},{row_bytes},{raw.hex().upper()}"
