"""Shipping labels as ZPL II for Zebra printers (203 dpi, sent over TCP 9100; the printer draws the
Code128 and QR itself). Zebra printers have no CJK font (pitfall 13), so every text that may hold
Chinese (names, addresses, cargo) is a ^GFA bitmap rendered with the CJK font of wms/pdf.py: it prints
on any Zebra without installing anything. A station whose printer has a downloaded TrueType font can
ask for ``zpl_font="E:SIMSUN.TTF"`` instead: then those fields are ``^CI28`` UTF-8 text in that font
(smaller jobs, no rendering). Speed (>= 1,000 ZPL labels a second): text bitmaps are joined from
per-glyph cached rows.
"""
from functools import lru_cache

from wms.shipping.labels import paper_mm, qr_text

ZPL_DOTS_PER_MM = 8  # 203 dpi


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
    """The PDFs' font (wms.pdf) at `size` pixels: the same glyphs on every printer; missing is FontMissing."""
    from PIL import ImageFont

    from wms.pdf import FONT_INDEX, font_file

    return ImageFont.truetype(str(font_file()), size, index=FONT_INDEX, layout_engine=ImageFont.Layout.BASIC)


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
