"""Labels as printed: each standard layout rendered as PDF and as ZPL at 203 dpi, with ordinary and
with over-long values; every barcode and QR code read back from the picture with zxing-cpp, every
word and bitmap inside its own box, nothing over anything else; Chinese text is real text."""
import dataclasses
import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests import pdf_checks
from tests.zpl_raster import rasterise as rasterise_zpl
from wms.pdf import MM
from wms.shipping import label_pdf, label_zpl, labels
from wms.shipping.label_layout import BARCODE, QR, TEXT, layout_for

POPPLER = shutil.which("pdftoppm") is not None and pdf_checks.POPPLER
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdftotext) not installed")
PAPERS = sorted(labels.PAPER_SIZES)


def sample(paper="100x150", tracking="SF1234567890123", **fields):
    data = labels.LabelData(
        tracking_number=tracking, carrier_name="顺丰速运", order_ref="TB-20261122-7",
        recipient=labels.Party("张三", "13800138000", "浙江省杭州市西湖区文三路 90 号 1 幢 101 室"),
        sender=labels.Party("华东仓", "021-55550000", "上海市浦东新区张江路 1 号"), weight_g=1234, carton="C2",
        cargo="保温杯 x2; 毛巾 x1", sort_code="杭州 021-A1", printed_at="2026-11-22 10:00", paper=paper,
        package_centre="杭州转运中心", service="标准快递", item_count=3, privacy=False)
    return dataclasses.replace(data, **fields)


LONG = dict(
    tracking="JD0001234567890-1-1-", carrier_name="中通快递（ZTO Express）国际速递",
    order_ref="TB-2026112200000000000000-7", sort_code="上海市上海市浦东新区 021-A1-B23 300-W10 00",
    package_centre="华东区域上海浦东新区转运中心集包点 P021-88", service="标准快递 特快 次日达 保价",
    recipient=labels.Party("欧阳娜娜娜娜娜娜娜娜娜", "+86 13800138000-1234",
                           "新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县" * 3 + "文三路 90 号 1 幢 101 室"),
    sender=labels.Party("杭州一号仓（华东区域配送中心）官方旗舰店发货部", "0571-88888888 转 1234",
                        "浙江省杭州市余杭区仓前街道文一西路 1500 号 未来科技城物流园 3 号库 2 楼 东区 A 门"),
    weight_g=123456, carton="C-EXTRA-LARGE-99", item_count=123,
    cargo="; ".join(f"超长商品名称测试保温杯不锈钢真空 500ml 第{i}款 x{i}" for i in range(12)))
CASES = [(paper, kind) for paper in PAPERS for kind in ("ordinary", "long")]


def case(paper, kind):
    return sample(paper, **LONG) if kind == "long" else sample(paper)


def rasterise_pdf(pdf, tmp_path):
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(source), str(tmp_path / "label")], check=True)
    return Image.open(tmp_path / "label.png")


def symbols(image):
    return sorted((result.format.name, result.text) for result in zxingcpp.read_barcodes(image))


def expected_symbols(data):
    codes = sum(1 for box in layout_for(data.paper).boxes if box.kind == BARCODE)
    return sorted([("Code128", data.tracking_number)] * codes + [("QRCode", labels.qr_text(data))])


# --- PDF -----------------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("paper, kind", CASES)
def test_pdf_label_barcodes_and_qr_read_back_at_203_dpi(paper, kind, tmp_path):
    data = case(paper, kind)
    assert symbols(rasterise_pdf(label_pdf.render_pdf(data), tmp_path)) == expected_symbols(data)


@needs_poppler
@pytest.mark.parametrize("paper, kind", CASES)
def test_pdf_label_every_word_sits_inside_a_text_box_and_off_the_codes(paper, kind):
    layout = layout_for(paper)
    words, _sizes = pdf_checks.words(label_pdf.render_pdf(case(paper, kind)))
    text_boxes = [box for box in layout.boxes if box.kind == TEXT]
    code_boxes = [box for box in layout.boxes if box.kind in (BARCODE, QR)]

    def inside(word, box, slack=1.0):
        return (word.x0 >= box.x * MM - slack and word.x1 <= box.right * MM + slack
                and word.y0 >= box.y * MM - slack and word.y1 <= box.bottom * MM + slack)

    assert words
    assert [w for w in words if not any(inside(w, box) for box in text_boxes)] == []
    assert [w for w in words if any(w.x0 < b.right * MM and b.x * MM < w.x1 and w.y0 < b.bottom * MM
                                    and b.y * MM < w.y1 for b in code_boxes)] == []


@needs_poppler
def test_a_long_sort_code_shrinks_and_prints_whole_above_the_barcode():
    data = sample(sort_code="上海市上海市 021-A1")
    text = pdf_checks.text(label_pdf.render_pdf(data)).replace(" ", "")
    assert "上海市上海市021-A1" in text
    long_text = "".join(pdf_checks.text(label_pdf.render_pdf(sample(**LONG))).split()).replace("-", "")
    assert "上海市上海市浦东新区021A1B23300W1000" in long_text  # whole, on two lines (poppler drops a hyphen at a break)


@pytest.mark.parametrize("paper", PAPERS)
def test_pdf_label_is_the_carriers_paper_size(paper):
    page = PdfReader(io.BytesIO(label_pdf.render_pdf(sample(paper)))).pages[0]
    width_mm, height_mm = labels.PAPER_SIZES[paper]
    assert round(float(page.mediabox.width) / 72 * 25.4) == width_mm
    assert round(float(page.mediabox.height) / 72 * 25.4) == height_mm


def test_pdf_label_chinese_text_extracts_as_text_with_an_embedded_font():
    reader = PdfReader(io.BytesIO(label_pdf.render_pdf(sample())))
    text = reader.pages[0].extract_text().replace(" ", "")
    assert "张三" in text and "浙江省杭州市西湖区文三路90号" in text and "顺丰速运" in text and "华东仓" in text
    assert "集包地杭州转运中心" in text and "打印时间2026-11-22" in text
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in font["/FontDescriptor"].get_object() for font in fonts if "/FontDescriptor" in font)


@needs_poppler
def test_a_privacy_pdf_label_never_holds_the_buyers_name_or_phone():
    pdf = label_pdf.render_pdf(sample(privacy=True))
    text = pdf_checks.text(pdf)
    assert "张**" in text and "138****8000" in text
    assert "张三" not in text and "13800138000" not in text and "张三" not in pdf_checks.drawn_characters(pdf)


@needs_poppler
def test_code128_digits_only_uses_subset_c_and_decodes(tmp_path):
    image = rasterise_pdf(label_pdf.render_pdf(sample(tracking="773012345678")), tmp_path)
    assert "773012345678" in [result.text for result in zxingcpp.read_barcodes(image)]


# --- ZPL -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper, kind", CASES)
def test_zpl_label_barcodes_and_qr_read_back_at_203_dpi(paper, kind):
    data = case(paper, kind)
    assert symbols(rasterise_zpl(label_zpl.render_zpl(data)).image) == expected_symbols(data)


@pytest.mark.parametrize("paper, kind", CASES)
def test_zpl_label_fields_stay_on_the_paper_and_apart(paper, kind):
    raster = rasterise_zpl(label_zpl.render_zpl(case(paper, kind)))
    width, height = raster.image.size
    assert (width, height) == tuple(8 * mm for mm in labels.PAPER_SIZES[paper])
    assert [f for f in raster.fields if f.x0 < 0 or f.y0 < 0 or f.x1 > width or f.y1 > height] == []
    marks = [f for f in raster.fields if f.kind != "rule"]
    rules = [f for f in raster.fields if f.kind == "rule"]
    assert [(a, b) for i, a in enumerate(marks) for b in marks[i + 1:] if a.intersects(b)] == []
    assert [(a, r) for a in marks for r in rules if a.intersects(r)] == []


@pytest.mark.parametrize("paper, kind", CASES)
def test_zpl_label_text_bitmaps_each_lie_in_a_text_box(paper, kind):
    raster = rasterise_zpl(label_zpl.render_zpl(case(paper, kind)))
    boxes = [box for box in layout_for(paper).boxes if box.kind == TEXT]

    def inside(f, box):
        return f.x0 >= box.x * 8 - 1 and f.x1 <= box.right * 8 + 1 and f.y0 >= box.y * 8 - 1 and f.y1 <= box.bottom * 8 + 1

    bitmaps = [f for f in raster.fields if f.kind == "bitmap"]
    assert len(bitmaps) >= 15
    assert [f for f in bitmaps if not any(inside(f, box) for box in boxes)] == []


def test_zpl_sends_the_tracking_number_to_the_printers_code128_and_chinese_as_bitmaps():
    zpl = label_zpl.render_zpl(sample())
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "^CI28" in zpl and "^PW800" in zpl and "^LL1200" in zpl
    assert ",N,N,N,A^FDSF1234567890123^FS" in zpl
    assert "^FDMA,WMS|O:TB-20261122-7|T:SF1234567890123^FS" in zpl
    assert "^GFA," in zpl and "张三" not in zpl  # Chinese is drawn, not sent as text


def test_zpl_with_a_downloaded_font_sends_chinese_as_utf8_text_in_blocks():
    zpl = label_zpl.render_zpl(sample(), zpl_font="E:SIMSUN.TTF")
    assert ",E:SIMSUN.TTF^FB" in zpl and "张三" in zpl and "^GFA" not in zpl
    raster = rasterise_zpl(zpl)
    marks = [f for f in raster.fields if f.kind != "rule"]
    assert [(a, b) for i, a in enumerate(marks) for b in marks[i + 1:] if a.intersects(b)] == []


def test_a_privacy_zpl_label_with_a_downloaded_font_never_holds_the_buyers_name_or_phone():
    zpl = label_zpl.render_zpl(sample(privacy=True), zpl_font="E:SIMSUN.TTF")
    assert "张**" in zpl and "138****8000" in zpl and "张三" not in zpl and "13800138000" not in zpl


def test_zpl_field_data_cannot_inject_commands():
    zpl = label_zpl.render_zpl(sample(tracking="SF1^XZ~JR"))
    assert "^XZ~JR" not in zpl and zpl.count("^XZ") == 1


def test_unknown_paper_size_is_refused():
    with pytest.raises(ValueError, match="unknown paper size"):
        label_pdf.render_pdf(sample("A4"))
    with pytest.raises(ValueError, match="unknown paper size"):
        label_zpl.render_zpl(sample("A4"))
