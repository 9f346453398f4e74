"""The SKU import's judgement of a file's first bytes, and its sentences turned back into templates
the pages translate."""
import codecs

import pytest

from wms.catalog import file_check, refusals
from wms.catalog.columns import column_positions


@pytest.mark.parametrize("head, xlsx, expected", [
    (b"", False, file_check.EMPTY),
    (b"", True, file_check.EMPTY),
    (b"PK\x03\x04rest-of-a-zip", False, file_check.XLSX_AS_CSV),
    (b"PK\x03\x04rest-of-a-zip", True, None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", True, file_check.OLD_XLS),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", False, file_check.OLD_XLS),
    (b"code,name\nA-1,Apple\n", True, file_check.NOT_XLSX),
    ("code,name\nA-1,Apple\n".encode("utf-16-le"), False, file_check.UTF16),
    ("code,name\nA-1,Apple\n".encode("utf-16-be"), False, file_check.UTF16),
    (codecs.BOM_UTF16_LE + "code,name\nA-1,Apple\n".encode("utf-16-le"), False, None),   # the reader reads it
    ("编码,名称\nG-1,茶叶\n".encode("gbk"), False, None),
    ("\ufeffcode,name\nA-1,苹果\n".encode("utf-8"), False, None),
])
def test_a_files_first_bytes_say_what_is_wrong_with_it_or_leave_it_to_the_reader(head, xlsx, expected):
    assert file_check.problem(head, xlsx) == expected


def test_a_chinese_text_with_a_few_nul_bytes_is_not_taken_for_utf16():
    head = ("编码,名称\n" + "G-1,茶叶\n" * 200).encode("utf-8") + b"\x00\x00"
    assert file_check.problem(head, False) is None


@pytest.mark.parametrize("text, template, values", [
    ("Barcode 6901 already belongs to SKU A-1", refusals.BARCODE_TAKEN, {"barcode": "6901", "other_sku": "A-1"}),
    ("Longer than maximum length 64.", "Longer than maximum length {max}.", {"max": "64"}),
    ("Row 12: the file is neither UTF-8 nor GBK text (invalid start byte)",
     "Row {row}: the file is neither UTF-8 nor GBK text ({reason})", {"row": "12", "reason": "invalid start byte"}),
    (refusals.CHUNK_FAILED.format(first=1002, last=2001, error="database is locked"), refusals.CHUNK_FAILED,
     {"first": "1002", "last": "2001", "error": "database is locked"}),
    ("Missing data for required field.", "Missing data for required field.", {}),
    ("", "", {}),
])
def test_a_sentence_the_import_wrote_is_found_back_as_its_template_and_values(text, template, values):
    assert refusals.template_of(text) == (template, values)
    assert template.format(**values) == text


def test_a_placeholder_used_twice_must_match_the_same_text_both_times():
    text = refusals.CHUNK_FAILED.format(first=5, last=7, error="x").replace("from row 5 on", "from row 6 on")
    assert refusals.template_of(text) == (text, {})


def test_the_first_header_that_names_a_field_gives_its_column():
    assert column_positions(["备注", "商品编码", "名称", "code", "条码"]) == {"code": 1, "name": 2, "barcodes": 4}
