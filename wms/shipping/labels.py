"""What a shipping label carries and on which paper. Pure: stdlib only, no rendering.
Paper sizes are the carriers' thermal sizes: 100x150 mm (default), 76x130 and 100x180. Every label,
PDF (label_pdf.py, browser printing) or ZPL (label_zpl.py, Zebra over TCP 9100), carries the
tracking number as Code128, a QR code with the order and tracking reference (qr_text), the sort
code, the recipient and the sender.
"""
from dataclasses import dataclass

PAPER_SIZES = {"100x150": (100, 150), "76x130": (76, 130), "100x180": (100, 180)}
DEFAULT_PAPER = "100x150"


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
    cargo: str = ""
    sort_code: str = ""
    printed_at: str = ""
    paper: str = DEFAULT_PAPER


def qr_text(data):
    """What the QR code carries: the order and tracking reference."""
    return f"WMS|O:{data.order_ref}|T:{data.tracking_number}"


def paper_mm(paper):
    """(width, height) in mm of a paper size; ValueError for a size no carrier uses."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    return PAPER_SIZES[paper]
