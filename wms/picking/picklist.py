"""The paper pick list (拣货单) of one task: A4, lines in walking order, a Code128 of the task.

Rendering only: takes plain values, returns PDF bytes.
"""
import io
from dataclasses import dataclass

from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from wms.pdf import cjk_font


@dataclass(frozen=True)
class PickListLine:
    seq: int
    bin_code: str
    sku_code: str
    sku_name: str
    qty: int
    slot: str
    order_ref: str


COLUMNS = (("#", 10), ("库位 Bin", 32), ("SKU", 32), ("品名 Item", 62), ("数量 Qty", 18), ("格 Slot", 14),
           ("订单 Order", 22))
ROW_H = 7 * mm


def render_pick_list(task_code, wave_code, warehouse, distance_m, lines, printed_at):
    """PDF bytes of the pick list for one task."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Pick list {task_code}")
    font = cjk_font()
    pages = [lines[i:i + 30] for i in range(0, len(lines), 30)] or [[]]
    for number, page in enumerate(pages, start=1):
        _header(pdf, font, task_code, wave_code, warehouse, distance_m, len(lines), printed_at, number, len(pages))
        _table(pdf, font, page)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _header(pdf, font, task_code, wave_code, warehouse, distance_m, n_lines, printed_at, page, pages):
    width, height = A4
    pdf.setFont(font, 16)
    pdf.drawString(15 * mm, height - 20 * mm, f"拣货单 Pick list  {task_code}")
    pdf.setFont(font, 9)
    pdf.drawString(15 * mm, height - 27 * mm,
                   f"波次 Wave {wave_code} · 仓库 {warehouse} · {n_lines} 行 lines · 路线 route {distance_m:.0f} m")
    pdf.drawString(15 * mm, height - 32 * mm, f"打印 Printed {printed_at} · 页 {page}/{pages}")
    barcode = code128.Code128(task_code, barHeight=12 * mm, barWidth=0.35 * mm)
    barcode.drawOn(pdf, width - 15 * mm - barcode.width, height - 30 * mm)


def _table(pdf, font, lines):
    width, height = A4
    y = height - 45 * mm
    x0 = 15 * mm
    pdf.setFont(font, 9)
    x = x0
    for title, w in COLUMNS:
        pdf.drawString(x, y, title)
        x += w * mm
    pdf.line(x0, y - 2, width - 15 * mm, y - 2)
    for line in lines:
        y -= ROW_H
        values = (str(line.seq), line.bin_code, line.sku_code, line.sku_name[:24], str(line.qty), line.slot,
                  line.order_ref)
        x = x0
        for (title, w), value in zip(COLUMNS, values):
            pdf.setFont(font, 12 if title.startswith("库位") or title.startswith("数量") else 9)
            pdf.drawString(x, y, value)
            x += w * mm
        pdf.rect(width - 22 * mm, y - 1, 4 * mm, 4 * mm)  # tick box
        pdf.setLineWidth(0.2)
        pdf.line(x0, y - 2.5 * mm, width - 15 * mm, y - 2.5 * mm)
        pdf.setLineWidth(1)
