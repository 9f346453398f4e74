"""A ZPL II rasteriser for the tests: the label as a 203 dpi picture and the place of every field,
so that a test can read the printed barcodes back with zxing-cpp and check that nothing overlaps.

It draws the commands the label renderer writes, the way a Zebra printer does: ^FO field origins,
^GB boxes and lines, ^GFA bitmaps, ^BY / ^BC Code128 (bars from zxing-cpp's own encoder, not from the
code under test), ^BQ QR codes (zxing-cpp, error correction as the field data says), ^A@ + ^FB text
blocks (their block's area). Any other command is an error, so a new command in a label cannot slip
past the tests undrawn."""
import re
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageDraw

QUIET_MODULES = 10  # Code128 needs this much white on each side: it belongs to the symbol's area
IGNORED = {"XA", "XZ", "CI", "LH", "PQ", "FH", "FS"}


@dataclass(frozen=True)
class Field:
    kind: str   # "rule", "bitmap", "code128", "qr", "text"
    x0: int
    y0: int
    x1: int     # exclusive, in dots
    y1: int
    value: str = ""

    def intersects(self, other):
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass
class Raster:
    image: Image.Image
    fields: list


def rasterise(zpl):
    """The label's picture (mode L, one pixel a dot) and its fields, from ZPL text."""
    width = int(re.search(r"\^PW(\d+)", zpl).group(1))
    height = int(re.search(r"\^LL(\d+)", zpl).group(1))
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    fields, state = [], {"x": 0, "y": 0, "by": 2, "pending": None, "block": None}
    for command in _commands(zpl):
        name, args = command[:2], command[2:]
        if name == "FO":
            state["x"], state["y"] = (int(v) for v in args.split(",")[:2])
        elif name == "GB":
            w, h, thickness = (int(v) for v in args.split(",")[:3])
            draw.rectangle([state["x"], state["y"], state["x"] + w - 1, state["y"] + h - 1], fill=0)
            fields.append(Field("rule", state["x"], state["y"], state["x"] + w, state["y"] + h))
        elif name == "GF":
            fields.append(_bitmap(image, state, args))
        elif name == "BY":
            state["by"] = int(args.split(",")[0])
        elif name in ("BC", "BQ"):
            state["pending"] = (name, args)
        elif name.startswith("A"):
            state["pending"] = ("A", args)
        elif name == "FB":
            state["block"] = [int(v) if v.isdigit() else v for v in args.split(",")]
        elif name == "FD":
            fields.append(_field_data(draw, state, args))
            state["pending"] = state["block"] = None
        elif name in ("PW", "LL") or name in IGNORED:
            continue
        else:
            raise ValueError(f"the rasteriser does not draw ^{name}")
    return Raster(image, fields)


def _commands(zpl):
    return [part.strip("\n") for part in zpl.split("^") if part.strip()]


def _bitmap(image, state, args):
    _kind, total, _again, row_bytes, data = args.split(",", 4)
    raw, row_bytes = bytes.fromhex(data.strip()), int(row_bytes)
    assert len(raw) == int(total), "^GFA byte count differs from its data"
    rows = len(raw) // row_bytes
    bits = Image.frombytes("1", (row_bytes * 8, rows), raw)
    x, y = state["x"], state["y"]
    ink = Image.new("L", bits.size, 0)
    image.paste(ink, (x, y), bits)
    return Field("bitmap", x, y, x + row_bytes * 8, y + rows)


def _field_data(draw, state, data):
    kind, args = state["pending"] or ("A", "")
    x, y = state["x"], state["y"]
    if kind == "BC":
        height = int(args.split(",")[1])
        symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.Code128)
        return _draw_modules(draw, symbol, x, y, state["by"], height, "code128", data, quiet=QUIET_MODULES)
    if kind == "BQ":
        magnification = int(args.split(",")[2])
        level, text = data[0], data.split(",", 1)[1]
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=level)
        return _draw_modules(draw, symbol, x, y, magnification, None, "qr", text)
    height = int(args.split(",")[1])
    width, lines = (state["block"] or [len(data) * height, 1])[:2]
    draw.rectangle([x, y, x + width - 1, y + lines * height - 1], outline=0)
    return Field("text", x, y, x + width, y + lines * height, data)


def _draw_modules(draw, symbol, x, y, module, height, kind, value, quiet=0):
    """Draw a zxing-cpp symbol's modules `module` dots wide (and high, for a matrix)."""
    view = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    cols, rows, data = view.shape[1], view.shape[0], view.tobytes()
    for row in range(1 if height else rows):
        for col in range(cols):
            if data[row * cols + col] == 0:
                top = y + row * module
                bottom = y + height - 1 if height else top + module - 1
                draw.rectangle([x + col * module, top, x + (col + 1) * module - 1, bottom], fill=0)
    bottom = y + (height if height else rows * module)
    return Field(kind, x - quiet * module, y, x + (cols + quiet) * module, bottom, value)
