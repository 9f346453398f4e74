"""The UPU customs declaration of a parcel leaving China as PDF: CN 22 on the label's 100 x 150 mm
paper (contents up to 300 SDR), CN 23 on A4 above that (which also names sender and addressee).

The form speaks the languages customs read: every heading in English with its Chinese beside it (the
UPU's forms are English / French; Chinese forwarders print Chinese alongside), the values as
declared. The project font (wms/pdf.py) is embedded, so Chinese names are real text, and every cell
wraps inside its column.
"""
import io
from datetime import date

from wms.pdf import MM, Column, Table, cjk_font, new_canvas, wrap

CATEGORY_BOXES = (("gift", "Gift 礼品"), ("sample", "Commercial sample 商业样品"), ("documents", "Documents 文件"),
                  ("returned", "Returned goods 退货"), ("sale", "Sale of goods 销售商品"), ("other", "Other 其他"))
CERTIFY = ("I certify that the particulars given in this customs declaration are correct and that this item "
           "does not contain any dangerous article prohibited by legislation or by postal or customs regulations. "
           "我保证上述申报内容准确无误，本邮件内未装寄法律或邮政和海关规章禁止寄递的任何危险物品。")
PAPER_MM = {"CN22": (100, 150), "CN23": (210, 297)}


def render(declaration, *, form, order_ref, sender, tracking_number="", weight_g=0, today=None):
    """The form ("CN22" or "CN23") of a declaration as PDF bytes."""
    width_mm, height_mm = PAPER_MM[form]
    buffer = io.BytesIO()
    pdf = new_canvas(buffer, (width_mm * MM, height_mm * MM))
    pdf.setTitle(f"{form} {order_ref}")
    _Form(pdf, width_mm, height_mm, small=form == "CN22").draw(declaration, form, order_ref, sender, tracking_number,
                                                                weight_g, today or date.today())
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class _Form:
    def __init__(self, pdf, width_mm, height_mm, small):
        self.pdf, self.w, self.h, self.small = pdf, width_mm, height_mm, small
        self.margin = 4 if small else 12
        self.size = 6.5 if small else 9
        self.top = (height_mm - self.margin) * MM   # points from the page's bottom

    def text(self, value, size=None, width_mm=None, x_mm=None, max_lines=4):
        size = size or self.size
        x_mm = self.margin if x_mm is None else x_mm
        width = (width_mm or (self.w - x_mm - self.margin)) * MM
        self.pdf.setFont(cjk_font(), size)
        for line in wrap(value, size, width, max_lines):
            self.top -= size * 1.2
            self.pdf.drawString(x_mm * MM, self.top, line)

    def rule(self, gap=2):
        self.top -= gap
        self.pdf.setLineWidth(0.5)
        self.pdf.line(self.margin * MM, self.top, (self.w - self.margin) * MM, self.top)
        self.top -= gap

    def draw(self, declaration, form, order_ref, sender, tracking_number, weight_g, today):
        big = self.size * 1.6
        self.text(f"CUSTOMS DECLARATION 报关单   {form[:2]} {form[2:]}", big)
        self.text("May be opened officially 可由海关依法开拆", self.size)
        self.text(f"Order 订单 {order_ref}" + (f"   Tracking 运单号 {tracking_number}" if tracking_number else ""))
        self.rule()
        if form == "CN23":
            self._parties(declaration, sender)
        self._categories(declaration.category)
        self.rule()
        self._items(declaration)
        self.rule()
        total_weight = (weight_g or declaration.weight_g) / 1000
        self.text(f"Total gross weight 总毛重 (kg): {total_weight:.3f}   "
                  f"Total value 总价值: {declaration.currency} {declaration.value_cents / 100:,.2f}", self.size + 0.5)
        if declaration.ioss_number:
            self.text(f"IOSS 税号: {declaration.ioss_number}", self.size + 0.5)
        if declaration.vat_number:
            self.text(f"VAT 增值税号: {declaration.vat_number}", self.size + 0.5)
        self.text(f"Destination 目的地: {declaration.country}")
        self.rule()
        self.text(CERTIFY, self.size - (0.5 if self.small else 0), max_lines=8)
        self.text(f"Date 日期: {today.isoformat()}    Sender's signature 寄件人签名: {sender.get('name', '')}")

    def _parties(self, declaration, sender):
        half = (self.w - 2 * self.margin) / 2
        top = self.top
        self.text("From 寄件人", self.size + 1, half)
        sender_lines = [sender.get("name", ""), sender.get("phone", ""),
                        " ".join(sender.get(k, "") for k in ("province", "city", "district", "address"))]
        for line in sender_lines:
            if line.strip():
                self.text(line, width_mm=half - 2)
        left_bottom, self.top = self.top, top
        recipient = declaration.recipient or {}
        x = self.margin + half
        self.text("To 收件人", self.size + 1, half, x_mm=x)
        for line in (recipient.get("name", ""), recipient.get("phone", ""),
                     ", ".join(v for v in (recipient.get("address", ""), recipient.get("city", ""),
                                           recipient.get("province", ""), recipient.get("postcode", ""),
                                           recipient.get("country", "")) if v)):
            if line.strip():
                self.text(line, width_mm=half - 2, x_mm=x)
        self.top = min(self.top, left_bottom)
        self.rule()

    def _categories(self, chosen):
        boxes = [f"[{'X' if code == chosen else ' '}] {label}" for code, label in CATEGORY_BOXES]
        per_line = 2 if self.small else 3
        for start in range(0, len(boxes), per_line):
            self.text("    ".join(boxes[start:start + per_line]))

    def _items(self, declaration):
        inner = self.w - 2 * self.margin
        shares = (0.44, 0.12, 0.16, 0.16, 0.12)
        titles = ("Quantity and detailed description of contents 数量及物品详细名称", "Weight 重量 (kg)",
                  f"Value 价值 ({declaration.currency})", "HS tariff number 税则号", "Country of origin 原产国")
        table = Table([Column(title, inner * share, self.size) for title, share in zip(titles, shares)],
                      self.margin, max_lines=4)
        self.top = table.heading(self.pdf, self.top, self.size - 0.5) - 2
        for item in declaration.items:
            description = f"{item.qty} x {item.name_en} {item.name_cn}" + (f" ({item.material})" if item.material else "")
            cells = table.cells([description, f"{item.unit_weight_g * item.qty / 1000:.3f}",
                                 f"{item.value_cents / 100:,.2f}", item.hs_code, item.origin])
            self.top = table.draw(self.pdf, self.top, cells) - 1.5
