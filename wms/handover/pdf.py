"""The manifest PDF (交接单): A4, one row per parcel, totals and signature lines; CJK font embedded.

Every value wraps inside its column by the font's widths (wms.pdf.Table): a long buyer name, order
number or city takes more lines, never the next column; pages break by the rows' real heights and
the totals and signature lines go on a page of their own when the last one is full.
"""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from wms.pdf import Column, Table, cjk_font, new_canvas, wrap

MARGIN_MM = 15
TABLE = Table((Column("#", 10), Column("运单号 Tracking", 42), Column("订单 Order", 40), Column("收件人 Buyer", 38),
               Column("城市 City", 34), Column("重量 kg", 16)), MARGIN_MM)
TABLE_TOP_MM = 42  # from the page's top edge, below the header
ROW_GAP_MM = 1.5
FOOTER_MM = 24  # the totals and the two signature lines


def render_manifest(manifest, rows, carrier_name, printed_at):
    """PDF bytes for a manifest; rows: [(tracking, order, buyer, city, weight_g)]."""
    font = cjk_font()
    buffer = io.BytesIO()
    pdf = new_canvas(buffer, A4)
    pdf.setTitle(f"Manifest {manifest.code}")
    cells = [TABLE.cells((number, tracking, order, buyer, city, f"{weight_g / 1000:.2f}"))
             for number, (tracking, order, buyer, city, weight_g) in enumerate(rows, start=1)]
    pages, footer_fits = _pages(cells)
    total = len(pages) + (0 if footer_fits else 1)
    for number, page in enumerate(pages, start=1):
        y = _table(pdf, _header(pdf, font, manifest, carrier_name, printed_at, number, total), page)
        if number == len(pages) and footer_fits:
            _footer(pdf, font, y, rows)
        pdf.showPage()
    if not footer_fits:
        _header(pdf, font, manifest, carrier_name, printed_at, total, total)
        _footer(pdf, font, A4[1] - TABLE_TOP_MM * mm, rows)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _pages(cells):
    """Rows split into pages by height, and whether the footer fits below the last page's rows."""
    _, height = A4
    room = (height / mm - TABLE_TOP_MM - MARGIN_MM) * mm - _heading_height()
    pages, used = [[]], 0
    for row in cells:
        row_height = TABLE.height(row) + ROW_GAP_MM * mm
        if pages[-1] and used + row_height > room:
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += row_height
    return pages, used + FOOTER_MM * mm <= room


def _heading_height():
    return TABLE.height(TABLE.cells([column.title for column in TABLE.columns])) + ROW_GAP_MM * mm


def _header(pdf, font, manifest, carrier_name, printed_at, page, pages):
    """Title, carrier and print time; returns the top of the table (points from the bottom)."""
    width, height = A4
    text_width = width - 2 * MARGIN_MM * mm
    pdf.setFont(font, 16)
    title = wrap(f"交接单 Manifest {manifest.code}", 16, text_width - 15 * mm, 1)[0]  # room for "page/pages"
    pdf.drawString(MARGIN_MM * mm, height - 20 * mm, title)
    pdf.setFont(font, 10)
    pdf.drawString(MARGIN_MM * mm, height - 28 * mm,
                   wrap(f"承运商 Carrier: {carrier_name} ({manifest.carrier_code})", 10, text_width, 1)[0])
    pdf.drawString(MARGIN_MM * mm, height - 34 * mm, f"打印时间 Printed: {printed_at}")
    pdf.drawRightString(width - MARGIN_MM * mm, height - 20 * mm, f"{page}/{pages}")
    return height - TABLE_TOP_MM * mm


def _table(pdf, top, rows):
    """The heading and the rows from `top`; returns the bottom of the last row."""
    width, _ = A4
    left, right = MARGIN_MM * mm, width - MARGIN_MM * mm
    y = TABLE.heading(pdf, top)
    pdf.setLineWidth(1)
    pdf.line(left, y - 1, right, y - 1)
    y -= ROW_GAP_MM * mm
    for cells in rows:
        y = TABLE.draw(pdf, y, cells) - ROW_GAP_MM * mm
        pdf.setLineWidth(0.2)
        pdf.line(left, y + 0.5 * mm, right, y + 0.5 * mm)
    return y


def _footer(pdf, font, y, rows):
    total_kg = sum(row[4] for row in rows) / 1000
    pdf.setFont(font, 11)
    pdf.drawString(MARGIN_MM * mm, y - 6 * mm, f"合计 Total: {len(rows)} 件 parcels, {total_kg:.2f} kg")
    pdf.drawString(MARGIN_MM * mm, y - 18 * mm, "仓库交接人 Warehouse: ____________")
    pdf.drawString(110 * mm, y - 18 * mm, "承运商签收 Driver: ____________")
