"""The label's Code128 comes from reportlab's encoder: it decodes to the value, matches zxing-cpp's
writer bar for bar, and refuses text it cannot encode instead of dropping it."""
import pytest
import zxingcpp
from PIL import Image

from wms.shipping.barcodes import code128_modules


def decode(modules, scale=3, height=60):
    """Draw a module row as a picture and read it back with zxing-cpp."""
    image = Image.new("L", (len(modules) * scale, height), 255)
    for index, bar in enumerate(modules):
        if bar:
            image.paste(0, (index * scale, 0, (index + 1) * scale, height))
    return [(result.format.name, result.text) for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("value", ["SF1234567890123", "773012345678", "YT-2026 a/b", "1"])
def test_code128_modules_decode_to_the_value(value):
    assert decode(code128_modules(value)) == [("Code128", value)]


@pytest.mark.parametrize("value", ["SF1234567890123", "773012345678", "JD0001234567-1-1-"])
def test_code128_modules_are_the_bars_zxing_cpp_writes(value):
    image = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.Code128).to_image(scale=1, add_quiet_zones=False)
    view = memoryview(image)
    first_row = view.tobytes()[:view.shape[1]]
    assert code128_modules(value, quiet=0) == [pixel == 0 for pixel in first_row]


def test_code128_modules_have_the_quiet_zones_asked_for():
    row = code128_modules("SF1", quiet=7)
    assert row[:7] == [False] * 7 and row[-7:] == [False] * 7 and row[7] is True and row[-8] is True


@pytest.mark.parametrize("value", ["顺丰SF1", "SF\x01", "café"])
def test_code128_refuses_text_outside_printable_ascii(value):
    with pytest.raises(ValueError, match="printable ASCII"):
        code128_modules(value)
