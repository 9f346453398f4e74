"""The SKU import pages over HTTP: the upload redirects to the job's progress page, the status JSON
it polls, the refused rows' CSV; unreadable files end as a failed job on the page, never a 500;
English and Chinese."""
import codecs
import io

import pytest
from sqlalchemy import func, select

from tests.builders import make_sku
from tests.builders_admin import log_in_as, make_users
from tests.builders_catalog import sku_csv
from wms.catalog.models import Sku, SkuImportJob
from wms.extensions import db


@pytest.fixture
def admin(app, client):
    user = make_users("admin", 1, prefix="catalog-admin")[0]
    log_in_as(client, user)
    return user


def post_file(client, content, name="skus.csv", lang="en"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(f"/catalog/import?lang={lang}", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def job_url(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith("/catalog/import/")
    return location


def test_an_upload_goes_to_its_progress_page_which_ends_with_the_counts_and_the_report(client, admin):
    make_sku("TAKEN", barcodes=("7777",))
    url = job_url(post_file(client, sku_csv(["A-1,Apple,111", "A-2,Pear,7777", ",No code,113"])))
    page = client.get(url + "?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-finished="true"' in html and "done" in html
    for name, value in (("rows_done", 3), ("created", 1), ("updated", 0), ("refused", 2)):
        assert f'id="sku-import-{name}">{value}<' in html
    assert "Barcode 7777 already belongs to SKU TAKEN" in html and "sku_import.js" in html
    status = client.get(url + "/status?lang=en").get_json()
    assert (status["status"], status["finished"], status["has_report"], status["percent"]) == ("done", True, True, 100)
    assert [(e["row"], e["code"], e["field"]) for e in status["errors"]] == [(3, "A-2", "barcodes"), (4, "", "code")]
    report = client.get(url + "/report.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert report.get_data().decode("utf-8-sig").splitlines()[1].startswith("3,A-2,barcodes,Barcode 7777")
    listing = client.get("/catalog/import?lang=en").get_data(as_text=True)
    assert f'href="{url}"' in listing and "skus.csv" in listing


def test_the_pages_speak_chinese_to_a_chinese_reader(client, admin):
    make_sku("TAKEN", barcodes=("7777",))
    url = job_url(post_file(client, sku_csv(["A-2,Pear,7777"]), lang="zh_CN"))
    html = client.get(url + "?lang=zh_CN").get_data(as_text=True)
    assert "已读取行数" in html and "拒绝的行" in html and "已完成" in html
    assert "条码 7777 已属于商品 TAKEN" in html and "already belongs" not in html
    status = client.get(url + "/status?lang=zh_CN").get_json()
    assert status["status_text"] == "已完成" and status["errors"][0]["reason_text"] == "条码 7777 已属于商品 TAKEN"
    assert "后台导入" in client.get("/catalog/import?lang=zh_CN").get_data(as_text=True)


@pytest.mark.parametrize("content, english, chinese", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "it holds binary data", "二进制数据"),
    ("code,name\nU-1,杯子\n".encode("utf-16-le"), "UTF-16 text without its byte-order mark", "UTF-16 文本"),
    (b"PK\x03\x04" + bytes(64), "Excel workbook (XLSX) with a .csv name", "Excel 工作簿"),
])
def test_an_unreadable_file_ends_as_a_failed_job_that_says_why_in_both_languages(client, admin, content, english,
                                                                                   chinese):
    url = job_url(post_file(client, content))
    status = client.get(url + "/status?lang=en").get_json()
    assert (status["status"], status["finished"], status["rows_done"]) == ("failed", True, 0)
    assert english in status["message_text"]
    html = client.get(url + "?lang=zh_CN").get_data(as_text=True)
    assert chinese in html and "失败" in html
    assert db.session.scalar(select(func.count(Sku.id))) == 0


def test_a_utf16_file_as_excel_saves_unicode_text_is_imported(client, admin):
    content = codecs.BOM_UTF16_LE + "code\tname\tbarcodes\nU-1\t杯子\t801\n".encode("utf-16-le")
    url = job_url(post_file(client, content, name="skus.txt"))
    assert client.get(url + "/status").get_json()["created"] == 1


def test_an_upload_without_a_file_or_of_another_type_is_refused_on_the_form_and_nothing_is_queued(client, admin):
    empty = client.post("/catalog/import?lang=en", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Choose a CSV or XLSX file" in empty.get_data(as_text=True)
    other = post_file(client, b"%PDF-1.4", name="skus.pdf")
    assert other.status_code == 422 and "Unsupported file type &#39;.pdf&#39;" in other.get_data(as_text=True)
    chinese = post_file(client, b"%PDF-1.4", name="skus.pdf", lang="zh_CN")
    assert chinese.status_code == 422 and "不支持的文件类型 &#39;.pdf&#39;" in chinese.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SkuImportJob.id))) == 0


def test_an_import_without_refused_rows_has_no_report_and_an_unknown_import_is_not_found(client, admin):
    url = job_url(post_file(client, sku_csv(["A-1,Apple,111"])))
    assert client.get(url + "/status").get_json()["has_report"] is False
    assert 'id="sku-import-report" hidden' in client.get(url).get_data(as_text=True)
    assert client.get(url + "/report.csv").status_code == 404
    assert client.get("/catalog/import/999999").status_code == 404
    assert client.get("/catalog/import/999999/status").status_code == 404


def test_a_clerk_without_the_catalogue_role_cannot_import_or_watch(client, app):
    reviewer = make_users("reviewer", 1, prefix="catalog-reviewer")[0]
    log_in_as(client, reviewer)
    assert post_file(client, sku_csv(["A-1,Apple,111"])).status_code == 403
    assert db.session.scalar(select(func.count(SkuImportJob.id))) == 0
