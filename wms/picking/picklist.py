"""The paper pick list (拣货单) of one task: A4, lines in walking order, a Code128 of the task.

Rendering only: takes plain values, returns PDF bytes. Every value is wrapped inside its column by
the font's own widths (wms.pdf.Table): a long item name or order number takes more lines, never the
next column or the margin; pages break by the rows' real heights.
"""
import io
from dataclasses import dataclass

from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from wms.pdf import Column, Table, cjk_font, new_canvas, wrap

MARGIN_MM = 15
TICK_MM = 4  # the picker's tick box, right of the table, inside the right margin
TABLE = Table((Column("#", 8), Column("库位 Bin", 30, 12), Column("SKU", 30), Column("品名 Item", 53),
               Column("数量 Qty", 14, 12), Column("格 Slot", 12), Column("订单 Order", 24)), MARGIN_MM)
TABLE_TOP_MM = 40  # from the page's top edge: below the header and the task's barcode
ROW_GAP_MM = 1.5


@dataclass(frozen=True)
class PickListLine:
    seq: int
    bin_code: str
    sku_code: str
    sku_name: str
    qty: int
    slot: str
    order_ref: str


def render_pick_list(task_code, wave_code, warehouse, distance_m, lines, printed_at):
    """PDF bytes of the pick list for one task."""
    buffer = io.BytesIO()
    pdf = new_canvas(buffer, A4, pageCompression=1)
    pdf.setTitle(f"Pick list {task_code}")
    font = cjk_font()
    rows = [TABLE.cells((str(line.seq), line.bin_code, line.sku_code, line.sku_name, str(line.qty), line.slot,
                         line.order_ref)) for line in lines]
    pages = _pages(rows)
    for number, page in enumerate(pages, start=1):
        _header(pdf, font, task_code, wave_code, warehouse, distance_m, len(lines), printed_at, number, len(pages))
        _table(pdf, page)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _pages(rows):
    """Rows split into pages by height (at least one page, at least one row a page)."""
    _, height = A4
    room = (height / mm - TABLE_TOP_MM - MARGIN_MM) * mm - _heading_height()
    pages, used = [[]], 0
    for cells in rows:
        row = TABLE.height(cells) + ROW_GAP_MM * mm
        if pages[-1] and used + row > room:
            pages.append([])
            used = 0
        pages[-1].append(cells)
        used += row
    return pages


def _heading_height():
    return TABLE.height(TABLE.cells([column.title for column in TABLE.columns])) + ROW_GAP_MM * mm


def _header(pdf, font, task_code, wave_code, warehouse, distance_m, n_lines, printed_at, page, pages):
    width, height = A4
    barcode = code128.Code128(task_code, barHeight=12 * mm, barWidth=0.35 * mm)
    barcode.drawOn(pdf, width - MARGIN_MM * mm - barcode.width, height - 30 * mm)
    text_width = width - 2 * MARGIN_MM * mm - barcode.width - 5 * mm
    pdf.setFont(font, 16)
    pdf.drawString(MARGIN_MM * mm, height - 20 * mm, wrap(f"拣货单 Pick list  {task_code}", 16, text_width, 1)[0])
    pdf.setFont(font, 9)
    facts = f"波次 Wave {wave_code} · 仓库 {warehouse} · {n_lines} 行 lines · 路线 route {distance_m:.0f} m"
    pdf.drawString(MARGIN_MM * mm, height - 27 * mm, wrap(facts, 9, text_width, 1)[0])
    pdf.drawString(MARGIN_MM * mm, height - 32 * mm, f"打印 Printed {printed_at} · 页 {page}/{pages}")


def _table(pdf, rows):
    width, height = A4
    left, right = MARGIN_MM * mm, width - MARGIN_MM * mm
    y = TABLE.heading(pdf, height - TABLE_TOP_MM * mm)
    pdf.setLineWidth(1)
    pdf.line(left, y - 1, right, y - 1)
    y -= ROW_GAP_MM * mm
    for cells in rows:
        top = y
        y = TABLE.draw(pdf, top, cells) - ROW_GAP_MM * mm
        pdf.setLineWidth(0.5)
        pdf.rect(right - TICK_MM * mm, top - 12 * 0.9 - 0.5 * mm, TICK_MM * mm, TICK_MM * mm)  # tick box
        pdf.setLineWidth(0.2)
        pdf.line(left, y + 0.5 * mm, right, y + 0.5 * mm)
