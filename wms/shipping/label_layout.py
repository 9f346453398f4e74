"""The standard 电子面单 layouts: where everything a label carries sits on each paper size. Pure.

Why fixed boxes: the old label placed each line under the measured height of the one before, so a
long sort code ("上海市上海市 021-A1") took a second line and pushed itself into the barcode. Here
every field owns a box (mm from the paper's top-left corner), the boxes of a layout never intersect
(tests/unit/test_label_layout.py), and the renderers fit a value into its own box: the largest size
at which it fits whole, down to the box's smallest size, past which the last line ends in an
ellipsis. A long value shrinks or is cut; it never moves or covers anything else.

The rows follow the carriers' standard 电子面单 (CAINIAO's 76x130 / 100x150 一联单 and 100x180 二联单):
carrier logo area and product; the big sort code (三段码 / 大头笔); the package centre (集包地);
the tracking barcode and its number; the recipient (收) and the sender (寄); order and item summary
with the QR code; print time and the signature line. The 二联单's stub, below the perforation,
repeats the barcode, both parties and the items for the one who keeps it.

The label's words (收, 寄, 集包地, 共 N 件, 签收人) are the carriers' standard wording, read by the
carriers' sorters and couriers rather than by the app's user, so they are Chinese in every language
the app is shown in (FIXED_WORDS), like the carrier's own logo.

`fit()` is the text fitting both renderers share, in their own units (points, printer dots) and with
their own measure of text (font advance widths, bitmap glyph cells).
"""
from dataclasses import dataclass

from wms.shipping.labels import PAPER_SIZES, paper_mm, printed_recipient, qr_text

LEADING = 1.15  # line height / font size
TEXT, BARCODE, QR = "text", "barcode", "qr"
FIXED_WORDS = {"recipient_mark": "收", "sender_mark": "寄", "package_centre": "集包地", "items": "共 {n} 件",
               "printed": "打印时间", "sign": "签收人/签收时间:"}


@dataclass(frozen=True)
class Box:
    """One field's place (mm from the top-left corner) and its text's largest and smallest size (pt)."""

    field: str
    x: float
    y: float
    w: float
    h: float
    size: float = 9.0
    min_size: float = 6.0
    kind: str = TEXT
    bold: bool = False
    center: bool = False

    @property
    def right(self):
        return self.x + self.w

    @property
    def bottom(self):
        return self.y + self.h

    def intersects(self, other):
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


@dataclass(frozen=True)
class Layout:
    """A paper size's boxes, its ruled lines (x0, y0, x1, y1 in mm) and the 二联单's perforation (y)."""

    paper: str
    name: str
    boxes: tuple
    rules: tuple
    cuts: tuple = ()

    @property
    def size_mm(self):
        return paper_mm(self.paper)


def _header(w, y, h, logo_w, logo_size, service_size):
    m = 2 if w < 90 else 3
    return (Box("logo", m, y, logo_w, h, logo_size, logo_size * 0.5, bold=True, center=True),
            Box("service", m + logo_w + 2, y, w - 2 * m - logo_w - 2, h, service_size, 7, center=True))


def _label_76x130():
    w, m = 76, 2
    boxes = _header(w, 1.5, 9, 40, 16, 11) + (
        Box("sort_code", m, 12.5, 72, 12, 30, 11, bold=True, center=True),
        Box("package_centre", m, 26.5, 72, 6, 12, 7, bold=True),
        Box("barcode", m, 34.5, 72, 15, kind=BARCODE),
        Box("tracking", m, 50, 72, 4.5, 10, 7, center=True),
        Box("recipient_mark", m, 57, 7, 7, 16, 12, bold=True),
        Box("recipient", 10, 56.5, 64, 6, 11, 7.5, bold=True),
        Box("recipient_address", 10, 62.5, 64, 12.5, 9, 6.5),
        Box("sender_mark", m, 77, 7, 6, 13, 10, bold=True),
        Box("sender", 10, 76.5, 64, 4.5, 8, 6),
        Box("sender_address", 10, 81, 64, 7, 7.5, 5.5),
        Box("order", m, 89.5, 46, 4.5, 8, 6),
        Box("items", m, 94.5, 46, 22, 8, 6),
        Box("qr", 50, 89.5, 24, 24, kind=QR),
        Box("printed", m, 118, 72, 4, 7, 5.5),
        Box("sign", m, 123, 72, 5, 8, 6))
    rules = tuple((m, y, w - m, y) for y in (11.5, 25.5, 33.5, 55.5, 76, 88.5, 117))
    return Layout("76x130", "一联单", boxes, rules)


def _label_100x150():
    w, m = 100, 3
    boxes = _header(w, 2, 11, 50, 20, 13) + (
        Box("sort_code", m, 15, 94, 15, 36, 14, bold=True, center=True),
        Box("package_centre", m, 32, 94, 8, 15, 8, bold=True),
        Box("barcode", m, 42.5, 94, 20, kind=BARCODE),
        Box("tracking", m, 63, 94, 5.5, 12, 8, center=True),
        Box("recipient_mark", m, 71.5, 9, 9, 20, 14, bold=True),
        Box("recipient", 13, 71, 84, 7, 13, 9, bold=True),
        Box("recipient_address", 13, 78, 84, 15.5, 10.5, 7),
        Box("sender_mark", m, 96.5, 9, 8, 16, 12, bold=True),
        Box("sender", 13, 96, 84, 5.5, 9, 6.5),
        Box("sender_address", 13, 101.5, 84, 7.5, 8.5, 6),
        Box("order", m, 111.5, 62, 5, 9, 6.5),
        Box("items", m, 117, 62, 23, 9, 6.5),
        Box("qr", 70, 111.5, 27, 27, kind=QR),
        Box("printed", m, 142, 44, 5, 7.5, 6),
        Box("sign", 49, 142, 48, 5, 7.5, 6))
    rules = tuple((m, y, w - m, y) for y in (14, 31, 41, 69.5, 95, 110, 141))
    return Layout("100x150", "一联单", boxes, rules)


def _label_100x180():
    w, m = 100, 3
    boxes = _header(w, 2, 10, 50, 18, 12) + (
        Box("sort_code", m, 14, 94, 14, 34, 13, bold=True, center=True),
        Box("package_centre", m, 30, 94, 7, 14, 8, bold=True),
        Box("barcode", m, 39, 94, 18, kind=BARCODE),
        Box("tracking", m, 57.5, 94, 5, 11, 8, center=True),
        Box("recipient_mark", m, 65.5, 9, 9, 18, 13, bold=True),
        Box("recipient", 13, 65, 84, 6.5, 12, 8.5, bold=True),
        Box("recipient_address", 13, 71.5, 84, 12.5, 10, 7),
        Box("sender_mark", m, 86.5, 9, 7, 14, 11, bold=True),
        Box("sender", 13, 86, 84, 5, 9, 6.5),
        Box("sender_address", 13, 91, 84, 6.5, 8, 6),
        Box("order", m, 99.5, 70, 4.5, 8.5, 6),
        Box("items", m, 104.5, 70, 11.5, 8, 6),
        Box("qr", 77, 99.5, 17, 17, kind=QR),
        # the stub, below the perforation at 117.5
        Box("barcode_2", m, 119.5, 62, 12, kind=BARCODE),
        Box("logo_2", 67, 119.5, 30, 6, 11, 7, bold=True, center=True),
        Box("tracking_2", 67, 126, 30, 5.5, 9, 6, center=True),
        Box("recipient_2", m, 138, 94, 9.5, 8.5, 6),
        Box("sender_2", m, 148, 94, 7, 7.5, 5.5),
        Box("order_2", m, 157, 94, 4.5, 8, 6),
        Box("items_2", m, 162, 94, 10.5, 8, 6),
        Box("printed", m, 174, 44, 4.5, 7.5, 6),
        Box("sign", 49, 174, 48, 4.5, 7.5, 6))
    rules = tuple((m, y, w - m, y) for y in (13, 29, 38, 64, 85, 98.5, 137, 156, 173))
    return Layout("100x180", "二联单", boxes, rules, cuts=(117.5,))


LAYOUTS = {layout.paper: layout for layout in (_label_76x130(), _label_100x150(), _label_100x180())}
assert set(LAYOUTS) == set(PAPER_SIZES)


def layout_for(paper):
    """The layout of a paper size; ValueError for a size no carrier uses."""
    paper_mm(paper)
    return LAYOUTS[paper]


def field_texts(data):
    """{field: text} of every text box, the recipient masked in privacy mode, Code128 / QR values under
    'barcode' and 'qr'. Empty values stay empty (their box stays blank)."""
    name, phone = printed_recipient(data)
    sender = data.sender
    weight = f"{data.weight_g / 1000:.2f} kg" if data.weight_g else ""
    count = FIXED_WORDS["items"].format(n=data.item_count) if data.item_count else ""
    order = "  ".join(part for part in (data.order_ref, count, weight, data.carton) if part)
    recipient = _joined(name, phone)
    sender_line = _joined(sender.name, sender.phone)
    return {
        "logo": data.carrier_name, "logo_2": data.carrier_name, "service": data.service,
        "sort_code": data.sort_code,
        "package_centre": f"{FIXED_WORDS['package_centre']} {data.package_centre}" if data.package_centre else "",
        "barcode": data.tracking_number, "barcode_2": data.tracking_number,
        "tracking": data.tracking_number, "tracking_2": data.tracking_number,
        "recipient_mark": FIXED_WORDS["recipient_mark"], "sender_mark": FIXED_WORDS["sender_mark"],
        "recipient": recipient, "recipient_address": data.recipient.address,
        "sender": sender_line, "sender_address": sender.address,
        "recipient_2": f"{FIXED_WORDS['recipient_mark']} {_joined(recipient, data.recipient.address)}",
        "sender_2": f"{FIXED_WORDS['sender_mark']} {_joined(sender_line, sender.address)}",
        "order": order, "order_2": order, "items": data.cargo, "items_2": data.cargo,
        "qr": qr_text(data),
        "printed": f"{FIXED_WORDS['printed']} {data.printed_at}" if data.printed_at else "",
        "sign": FIXED_WORDS["sign"],
    }


def _joined(*parts):
    return "  ".join(part for part in parts if part)


def fit(text, width, height, sizes, wrap, line_height):
    """(size, lines): `text` at the first of `sizes` (largest first) whose wrapped lines fit `height`;
    at the last size, the lines that fit with an ellipsis ending the last one. `wrap(text, size,
    width, max_lines)` and `line_height(size)` are in the caller's units. Sizes too big for even one
    line are passed over; the last size always gives at least one line."""
    for index, size in enumerate(sizes):
        room = int((height + 1e-6) // line_height(size))
        last = index == len(sizes) - 1
        if room < 1 and not last:
            continue
        lines = wrap(text, size, width, None)
        if len(lines) <= max(room, 1):
            return size, lines
        if last:
            return size, wrap(text, size, width, max(room, 1))
    raise ValueError("fit() needs at least one size")


def pdf_sizes(box, steps=5):
    """The font sizes (pt) a PDF tries for a box: from its size to its min_size in equal ratios."""
    if box.size <= box.min_size:
        return (box.size,)
    ratio = (box.min_size / box.size) ** (1 / (steps - 1))
    return tuple(box.size * ratio ** i for i in range(steps - 1)) + (box.min_size,)
