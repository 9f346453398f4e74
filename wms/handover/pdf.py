"""The manifest PDF (交接单): A4, one row per parcel, totals and signature lines; CJK font embedded."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from wms.pdf import cjk_font

ROWS_PER_PAGE = 35
COLUMNS = ((15, "#"), (25, "运单号 Tracking"), (80, "订单 Order"), (115, "收件人 Buyer"),
           (150, "城市 City"), (180, "重量 kg"))


def render_manifest(manifest, rows, carrier_name, printed_at):
    """PDF bytes for a manifest; rows: [(tracking, order, buyer, city, weight_g)]."""
    font = cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Manifest {manifest.code}")
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    for page in range(pages):
        y = _header(pdf, font, manifest, carrier_name, printed_at, page + 1, pages)
        chunk = rows[page * ROWS_PER_PAGE:(page + 1) * ROWS_PER_PAGE]
        pdf.setFont(font, 9)
        for number, row in enumerate(chunk, start=page * ROWS_PER_PAGE + 1):
            tracking, order, buyer, city, weight_g = row
            for (x, _title), value in zip(COLUMNS, (number, tracking, order, buyer, city, f"{weight_g / 1000:.2f}")):
                pdf.drawString(x * mm, y, str(value)[:28])
            y -= 6 * mm
        if page == pages - 1:
            _footer(pdf, font, y, rows)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _header(pdf, font, manifest, carrier_name, printed_at, page, pages):
    width, height = A4
    pdf.setFont(font, 16)
    pdf.drawString(15 * mm, height - 20 * mm, f"交接单 Manifest {manifest.code}")
    pdf.setFont(font, 10)
    pdf.drawString(15 * mm, height - 28 * mm, f"承运商 Carrier: {carrier_name} ({manifest.carrier_code})")
    pdf.drawString(15 * mm, height - 34 * mm, f"打印时间 Printed: {printed_at}")
    pdf.drawRightString(width - 15 * mm, height - 20 * mm, f"{page}/{pages}")
    y = height - 44 * mm
    pdf.setFont(font, 9)
    for x, title in COLUMNS:
        pdf.drawString(x * mm, y, title)
    pdf.line(15 * mm, y - 2 * mm, width - 15 * mm, y - 2 * mm)
    return y - 7 * mm


def _footer(pdf, font, y, rows):
    total_kg = sum(row[4] for row in rows) / 1000
    pdf.setFont(font, 11)
    pdf.drawString(15 * mm, y - 4 * mm, f"合计 Total: {len(rows)} 件 parcels, {total_kg:.2f} kg")
    pdf.drawString(15 * mm, y - 16 * mm, "仓库交接人 Warehouse: ____________")
    pdf.drawString(110 * mm, y - 16 * mm, "承运商签收 Driver: ____________")
