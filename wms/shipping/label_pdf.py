"""Shipping labels as PDF for browser printing: the standard layout of the label's paper size
(label_layout.py), with the TrueType CJK font of wms/pdf.py embedded so Chinese names and addresses
are real text. Each value is fitted into its own box with wms.pdf.wrap (the font's advance widths).

Bars and QR modules are whole printer dots (203 dpi, 0.125 mm): a thermal printer rounds every
module to its dot grid, and uneven rounding of fractional modules is what makes a printed Code128
unreadable. Speed (a worker renders >= 100 PDF labels a second): Code128 and QR (barcodes.py) are
written as raw integer rectangles; streams are left uncompressed (~30 kB a label, printed locally:
zlib was a third of the time); the CJK font's tables are sliced once, not per document.
"""
import io
from functools import lru_cache

from wms.pdf import MM, text_width, wrap
from wms.shipping.barcodes import code128_modules, qr_matrix
from wms.shipping.label_layout import BARCODE, LEADING, QR, field_texts, fit, layout_for, pdf_sizes

DOT_MM = 25.4 / 203
MAX_BAR_DOTS = 4      # a Code128 module of at most 0.5 mm
QUIET_MODULES = 10    # white on each side of a Code128, as the symbology asks


def render_pdf(data):
    """The label as PDF bytes at its paper size, with the CJK font embedded."""
    from reportlab import rl_config

    from wms.pdf import cjk_font, new_canvas

    rl_config.useA85 = 0  # binary streams: ASCII85 in pure Python costs more than the whole label
    _cache_font_tables()
    layout = layout_for(data.paper)
    width_mm, height_mm = layout.size_mm
    buffer = io.BytesIO()
    c = new_canvas(buffer, (width_mm * MM, height_mm * MM), pageCompression=0)  # see Speed above
    c.setTitle(f"{data.carrier_name} {data.tracking_number}")
    _PdfLabel(c, cjk_font(), height_mm).draw(layout, field_texts(data))
    c.showPage()
    c.save()
    return buffer.getvalue()


class _PdfLabel:
    def __init__(self, c, font, height_mm):
        self.c, self.font, self.h = c, font, height_mm

    def draw(self, layout, texts):
        self.c.setLineWidth(0.6)
        for x0, y0, x1, y1 in layout.rules:
            self.c.line(x0 * MM, (self.h - y0) * MM, x1 * MM, (self.h - y1) * MM)
        for y in layout.cuts:
            self.c.setDash(3, 2)
            self.c.line(0, (self.h - y) * MM, layout.size_mm[0] * MM, (self.h - y) * MM)
            self.c.setDash()
        for box in layout.boxes:
            value = texts.get(box.field, "")
            if not value:
                continue
            if box.kind == BARCODE:
                self.barcode(value, box)
            elif box.kind == QR:
                self.qr(value, box)
            else:
                self.text(value, box)

    def text(self, value, box):
        """The value fitted into its box (points): lines from the box's top, each inside its width."""
        width, height = box.w * MM, box.h * MM
        size, lines = fit(value, width, height, pdf_sizes(box), wrap, lambda s: s * LEADING)
        if box.bold:
            self.c.setLineWidth(size * 0.035)  # fill and stroke (render mode 2): a bolder face of the one font
        # one text object a box, a line's start moved from the last (reportlab formats every number in Python)
        lefts = [(width - text_width(line, size)) / 2 if box.center else 0 for line in lines]
        text = self.c.beginText(box.x * MM + lefts[0], (self.h - box.y) * MM - size * 0.9)  # ascent 0.77 em
        text.setFont(self.font, size)
        if box.bold:
            text.setTextRenderMode(2)
        for index, line in enumerate(lines):
            if index:
                text.moveCursor(lefts[index] - lefts[index - 1], size * LEADING)
            text.textOut(line)
        self.c.drawText(text)

    def barcode(self, value, box):
        """Code128 as whole-dot bars, as wide as the box allows (quiet zones inside it), centred."""
        modules = code128_modules(value, quiet=QUIET_MODULES)
        dots = max(1, min(MAX_BAR_DOTS, int(box.w / DOT_MM) // len(modules)))
        module_mm = dots * DOT_MM
        x = _on_dots(box.x + (box.w - module_mm * len(modules)) / 2)
        self._cells([modules], x, box.y, module_mm, box.h)

    def qr(self, value, box):
        """The QR code with whole-dot modules, as large as the box allows, at its top right."""
        matrix = qr_matrix(value)
        dots = max(1, int(min(box.w, box.h) / DOT_MM) // len(matrix))
        module_mm = dots * DOT_MM
        x = _on_dots(box.right - module_mm * len(matrix))
        self._cells(matrix, x, _on_dots(box.y), module_mm, module_mm)

    def _cells(self, rows, x, y, cell_w_mm, cell_h_mm):
        """Dark runs of a module grid as raw PDF operators in a cell-sized coordinate system (integer
        coordinates: reportlab's per-rect path formats every float in Python, 10x slower)."""
        ops = []
        for row_index, row in enumerate(rows):
            start, top = None, len(rows) - 1 - row_index
            for index, bit in enumerate(list(row) + [False]):
                if bit and start is None:
                    start = index
                elif not bit and start is not None:
                    ops.append(f"{start} {top} {index - start} 1 re")
                    start = None
        origin_y = (self.h - y - cell_h_mm * len(rows)) * MM
        self.c.addLiteral(f"q 0 g {cell_w_mm * MM:.4f} 0 0 {cell_h_mm * MM:.4f} {x * MM:.3f} {origin_y:.3f} cm "
                          + " ".join(ops) + " f Q")


def _on_dots(mm):
    """A position on the printer's dot grid (to the nearest dot), so that each module covers whole dots."""
    return round(mm / DOT_MM) * DOT_MM


@lru_cache(maxsize=1)
def _cache_font_tables():
    """reportlab re-slices (copies) the font's tables out of the whole TTC file for every document's
    subset - megabytes per label for a CJK font. The bytes never change, so keep the slices."""
    from reportlab.pdfbase import pdfmetrics

    from wms.pdf import cjk_font

    face = getattr(pdfmetrics.getFont(cjk_font()), "face", None)
    if face is not None and hasattr(face, "get_table"):
        face.get_table = lru_cache(maxsize=64)(face.get_table)
