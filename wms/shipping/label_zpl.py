"""Shipping labels as ZPL II for Zebra printers (203 dpi, sent over TCP 9100): the standard layout
of the label's paper size (label_layout.py) in printer dots, the printer drawing Code128 and QR.

Zebra printers have no CJK font (pitfall 13), so text is a ^GFA bitmap per line, rendered with the
CJK font of wms/pdf.py: it prints on any Zebra without installing anything, and every value's size
is known here, so it is fitted into its box exactly as the PDF's is (label_layout.fit, measured in
glyph cells). A station whose printer has a downloaded TrueType font can ask for
``zpl_font="E:SIMSUN.TTF"`` instead: then text is ``^CI28`` UTF-8 in that font inside an ``^FB``
block of the box's width and fitted lines (smaller jobs, no rendering).

Code128 is asked for in the printer's automatic mode (``^BC...,A``: subset C for digit runs, as
reportlab's encoder chooses), with the module width that keeps the symbol and its quiet zones in
the box. Speed (>= 1,000 ZPL labels a second): glyphs are rendered once per size, as columns, so a
line's bitmap is their bytes joined and turned once (PIL, in C); boxes are worked out once.
"""
from functools import lru_cache

from wms.shipping.barcodes import code128_width, qr_size
from wms.shipping.label_layout import BARCODE, QR, field_texts, fit, layout_for

ZPL_DOTS_PER_MM = 8  # 203 dpi
DOTS_PER_PT = 25.4 / 72 * ZPL_DOTS_PER_MM
QUIET_MODULES = 10
MAX_BAR_DOTS = 4
RULE_DOTS = 2


def render_zpl(data, zpl_font=None):
    """The label as ZPL II text (203 dpi). Text as ^GFA bitmaps, or ^CI28 text in `zpl_font`."""
    layout = layout_for(data.paper)
    width_mm, height_mm = layout.size_mm
    dots = ZPL_DOTS_PER_MM
    out = ["^XA", "^CI28", f"^PW{width_mm * dots}", f"^LL{height_mm * dots}", "^LH0,0"]
    for x0, y0, x1, _y1 in layout.rules:
        out.append(f"^FO{_dots(x0)},{_dots(y0) - RULE_DOTS // 2}^GB{_dots(x1 - x0)},{RULE_DOTS},{RULE_DOTS}^FS")
    for y in layout.cuts:
        out += [f"^FO{x},{_dots(y) - RULE_DOTS // 2}^GB24,{RULE_DOTS},{RULE_DOTS}^FS"
                for x in range(0, width_mm * dots - 23, 40)]
    texts = field_texts(data)
    for box in layout.boxes:
        value = texts.get(box.field, "")
        if not value:
            continue
        if box.kind == BARCODE:
            out.append(_barcode(value, box))
        elif box.kind == QR:
            out.append(_qr(value, box))
        else:
            out.append(_text(value, box, zpl_font))
    out.append("^PQ1^XZ")
    return "\n".join(out) + "\n"


def _dots(mm):
    return int(round(mm * ZPL_DOTS_PER_MM))


def _fd(value):
    """Field data safe for ZPL: ^ and ~ are commands, so they are dropped."""
    return str(value or "").replace("^", " ").replace("~", " ")


def _barcode(value, box):
    """Code128 with the widest whole-dot module that keeps it and its quiet zones in the box, centred."""
    value = _fd(value)
    modules = code128_width(value)
    width = _dots(box.w)
    module = max(1, min(MAX_BAR_DOTS, width // (modules + 2 * QUIET_MODULES)))
    x = _dots(box.x) + (width - module * modules) // 2
    height = _dots(box.h)
    return f"^FO{x},{_dots(box.y)}^BY{module},3,{height}^BCN,{height},N,N,N,A^FD{value}^FS"


def _qr(value, box):
    """QR (error correction M) with the largest whole-dot module that fits the box, at its top right."""
    value = _fd(value)
    modules = qr_size(value)
    size = min(_dots(box.w), _dots(box.h))
    magnification = max(1, min(10, size // modules))
    x = _dots(box.right) - magnification * modules
    return f"^FO{x},{_dots(box.y)}^BQN,2,{magnification}^FDMA,{value}^FS"


@lru_cache(maxsize=128)
def _text_box(box):
    """A text box in dots (its width in whole bytes) and its glyph heights: worked out once per box."""
    return _dots(box.x), _dots(box.y), _dots(box.w) // 8 * 8, _dots(box.h), _sizes(box)


def _line_height(size):
    """Bitmap lines sit edge to edge: a glyph's cell is its line (CJK glyphs have their own white)."""
    return size


def _text(value, box, zpl_font):
    x, y, width, height, sizes = _text_box(box)
    size, lines = fit(value, width, height, sizes, _wrap_cells, _line_height)
    if zpl_font:
        return (f"^FO{x},{y}^A@N,{size},{size},{zpl_font}^FB{width},{len(lines)},0,{'C' if box.center else 'L'},0"
                f"^FH^FD{_hex_escape(' '.join(lines))}^FS")
    out = []
    for index, line in enumerate(lines):
        bitmap, used = line_bitmap(line, size, box.bold)
        left = x + ((width - used) // 16 * 8 if box.center else 0)
        out.append(f"^FO{left},{y + index * size}{bitmap}^FS")
    return "\n".join(out)


def _sizes(box):
    """Glyph heights in dots (whole bytes, largest first) from the box's size down to its min_size."""
    top = max(16, int(box.size * DOTS_PER_PT) // 8 * 8)
    bottom = max(16, min(top, -(-int(box.min_size * DOTS_PER_PT) // 8) * 8))
    return tuple(range(top, bottom - 1, -8))


def _hex_escape(value):
    """^FH field data: ^, ~ and _ as _XX hex (UTF-8 bytes)."""
    return "".join("".join(f"_{b:02X}" for b in ch.encode()) if ch in "^~_" else ch for ch in value)


# --- text as glyph cells -----------------------------------------------------------------------

_CLOSING = set("，。、；：！？）」』】》〉”’,.;:!?)]}%")


def _wide(ch):
    return ord(ch) >= 0x2E80 or ch in "（）：，。"


def _ceil8(n):
    return (int(n) + 7) // 8 * 8


@lru_cache(maxsize=20000)
def cell_width(ch, size):
    """Dots a character advances at `size` in the font (CJK: a square)."""
    return size if _wide(ch) else max(1, round(_pil_font(size).getlength(ch)))


def _wrap_cells(text, size, width, max_lines=None):
    """`text` in lines of glyph cells no wider than `width` dots: breaks after spaces and between CJK
    characters (closing punctuation stays with what it closes), a word too long by characters; past
    `max_lines` the last line ends in an ellipsis."""
    text = " ".join(str(text or "").split())
    if sum(cell_width(ch, size) for ch in text) <= width:
        return [text]
    lines, line, used = [], "", 0
    for token in _tokens(text):
        token_width = sum(cell_width(ch, size) for ch in token.rstrip())
        if line and used + token_width > width:
            lines.append(line.rstrip())
            line, used = "", 0
        if not line and token_width > width:
            for ch in token.rstrip():
                if line and used + cell_width(ch, size) > width:
                    lines.append(line)
                    line, used = "", 0
                line, used = line + ch, used + cell_width(ch, size)
            token = token[len(token.rstrip()):]
        line += token
        used += sum(cell_width(ch, size) for ch in token)
    lines.append(line.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and sum(cell_width(ch, size) for ch in last + "…") > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last.rstrip() + "…"]
    return lines


def _tokens(text):
    tokens = []
    for ch in text:
        if tokens and (ch in _CLOSING or ch == " " or (not _wide(ch) and not tokens[-1].endswith((" ", "-", "/"))
                                                        and not _wide(tokens[-1][-1]))):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


@lru_cache(maxsize=8)
def _pil_font(size):
    """The PDFs' font (wms.pdf) at `size` pixels: the same glyphs on every printer; missing is FontMissing."""
    from PIL import ImageFont

    from wms.pdf import FONT_INDEX, font_file

    return ImageFont.truetype(str(font_file()), size, index=FONT_INDEX, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=20000)
def _glyph_columns(ch, size, bold=False):
    """The glyph's cell (its advance wide, `size` high) as column-major bytes, size / 8 bytes a column:
    rendered once per size (FreeType is the slow part); a line is then the glyphs' bytes joined.
    Bold: the ink drawn twice, one dot apart."""
    from PIL import Image, ImageDraw

    font = _pil_font(size)
    image = Image.new("1", (cell_width(ch, size), size), 0)
    if not ch.isspace():
        left = min(0, font.getbbox(ch)[0])  # a J's ink starts left of its pen: keep it in its cell
        draw = ImageDraw.Draw(image)
        for dx in ((0, 1) if bold else (0,)):
            draw.text((dx - left, 0), ch, font=font, fill=1)
    return image.transpose(Image.Transpose.TRANSPOSE).tobytes()


@lru_cache(maxsize=1024)
def line_bitmap(line, size, bold=False):
    """(^GFA command, width in dots) drawing one line of text `size` (a multiple of 8) dots high, 1 bit
    per dot, the glyphs at their advance widths (proportional, as in the PDF). Built column-major,
    where putting glyphs side by side is joining bytes, and turned once (PIL, in C)."""
    from PIL import Image

    columns = b"".join(_glyph_columns(ch, size, bold) for ch in line)
    used = len(columns) // (size // 8)
    width = _ceil8(used) or 8
    columns += bytes((width - used) * (size // 8))
    raw = Image.frombytes("1", (size, width), columns).transpose(Image.Transpose.TRANSPOSE).tobytes()
    return f"^GFA,{len(raw)},{len(raw)},{width // 8},{raw.hex().upper()}", width
