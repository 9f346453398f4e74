"""Spreadsheet readers: encodings, XLSX, row numbers as the user sees them."""
import pytest

from wms.errors import ValidationFailed
from wms.imports.sources import detect_encoding, read_rows

ROWS = "订单号,收件人,手机\nA1,张三,13800138000\n\nA2,李四,13900139000\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_or_gbk_reads_the_same_chinese_text(tmp_path, encoding):
    path = tmp_path / "orders.csv"
    path.write_bytes(ROWS.encode(encoding))
    rows = list(read_rows(path))
    assert rows == [(2, {"订单号": "A1", "收件人": "张三", "手机": "13800138000"}),
                    (4, {"订单号": "A2", "收件人": "李四", "手机": "13900139000"})]


def test_gbk_is_detected_and_utf8_is_not_mistaken_for_it():
    assert detect_encoding("收件人".encode("gbk")) == "gb18030"
    assert detect_encoding("收件人".encode("utf-8")) == "utf-8"
    assert detect_encoding("收件人".encode("utf-8-sig")) == "utf-8-sig"


def test_xlsx_rows_keep_long_numbers_as_text(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["订单号", "手机"])
    sheet.append(["A1", 13800138000])
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    assert list(read_rows(path)) == [(2, {"订单号": "A1", "手机": "13800138000"})]


def test_an_unsupported_file_type_is_a_clear_error(tmp_path):
    path = tmp_path / "orders.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ValidationFailed, match="CSV or XLSX"):
        list(read_rows(path))


def test_duplicate_headers_are_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("sku,sku\n1,2\n")
    with pytest.raises(ValidationFailed, match="Duplicate"):
        list(read_rows(path))
