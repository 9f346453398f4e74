"""Files past a limit are refused with a sentence that says which, never a 500 and never half-read
into memory: columns, rows, a cell's length, lines per order, an XLSX's unpacked size and distinct
texts; binary data is not text; UTF-16 (Excel's "Unicode text") and a refused upload leave nothing."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku
from tests.builders_imports import no_review  # noqa: F401
from tests.builders_xlsx import write_shared_strings_xlsx
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.imports import validation
from wms.imports.models import ImportJob
from wms.imports.file_upload import import_file_now
from wms.orders.models import Order
from wms.spreadsheets import readers

pytestmark = pytest.mark.usefixtures("no_review")
HEADER = "订单号,收件人,手机,省,市,区,地址,商品编码,数量,单价\n"


def row(order, sku="SKU-1", qty=1):
    return f"{order},张三,13800138000,浙江省,杭州市,西湖区,文三路90号,{sku},{qty},19.90\n"


def refused(path, filename=None):
    with pytest.raises(ValidationFailed) as caught:
        readers.peek(path, filename, rows=3)
        list(readers.read_rows(path, filename))
    return caught.value.message


def test_too_many_columns_are_refused_at_once_and_thirty_thousand_do_not_stall(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(30_000)) + "\n" + ",".join("x" * 30_000) + "\n")
    assert "30,000 columns" in refused(path)
    fine = tmp_path / "fine.csv"
    fine.write_text(",".join(f"c{n}" for n in range(readers.MAX_COLUMNS)) + "\n")
    assert len(readers.read_headers(fine)) == readers.MAX_COLUMNS


def test_a_cell_longer_than_excel_allows_is_named_with_its_row(tmp_path):
    path = tmp_path / "big-cell.csv"
    path.write_text(HEADER + row("A1") + row("A2").replace("文三路90号", "路" * 1_000_000), encoding="utf-8")
    message = refused(path)
    assert "longer than 32,767 characters" in message and message.startswith("Row ")


def test_binary_data_is_not_text(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 50)
    assert "not text" in refused(path)
    fake = tmp_path / "orders.xlsx"
    fake.write_bytes(b"just text, not a zip archive")
    assert "Not a readable XLSX" in refused(fake)


def test_utf16_text_from_excel_reads_like_utf8(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes((HEADER + row("U1")).replace(",", "\t").encode("utf-16"))
    headers, rows = readers.peek(path)
    assert headers[0] == "订单号" and rows[0]["收件人"] == "张三"


def test_more_rows_than_the_limit_fail_the_job_with_the_reason(app, tmp_path, monkeypatch):
    make_sku("SKU-1")
    make_channel("big")
    monkeypatch.setattr(readers, "MAX_ROWS", 40)
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(row(f"R{n}") for n in range(60)), encoding="utf-8")
    job = import_file_now("big", path)
    assert job.status == "failed" and "more than 40 rows" in job.message


def test_an_order_of_more_lines_than_a_parcel_holds_is_rejected_and_the_others_go_in(app, tmp_path, monkeypatch):
    make_sku("SKU-1")
    make_channel("huge")
    monkeypatch.setattr(validation, "MAX_LINES_PER_ORDER", 50)
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + row("SMALL") + "".join(row("HUGE", qty=n + 1) for n in range(5_000)) + row("AFTER"),
                    encoding="utf-8")
    job = import_file_now("huge", path)
    assert job.status == "done" and (job.created, job.failed) == (2, 1)
    assert db.session.scalar(select(func.count(Order.id)).where(Order.external_id == "HUGE")) == 0
    report = Path(job.report_path).read_text(encoding="utf-8-sig")
    assert "HUGE" in report and "lines in one order" in report


def xlsx(path, texts):
    """An XLSX as Excel writes it: its texts in the shared strings table."""
    rows = [["订单号", "收件人", "商品编码", "数量"]] + [[f"X{n}", text, "SKU-1", 1] for n, text in enumerate(texts)]
    write_shared_strings_xlsx(path, rows)
    return path


def test_an_xlsx_of_too_many_distinct_texts_is_refused_before_it_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "XLSX_MAX_SHARED_STRINGS", 1_000)
    path = xlsx(tmp_path / "strings.xlsx", (f"买家{n}" for n in range(1_500)))
    assert "more than 1,000 distinct texts" in refused(path)
    monkeypatch.setattr(readers, "XLSX_MAX_SHARED_STRINGS", 10_000)
    assert readers.check_xlsx(path) >= 1_500


def test_an_xlsx_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "bomb.xlsx", ["张" * 1000] * 200)
    monkeypatch.setattr(readers, "XLSX_MAX_UNPACKED_BYTES", 10_000)
    assert "unpacks to" in refused(path)


def test_the_pages_peek_reads_an_xlsx_as_the_import_does_without_loading_its_texts(tmp_path, monkeypatch):
    """xlsx_peek (the pages) and openpyxl (the import) read the same cells the same way: texts from
    the shared table, inline texts, whole and decimal numbers, 16-digit numbers, dates, times,
    booleans, gaps; and the peek stops in the shared table where its rows stop."""
    from datetime import date, datetime, time

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["订单号", " 下单时间 ", "数量", "单价", "手机", "付款", "时间", "空", "备注"])
    sheet.append(["A1", datetime(2026, 11, 20, 10, 30, 5), 2, 19.9, 13800138000, True, time(9, 15), None, "请 发顺丰"])
    sheet.append(["A2", date(2026, 11, 21), 1, 1e17, 1.5, False, None, None, None])
    sheet.append([None] * 9)
    sheet.append(["A3", "2026-11-22 08:00", "3", "0.10", "'13900000000", None, None, None, "x" * 300])
    inline = tmp_path / "openpyxl.xlsx"
    book.save(inline)
    shared = xlsx(tmp_path / "shared.xlsx", (f"买家{n}" for n in range(2_000)))
    for path in (inline, shared):
        for rows in (0, 1, 3, 500):
            assert readers.peek(path, rows=rows) == readers.peek_here(path, rows=rows), (path.name, rows)
    read = []
    from wms.spreadsheets import xlsx_peek

    real = xlsx_peek._shared_strings
    monkeypatch.setattr(xlsx_peek, "_shared_strings", lambda *a: read.append(a[2]) or real(*a))
    headers, rows = readers.peek(shared, rows=3)
    assert rows[2]["收件人"] == "买家2" and read == [max(read)] and read[0] < 20   # the table's start only


def test_a_refused_upload_answers_its_reason_and_leaves_no_job_and_no_file(app, client, login):
    login("reviewer")
    channel = make_channel("web")
    uploads = Path(app.config["UPLOAD_DIR"]) / "imports"
    before = set(uploads.glob("*")) if uploads.exists() else set()
    for name, body in (("binary.csv", b"\x00\x01\x02" * 1000), ("fake.xlsx", b"not a zip"),
                       ("latin1.csv", "Name,Buyer,SKU,Qty\nL1,Müller Straße,SKU-1,1\n".encode("latin-1"))):
        response = client.post("/imports/", data={"channel_id": channel.id, "file": (io.BytesIO(body), name)},
                               content_type="multipart/form-data")
        assert response.status_code in (302, 422), (name, response.status_code)
        if name != "latin1.csv":
            assert response.status_code == 422
    assert db.session.scalar(select(func.count(ImportJob.id))) <= 1   # only the latin-1 text, read as GB18030
    assert len(set(uploads.glob("*")) - before) == db.session.scalar(select(func.count(ImportJob.id)))
