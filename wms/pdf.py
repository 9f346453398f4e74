"""The one font of every PDF and label bitmap, and text that fits its column.

Why a vendored font: reportlab embeds TrueType (glyf) outlines only, and the CJK fonts a machine may
happen to have are CFF (Noto CJK) or absent. So the project carries WenQuanYi Micro Hei (wms/fonts/,
Apache-2.0, every GBK hanzi plus Latin and the punctuation we print; wms/fonts/README.md says where it
came from) and every PDF embeds the glyphs it uses: `make run` on a fresh machine prints what the tests
print, with nothing from apt. There is no fall-back to a non-embedded font: a missing or damaged file is
a FontMissing error naming the file, logged, never a quietly different print-out.

Why measured wrapping: a cut by character count (`value[:24]`) either runs past its column (wide CJK
glyphs, capitals) or cuts a value that would have fitted; wrap() breaks by the font's own advance
widths, between words or between CJK characters, and marks a cut it had to make with an ellipsis.
"""
import logging
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger("wms.pdf")

FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FONT_INDEX = 0  # the collection's proportional face, "WenQuanYi Micro Hei" (1 is its Mono twin)
FONT_NAME = "WMS-CJK"
ELLIPSIS = "\u2026"
MM = 72 / 25.4
# No line starts with these: they close what the line before said (Chinese and Latin punctuation).
_CLOSING = set("，。、；：！？）」』】》〉”’,.;:!?)]}%")


_registered = {}  # the font object cjk_font() last registered, for _font()


class FontMissing(RuntimeError):
    """The project's PDF font is not where the code expects it (or is not a font)."""


def font_file():
    """Path of the project's font file, or FontMissing (logged) naming it."""
    if not FONT_FILE.is_file():
        message = (f"PDF font missing: {FONT_FILE} (WenQuanYi Micro Hei, part of the repository: "
                   "restore it from git; see wms/fonts/README.md)")
        log.error(message)
        raise FontMissing(message)
    return FONT_FILE


@lru_cache(maxsize=1)
def cjk_font():
    """Register the project's font with reportlab (once) and return its name for setFont()."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = font_file()
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=FONT_INDEX)
    except (TTFError, OSError) as error:
        message = f"PDF font unreadable: {path} ({error}); restore it from git, see wms/fonts/README.md"
        log.error(message)
        raise FontMissing(message) from error
    pdfmetrics.registerFont(font)
    _registered.clear()
    return FONT_NAME


def new_canvas(out, pagesize, **options):
    """A reportlab canvas whose every font is the project's: its initial font (written into each
    page even when no text uses it) is ours too, not the non-embedded Helvetica."""
    from reportlab.pdfgen import canvas

    return canvas.Canvas(out, pagesize=pagesize, initialFontName=cjk_font(), **options)


def has_glyph(ch):
    """Whether the project's font draws `ch` (else a PDF would show an empty box for it)."""
    return ord(ch) in _font().face.charToGlyph


def text_width(text, size):
    """Advance width of `text` in points at `size` in the project's font."""
    return _font().stringWidth(text, size)


def _font():
    """The registered reportlab font object (looked up once per registration: wrap() measures a lot)."""
    from reportlab.pdfbase import pdfmetrics

    name = cjk_font()
    if _registered.get("name") is not name:
        _registered.update(name=name, font=pdfmetrics.getFont(name))
    return _registered["font"]


def wrap(text, size, width, max_lines=None):
    """`text` broken into lines no wider than `width` points at `size`.

    Breaks after spaces and between CJK characters, a word wider than the line by characters;
    closing punctuation stays with what it closes. Past `max_lines` the last line ends in an ellipsis.
    Linear in the text: advance widths add up (reportlab applies no kerning), so a line's width is kept
    as a running sum instead of measuring it again for every token (labels render >= 100 a second)."""
    text = " ".join(str(text if text is not None else "").split())
    lines, line, used = [], "", 0.0  # used: the width of `line`, its trailing space included
    for token in _tokens(text):
        core = token.rstrip()
        core_width = text_width(core, size)
        if line and used + core_width > width:
            lines.append(line.rstrip())
            line, used = "", 0.0
        if not line and core_width > width:  # a word wider than the line: by characters
            for ch in core:
                ch_width = text_width(ch, size)
                if line and used + ch_width > width:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + ch_width
            line, used = line + token[len(core):], used + text_width(token[len(core):], size)
            continue
        line, used = line + token, used + text_width(token, size)
    lines.append(line.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [_with_ellipsis(lines[max_lines - 1], size, width)]
    return lines


def _tokens(text):
    """Units never split across lines unless too wide: a Latin word with its trailing space (or up to
    and with a hyphen or slash), one CJK character, each with the closing punctuation that follows."""
    tokens = []
    for ch in text:
        wide = ord(ch) >= 0x2E80
        if tokens and (ch in _CLOSING or ch == " " or (not wide and not tokens[-1].endswith((" ", "-", "/"))
                                                         and ord(tokens[-1][-1]) < 0x2E80)):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _with_ellipsis(line, size, width):
    while line and text_width(line + ELLIPSIS, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


class Column(NamedTuple):
    """A table column: heading, width in mm, font size of its values."""
    title: str
    width_mm: float
    size: float = 9


class Table:
    """A table of wrapped cells drawn on a reportlab canvas from its top-left corner.

    Each cell is wrapped to its column less a padding on the right, so a value never touches or
    crosses into the next column; a row is as tall as its tallest cell."""

    PAD_MM = 1.5
    LEADING = 1.2

    def __init__(self, columns, x_mm, max_lines=3):
        self.columns, self.x_mm, self.max_lines = columns, x_mm, max_lines

    @property
    def right_mm(self):
        return self.x_mm + sum(column.width_mm for column in self.columns)

    def cells(self, values):
        """Each value of a row wrapped to its column: a list of lines per column."""
        return [wrap(value, column.size, (column.width_mm - self.PAD_MM) * MM, self.max_lines)
                for column, value in zip(self.columns, values)]

    def height(self, cells):
        """Height in points of a row of wrapped cells."""
        return max(len(lines) * column.size * self.LEADING for column, lines in zip(self.columns, cells))

    def draw(self, pdf, top, cells):
        """Draw a row whose top edge is at `top` (points from the page's bottom); returns its bottom."""
        x = self.x_mm * MM
        for column, lines in zip(self.columns, cells):
            pdf.setFont(cjk_font(), column.size)
            baseline = top - column.size * 0.9  # the font's ascent is 0.77 em, its descent 0.24 em
            for line in lines:
                pdf.drawString(x, baseline, line)
                baseline -= column.size * self.LEADING
            x += column.width_mm * MM
        return top - self.height(cells)

    def heading(self, pdf, top, size=9):
        """The column titles (wrapped like values) at `size`; returns the bottom of the heading row."""
        columns = [column._replace(size=size) for column in self.columns]
        heading = Table(columns, self.x_mm, self.max_lines)
        cells = heading.cells([column.title for column in columns])
        return heading.draw(pdf, top, cells)
