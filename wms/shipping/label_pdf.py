"""Shipping labels as PDF for browser printing, at the label's paper size, with the TrueType CJK font
of wms/pdf.py embedded so Chinese names and addresses are real text. Speed (a worker renders >= 100
PDF labels a second): Code128 and QR (barcodes.py) are written as raw integer rectangles; streams are
left uncompressed (~30 kB a label, printed locally: zlib was a third of the time); the CJK font's
tables are sliced once, not per document.
"""
import io
from functools import lru_cache

from wms.pdf import wrap
from wms.shipping.barcodes import code128_modules, qr_matrix
from wms.shipping.labels import paper_mm, qr_text


def render_pdf(data):
    """The label as PDF bytes at its paper size, with the CJK font embedded."""
    from reportlab import rl_config
    from reportlab.lib.units import mm

    from wms.pdf import cjk_font, new_canvas

    rl_config.useA85 = 0  # binary streams: ASCII85 in pure Python costs more than the whole label
    _cache_font_tables()
    width_mm, height_mm = paper_mm(data.paper)
    buffer = io.BytesIO()
    c = new_canvas(buffer, (width_mm * mm, height_mm * mm), pageCompression=0)  # see Speed above
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

    def text(self, x, y, text, size, width_mm=None, max_lines=2):
        """Draw text (wrapped to width_mm by the font's widths, at most max_lines: the label's height is
        fixed) from the top-left (x, y in mm from the top); returns next y."""
        self.c.setFont(self.font, size)
        lines = wrap(text, size, (width_mm or (self.w - x - 3)) * self.mm, max_lines)
        for line in lines:
            y += size * 0.3528 * 1.2
            self.c.drawString(x * self.mm, (self.h - y) * self.mm, line)
        return y

    def rule(self, y):
        self.c.setLineWidth(0.6)
        self.c.line(2 * self.mm, (self.h - y) * self.mm, (self.w - 2) * self.mm, (self.h - y) * self.mm)

    def draw(self, data):
        s, m = self.scale, 3
        y = self.text(m, 1, data.carrier_name, 14 * s, self.w * 0.55 - m - 2)
        y = max(y, self.text(self.w * 0.55, 1, data.sort_code, 14 * s, self.w * 0.45 - m))
        self.rule(y + 1.5)
        y = self.barcode(data.tracking_number, y + 3, 18 * s)
        y = self.text(m, y, data.tracking_number, 11 * s, max_lines=1) + 1
        self.rule(y + 1)
        y = self.text(m, y + 2, f"收 {data.recipient.name}  {data.recipient.phone}", 12 * s, max_lines=3)
        y = self.text(m, y, data.recipient.address, 11 * s, max_lines=5) + 1
        self.rule(y + 1)
        y = self.text(m, y + 2, f"寄 {data.sender.name}  {data.sender.phone}", 9 * s)
        y = self.text(m, y, data.sender.address, 8 * s) + 1
        self.rule(y + 1)
        qr_mm = min(26 * s, self.w * 0.32)
        detail_width = self.w - qr_mm - 2 * m - 2
        y2 = self.text(m, y + 2, f"订单 Order {data.order_ref}", 9 * s, detail_width)
        y2 = self.text(m, y2, f"{data.weight_g / 1000:.2f} kg  {data.carton}", 9 * s, detail_width)
        y2 = self.text(m, y2, data.cargo, 8 * s, detail_width, max_lines=3)
        self.text(m, y2, data.printed_at, 7 * s, detail_width, max_lines=1)
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

