"""The standard 电子面单 layouts as data: every field in its own box on the paper, no two boxes and no
ruled line meeting; text fitted by shrinking, then cut; the buyer masked on a privacy label."""
import pytest

from wms.shipping import labels
from wms.shipping.barcodes import code128_modules, code128_width
from wms.shipping.label_layout import BARCODE, LAYOUTS, QR, field_texts, fit, layout_for, pdf_sizes


@pytest.mark.parametrize("paper", sorted(LAYOUTS))
def test_every_box_lies_on_its_paper_and_meets_no_other_box(paper):
    layout = layout_for(paper)
    width, height = layout.size_mm
    for box in layout.boxes:
        assert 0 < box.x and box.right < width and 0 < box.y and box.bottom < height, box
    meeting = [(a.field, b.field) for i, a in enumerate(layout.boxes) for b in layout.boxes[i + 1:] if a.intersects(b)]
    assert meeting == []


@pytest.mark.parametrize("paper", sorted(LAYOUTS))
def test_ruled_lines_and_the_perforation_run_between_the_boxes(paper):
    layout = layout_for(paper)
    lines = [y0 for _x0, y0, _x1, _y1 in layout.rules] + list(layout.cuts)
    for y in lines:
        crossed = [box.field for box in layout.boxes if box.y < y < box.bottom]
        assert crossed == [], (y, crossed)


@pytest.mark.parametrize("paper", sorted(LAYOUTS))
def test_each_layout_has_every_part_of_a_standard_waybill(paper):
    fields = {box.field for box in layout_for(paper).boxes}
    assert {"logo", "service", "sort_code", "package_centre", "barcode", "tracking", "recipient", "recipient_address",
            "sender", "sender_address", "order", "items", "qr", "printed", "sign"} <= fields


def test_the_two_part_label_repeats_barcode_parties_and_items_below_the_perforation():
    layout = layout_for("100x180")
    (cut,) = layout.cuts
    below = {box.field for box in layout.boxes if box.y > cut}
    assert {"barcode_2", "tracking_2", "recipient_2", "sender_2", "items_2"} <= below
    assert [box.kind for box in layout.boxes if box.field == "barcode_2"] == [BARCODE]


def test_barcodes_and_qr_have_boxes_of_their_kind():
    for layout in LAYOUTS.values():
        kinds = {box.field: box.kind for box in layout.boxes}
        assert kinds["barcode"] == BARCODE and kinds["qr"] == QR


def test_unknown_paper_has_no_layout():
    with pytest.raises(ValueError, match="unknown paper size"):
        layout_for("A4")


def by_characters(text, size, width, max_lines=None):
    """A measure for fit(): every character `size` wide."""
    per_line = max(1, int(width // size))
    lines = [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [lines[max_lines - 1][:-1] + "…"]
    return lines


def test_fit_keeps_the_largest_size_when_the_text_fits():
    assert fit("021-A1", 100, 12, (10, 8, 6), by_characters, lambda s: s) == (10, ["021-A1"])


def test_fit_shrinks_a_long_value_before_wrapping_it_into_the_next_box():
    size, lines = fit("上海市上海市 021-A1", 100, 12, (12, 10, 8, 6), by_characters, lambda s: s)
    # 14 characters: at 12, 10 and 8 a line holds 8, 10 and 12 of them, and the box has room for one line
    assert (size, lines) == (6, ["上海市上海市 021-A1"])


def test_fit_cuts_with_an_ellipsis_at_the_smallest_size():
    size, lines = fit("x" * 100, 50, 12, (10, 6), by_characters, lambda s: s)
    assert size == 6 and len(lines) == 2 and lines[-1].endswith("…")


def test_pdf_sizes_run_from_the_box_size_to_its_smallest():
    box = layout_for("100x150").boxes[2]
    sizes = pdf_sizes(box)
    assert sizes[0] == box.size and sizes[-1] == box.min_size and list(sizes) == sorted(sizes, reverse=True)


@pytest.mark.parametrize("value", ["SF1234567890123", "773012345678", "JD0001234567890-1-1-", "YT-2026 a/b", "1",
                                   "A12345B", "9" * 31])
def test_code128_width_is_never_less_than_the_encoded_symbol(value):
    assert len(code128_modules(value, quiet=0)) <= code128_width(value) <= len(code128_modules(value, quiet=0)) + 22


def sample(**fields):
    data = dict(tracking_number="SF1", carrier_name="顺丰速运", order_ref="TB-7",
                recipient=labels.Party("张三丰", "+86 13812345678", "浙江省杭州市"),
                sender=labels.Party("杭州一号仓", "0571-88888888", "浙江省杭州市余杭区"), item_count=3, weight_g=1234,
                package_centre="杭州转运中心", printed_at="2026-11-22 18:00")
    return labels.LabelData(**{**data, **fields})


def test_a_privacy_label_prints_the_buyer_masked_and_the_sender_whole():
    texts = field_texts(sample())
    assert texts["recipient"] == "张**  138****5678"
    assert "张三丰" not in " ".join(texts.values()) and "13812345678" not in " ".join(texts.values())
    assert texts["sender"] == "杭州一号仓  0571-88888888"


def test_privacy_off_prints_the_buyer_whole_as_dialled_in_china():
    assert field_texts(sample(privacy=False))["recipient"] == "张三丰  13812345678"
    assert labels.local_phone("+86 138 1234 5678 转 12") == "13812345678-12"
    assert labels.local_phone("021-55550000") == "021-55550000" and labels.local_phone("+1 415 555 0100") == "+1 415 555 0100"


def test_the_summary_says_order_units_and_weight_and_the_package_centre_is_named():
    texts = field_texts(sample())
    assert texts["order"] == "TB-7  共 3 件  1.23 kg"
    assert texts["package_centre"] == "集包地 杭州转运中心" and texts["printed"] == "打印时间 2026-11-22 18:00"


@pytest.mark.parametrize("name, masked", [("张三", "张**"), ("欧阳娜娜", "欧**"), ("张", "张**"), ("  ", ""),
                                          ("John Smith", "J**")])
def test_mask_name_keeps_the_first_character(name, masked):
    assert labels.mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("+86 13812345678", "138****5678"), ("+8613812345678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"), ("0086-138-1234-5678", "138****5678"),
    ("+86 13812345678-1234", "138****5678-1234"), ("+8613812345678转1234", "138****5678-1234"),
    ("13812345678-1234", "138****5678-1234"), ("13812345678转1234", "138****5678-1234"),
    ("021-55550000", "021-****0000"), ("0571 8888 8888", "057* **** 8888"), ("12345", "***45"), ("", ""),
])
def test_mask_phone_hides_the_middle_digits(phone, masked):
    assert labels.mask_phone(phone) == masked
