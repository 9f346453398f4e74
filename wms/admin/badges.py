"""Badge images: a badge payload's QR as a PNG data URI, and the A4 PDF sheet.

Takes plain values (a card is a dict: name, username, role, payload), no Flask or database.
"""
import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(text, box_size=8):
    """PNG bytes of a QR code for `text` (medium error correction survives a scuffed badge)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(payload):
    """An <img src> for the QR of `payload`: no file, no |safe needed."""
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode()


def badges_pdf(cards):
    """An A4 PDF, 2 x 4 credit-card-sized badges per page: name, username, role and QR.

    The text column left of the QR is narrow (about 28 mm): each value wraps inside it by the font's
    widths (name up to 3 lines, username and role up to 2), ending in an ellipsis only past that."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    from wms.pdf import cjk_font, new_canvas, wrap

    font = cjk_font()
    out = io.BytesIO()
    pdf = new_canvas(out, A4)
    width, height = A4
    card_w, card_h, cols, rows = 85.6 * mm, 54 * mm, 2, 4
    margin_x = (width - cols * card_w) / 3
    margin_y = (height - rows * card_h) / 5
    qr_size, inset = card_h - 10 * mm, 5 * mm
    text_w = card_w - qr_size - 2 * inset - 3 * mm
    for index, card in enumerate(cards):
        slot = index % (cols * rows)
        if index and slot == 0:
            pdf.showPage()
        col, row = slot % cols, slot // cols
        x = margin_x + col * (card_w + margin_x)
        y = height - (row + 1) * (card_h + margin_y)
        pdf.setLineWidth(0.5)
        pdf.roundRect(x, y, card_w, card_h, 3 * mm)
        pdf.drawImage(ImageReader(io.BytesIO(qr_png(card["payload"]))), x + card_w - qr_size - inset,
                      y + inset, qr_size, qr_size)
        baseline = y + card_h - inset
        for value, size, max_lines, gap in ((card["name"], 14, 3, 2 * mm), (card["username"], 10, 2, 1 * mm),
                                             (card["role"], 10, 2, 0)):
            pdf.setFont(font, size)
            for line in wrap(value, size, text_w, max_lines):
                baseline -= size * 1.15
                pdf.drawString(x + inset, baseline, line)
            baseline -= gap
    pdf.save()
    return out.getvalue()
