"""Spreadsheet readers: encodings, XLSX, row numbers as the user sees them."""
import pytest

from wms.errors import ValidationFailed
from wms.spreadsheets.readers import detect_encoding, read_rows

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


def test_a_note_with_doubled_quotes_commas_and_a_newline_stays_one_field_of_its_own_record(tmp_path):
    from wms.spreadsheets.readers import read_table

    body = ('订单号,买家留言,商品编码\r\n'
            'A1,"请发顺丰, 不要 ""到付""\r\n周末也可以",SKU-1\r\n'
            'A2,"""加急""",SKU-2\r\n'
            'A3,普通,SKU-3\r\n')
    path = tmp_path / "orders.csv"
    path.write_bytes(body.encode("gbk"))
    headers, rows = read_table(path)
    assert headers == ["订单号", "买家留言", "商品编码"]
    assert [cells for _n, cells in rows] == [["A1", '请发顺丰, 不要 "到付"\r\n周末也可以', "SKU-1"],
                                            ["A2", '"加急"', "SKU-2"], ["A3", "普通", "SKU-3"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected_from_the_header_line_and_quoting_is_always_standard(tmp_path, delimiter):
    from wms.spreadsheets.readers import read_table

    path = tmp_path / "orders.csv"
    path.write_text(delimiter.join(["订单号", "备注"]) + "\n" + delimiter.join(["A1", '"a, b; c\td ""x"""']) + "\n",
                    encoding="utf-8")
    headers, rows = read_table(path)
    assert headers == ["订单号", "备注"] and [c for _n, c in rows] == [["A1", 'a, b; c\td "x"']]


def test_headers_are_matched_after_trimming_their_whitespace(tmp_path):
    from wms.imports.mapping import guess_mapping
    from wms.spreadsheets.readers import read_headers

    path = tmp_path / "orders.csv"
    path.write_text(" 订单号 ,商品编码\u3000,数量\nA1,SKU-1,1\n", encoding="utf-8-sig")
    headers = read_headers(path)
    assert headers == ["订单号", "商品编码", "数量"]
    assert guess_mapping(headers)["external_id"] == "订单号"


def test_an_xlsx_order_number_that_lost_its_digits_reads_as_excel_shows_it(tmp_path):
    from openpyxl import Workbook

    from wms.imports.cells import is_scientific

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["订单号", "手机"])
    sheet.append([3.7000000000012346e17, 13800138000])
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    ((_n, row),) = list(read_rows(path))
    assert is_scientific(row["订单号"]) and row["手机"] == "13800138000"
