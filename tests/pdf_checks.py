"""Reading a printed PDF back, independently of the code that drew it: its fonts (pypdf), the text a
viewer extracts and where each word sits (poppler's pdftotext -bbox), and the characters the
project's font cannot draw. Shared by the PDF tests of every feature."""
import io
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from wms.pdf import has_glyph

POPPLER = shutil.which("pdftotext") is not None
# the tests that read a PDF back as words (bin/system-deps installs poppler; without it they skip)
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_BFCHAR = re.compile(r"^<[0-9A-Fa-f]+> <([0-9A-Fa-f]+)>$", re.M)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    page: int
    x0: float  # points from the page's left edge
    y0: float  # points from the page's top edge
    x1: float
    y1: float
    text: str


def fonts(pdf):
    """{BaseFont: whether a TrueType font file is embedded} of every font any page uses."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            found[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


def text(pdf):
    """The text a viewer extracts (poppler), pages in order."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def words(pdf):
    """Every word with its box, and the pages' (width, height), in points."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    found, sizes = [], []
    for number, chunk in enumerate(html.split("<page ")[1:]):
        width, height = _PAGE.match("<page " + chunk).groups()
        sizes.append((float(width), float(height)))
        found += [Word(number, float(a), float(b), float(c), float(d), _unescape(t))
                  for a, b, c, d, t in _WORD.findall(chunk)]
    return found, sizes


def drawn_characters(pdf):
    """Every character the PDF's fonts were asked to draw, from their ToUnicode maps (reportlab gives each
    character of the text a code in a font subset), together with the text poppler extracts."""
    found = set(text(pdf))
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            to_unicode = ref.get_object().get("/ToUnicode")
            if to_unicode is not None:
                found |= {_unicode(value) for value in _BFCHAR.findall(to_unicode.get_object().get_data().decode())}
    return {ch for ch in found if ch.isprintable() and not ch.isspace()}  # not DEL, which reportlab maps


def missing_glyphs(pdf):
    """Characters drawn in the PDF that the project's font has no glyph for (each prints as a box)."""
    return {ch for ch in drawn_characters(pdf) if not has_glyph(ch)}


def notdef_drawn(pdf):
    """How many characters the PDF draws with code 0 of a font subset: reportlab's code for a character
    the font has no glyph for (it prints as an empty box, and its ToUnicode says only U+0000)."""
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        contents = page.get_contents()
        if contents is None:
            continue
        for operands, operator in ContentStream(contents, None).operations:
            if operator == b"Tj":
                count += _raw(operands[0]).count(0)
            elif operator == b"TJ":
                count += sum(_raw(item).count(0) for item in operands[0] if isinstance(item, (str, bytes)))
    return count


def _raw(value):
    """The bytes of a PDF string operand as written (pypdf decodes some of them to text)."""
    return value.get_original_bytes() if hasattr(value, "get_original_bytes") else bytes(value)


def _unicode(hex_value):
    """A ToUnicode target: UTF-16BE hex, or (reportlab, past the BMP) the code point's plain hex."""
    if len(hex_value) % 4:
        return chr(int(hex_value, 16))
    return bytes.fromhex(hex_value).decode("utf-16-be", errors="replace")


def only_the_project_font_embedded(pdf):
    """True when every font of the PDF is a subset of WenQuanYi Micro Hei with its TrueType file inside."""
    used = fonts(pdf)
    return bool(used) and all(re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei-\d+", name) and embedded
                              for name, embedded in used.items())


def _unescape(value):
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
