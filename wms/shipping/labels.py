"""What a shipping label carries and on which paper. Pure: stdlib only, no rendering.

Paper sizes are the standard 电子面单 sizes the carriers' thermal printers take: 100x150 mm (一联单, the
default), 76x130 (一联单) and 100x180 (二联单: the carrier's part and a stub, torn apart at delivery).
Where each thing sits on each size is label_layout.py; the PDF (label_pdf.py, browser printing) and
the ZPL (label_zpl.py, Zebra over TCP 9100) draw the same layout.

Privacy (隐私面单): the parcel travels through many hands, so by default the buyer's name and phone are
printed masked (张** / 138****5678); the carrier's system has the full values from the waybill request,
so the courier can still call. The warehouse's setting turns it off (Warehouse.privacy_labels).
"""
import re
from dataclasses import dataclass

PAPER_SIZES = {"100x150": (100, 150), "76x130": (76, 130), "100x180": (100, 180)}
DEFAULT_PAPER = "100x150"

_CN_MOBILE = re.compile(r"^(?:(?:\+|00)?86)?(1[3-9]\d{9})$")
_DIAL_SEPARATORS = re.compile(r"[\s()\-]")
_TRAILING_EXTENSION = re.compile(r"^(.*\d)\s*(?:-|转|#|ext\.?|x)\s*(\d{1,6})$", re.I)
_EXTENSION = re.compile(r"^(1[3-9]\d{9})\s*(?:-|转|#|ext\.?|x)\s*(\d{1,6})$", re.I)


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class LabelData:
    tracking_number: str
    carrier_name: str
    order_ref: str
    recipient: Party
    sender: Party
    weight_g: int = 0
    carton: str = ""
    cargo: str = ""               # the item summary: "保温杯 x2; 毛巾 x1"
    sort_code: str = ""           # 三段码 / 大头笔 from the carrier's answer, printed big
    printed_at: str = ""          # already in the warehouse's time zone
    paper: str = DEFAULT_PAPER
    package_centre: str = ""      # 集包地 from the carrier's answer
    service: str = ""             # the carrier's product, e.g. 标准快递
    item_count: int = 0           # units in the parcel (0: not said)
    privacy: bool = True          # 隐私面单: the recipient's name and phone masked


def qr_text(data):
    """What the QR code carries: the order and tracking reference."""
    return f"WMS|O:{data.order_ref}|T:{data.tracking_number}"


def paper_mm(paper):
    """(width, height) in mm of a paper size; ValueError for a size no carrier uses."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    return PAPER_SIZES[paper]


def mask_name(name):
    """张三 -> 张**: the first character and two stars, whatever the length (the length says nothing)."""
    name = " ".join(str(name or "").split())
    return f"{name[0]}**" if name else ""


def local_phone(phone):
    """A Chinese mobile as dialled in China (+86 138 0013 8000 -> 13800138000), a platform's privacy
    extension kept after a dash (+86 13800138000转1234 -> 13800138000-1234); other numbers as written."""
    phone = " ".join(str(phone or "").split())
    main, extension = phone, ""
    split = _TRAILING_EXTENSION.match(phone)
    if split and _CN_MOBILE.match(_DIAL_SEPARATORS.sub("", split.group(1))):
        main, extension = split.groups()
    mobile = _CN_MOBILE.match(_DIAL_SEPARATORS.sub("", main))
    if mobile is None:
        return phone
    return f"{mobile.group(1)}-{extension}" if extension else mobile.group(1)


def mask_phone(phone):
    """138****5678: the digits between the first 3 and the last 4 as stars (separators kept); a platform's
    privacy extension (13800138000-1234) stays readable after the masked number; under 7 digits, all
    but the last 2 are stars."""
    phone = local_phone(phone)
    extension = _EXTENSION.match(phone)
    if extension:
        return f"{_mask_digits(extension.group(1))}-{extension.group(2)}"
    return _mask_digits(phone)


def _mask_digits(text):
    positions = [index for index, ch in enumerate(text) if ch.isdigit()]
    hidden = positions[3:-4] if len(positions) >= 7 else positions[:-2]
    chars = list(text)
    for index in hidden:
        chars[index] = "*"
    return "".join(chars)


def printed_recipient(data):
    """(name, phone) of the recipient as the label prints them: masked in privacy mode."""
    if data.privacy:
        return mask_name(data.recipient.name), mask_phone(data.recipient.phone)
    return data.recipient.name, local_phone(data.recipient.phone)
