"""Labels: barcodes decoded from the rasterised PDF carry the tracking number; Chinese text is real text."""
import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from wms.shipping import label_pdf, label_zpl, labels

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")


def sample(paper="100x150", tracking="SF1234567890123"):
    return labels.LabelData(
        tracking_number=tracking, carrier_name="顺丰速运", order_ref="TB-20261122-7",
        recipient=labels.Party("张三", "13800138000", "浙江省杭州市西湖区文三路 90 号 1 幢 101 室"),
        sender=labels.Party("华东仓", "021-55550000", "上海市浦东新区张江路 1 号"), weight_g=1234, carton="C2",
        cargo="保温杯 x2; 毛巾 x1", sort_code="杭州 021-A1", printed_at="2026-11-22 10:00", paper=paper)


def rasterise(pdf, tmp_path):
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(source), str(tmp_path / "label")], check=True)
    return Image.open(tmp_path / "label.png")


@pytest.mark.parametrize("paper", sorted(labels.PAPER_SIZES))
def test_pdf_label_barcodes_carry_the_tracking_number_at_every_paper_size(paper, tmp_path):
    image = rasterise(label_pdf.render_pdf(sample(paper)), tmp_path)
    found = {result.format.name: result.text for result in zxingcpp.read_barcodes(image)}
    assert found["Code128"] == "SF1234567890123"
    assert found["QRCode"] == "WMS|O:TB-20261122-7|T:SF1234567890123"


@pytest.mark.parametrize("paper", sorted(labels.PAPER_SIZES))
def test_pdf_label_is_the_carriers_paper_size(paper):
    page = PdfReader(io.BytesIO(label_pdf.render_pdf(sample(paper)))).pages[0]
    width_mm, height_mm = labels.PAPER_SIZES[paper]
    assert round(float(page.mediabox.width) / 72 * 25.4) == width_mm
    assert round(float(page.mediabox.height) / 72 * 25.4) == height_mm


def test_pdf_label_chinese_text_extracts_as_text_with_an_embedded_font():
    reader = PdfReader(io.BytesIO(label_pdf.render_pdf(sample())))
    text = reader.pages[0].extract_text().replace(" ", "")
    assert "张三" in text and "浙江省杭州市西湖区文三路90号" in text and "顺丰速运" in text and "华东仓" in text
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in font["/FontDescriptor"].get_object() for font in fonts if "/FontDescriptor" in font)


def test_code128_digits_only_uses_subset_c_and_decodes(tmp_path):
    image = rasterise(label_pdf.render_pdf(sample(tracking="773012345678")), tmp_path)
    assert "773012345678" in [result.text for result in zxingcpp.read_barcodes(image)]


def test_zpl_has_code128_qr_utf8_and_the_address_as_a_bitmap():
    zpl = label_zpl.render_zpl(sample())
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "^CI28" in zpl and "^PW800" in zpl and "^LL1200" in zpl
    assert "^BCN,140,Y,N,N^FDSF1234567890123^FS" in zpl
    assert "^BQN,2,5^FDMA,WMS|O:TB-20261122-7|T:SF1234567890123^FS" in zpl
    assert "^GFA," in zpl and "张三" not in zpl  # Chinese is drawn, not sent as text


def test_zpl_with_a_downloaded_font_sends_chinese_as_utf8_text():
    zpl = label_zpl.render_zpl(sample(), zpl_font="E:SIMSUN.TTF")
    assert "^A@N,36,36,E:SIMSUN.TTF" in zpl and "张三" in zpl and "^GFA" not in zpl


def test_zpl_field_data_cannot_inject_commands():
    data = sample(tracking="SF1^XZ~JR")
    zpl = label_zpl.render_zpl(data)
    assert "^XZ~JR" not in zpl.split("^BC")[1].split("^FS")[0]


def test_unknown_paper_size_is_refused():
    with pytest.raises(ValueError, match="unknown paper size"):
        label_pdf.render_pdf(sample("A4"))
