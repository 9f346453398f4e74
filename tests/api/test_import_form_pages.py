"""The import pages keep their input on a refusal: the upload form keeps the channel and marks the
file it could not take; the mapping page keeps every choice and marks each field to correct, and
neither saves anything."""
import io
import re

import pytest
from sqlalchemy import func, select

from tests.builders import make_channel
from tests.builders_imports import chinese_orders_csv, csv_text, no_review  # noqa: F401
from wms.extensions import db
from wms.imports import models
from wms.imports.models import ImportJob, ImportMapping

pytestmark = pytest.mark.usefixtures("no_review")


def _input(page, input_id):
    """The whole tag of the input with this id."""
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _selected(page, input_id):
    """The value of the selected option of the select with this id ('' when none is)."""
    select_html = page.split(f'id="{input_id}"')[1].split("</select>")[0]
    found = re.search(r'<option value="([^"]*)" selected>', select_html)
    return found.group(1) if found else ""


def _upload(client, channel, text, name="订单.csv", **extra):
    data = {"channel_id": channel.id if channel else "", "file": (io.BytesIO(text.encode("utf-8")), name), **extra}
    return client.post("/imports/", data=data, content_type="multipart/form-data")


def _jobs():
    return db.session.scalar(select(func.count()).select_from(ImportJob))


def test_an_upload_of_the_wrong_file_type_keeps_the_channel_and_marks_the_file(client, login):
    login("reviewer")
    make_channel("first")
    second = make_channel("second")
    response = _upload(client, second, "hello", name="orders.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-file") and "Unsupported file type &#39;.pdf&#39;" in page
    assert 'aria-invalid' not in _input(page, "f-lines-file")
    assert _selected(page, "f-channel-id") == str(second.id)
    assert 'required' in _input(page, "f-channel-id") and 'required' in _input(page, "f-file")
    assert _jobs() == 0


def test_an_unreadable_lines_file_marks_the_lines_file_in_the_readers_language(client, login):
    reviewer = login("reviewer")
    reviewer.locale = "zh_CN"
    db.session.commit()
    channel = make_channel("web")
    lines = {"lines_file": (io.BytesIO(b"\xff\xfe\x00\x00garbage\x00\x01"), "lines.xlsx")}
    page = _upload(client, channel, chinese_orders_csv(), **lines).get_data(as_text=True)
    assert 'aria-invalid="true"' in _input(page, "f-lines-file") and 'aria-invalid' not in _input(page, "f-file")
    assert _selected(page, "f-channel-id") == str(channel.id)
    assert "导入订单" in page
    assert _jobs() == 0


def test_an_upload_without_a_channel_is_refused_and_marked(client, login):
    login("reviewer")
    make_channel("web")
    response = _upload(client, None, chinese_orders_csv())
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(response.get_data(as_text=True), "f-channel-id")
    assert _jobs() == 0


def _staged(client, channel, text, **extra):
    response = _upload(client, channel, text, **extra)
    assert response.status_code == 302
    return response.location


UNKNOWN_HEADERS = ["单号", "收货人", "货号", "件数", "状态"]


def test_a_refused_mapping_keeps_every_choice_marks_each_field_and_saves_nothing(client, login):
    login("reviewer")
    channel = make_channel("web")
    mapping_url = _staged(client, channel, csv_text(UNKNOWN_HEADERS, [["A1", "张三", "SKU-1", "2", "已付款"]]))
    posted = {"map-external_id": "", "map-buyer_name": "收货人", "map-qty": "件数", "map-qty-2": "单号",
              "map-sku_code": "不存在", "word-0": "已付款", "verdict-0": "import", "word-1": "", "verdict-1": "import"}
    response = client.post(mapping_url, data=posted)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-map-external-id") and "Map a column to this field." in page
    assert 'aria-invalid="true"' in _input(page, "f-map-sku-code") and "Column &#39;不存在&#39; is not in the file." in page
    assert "aria-invalid" not in _input(page, "f-map-buyer-name")
    assert "The column mapping needs correcting: see the marked fields" in page
    assert (_selected(page, "f-map-buyer-name"), _selected(page, "f-map-qty"), _selected(page, "f-map-qty-2")) == \
        ("收货人", "件数", "单号")
    assert 'name="word-0" value="已付款"' in page
    assert "required" in _input(page, "f-map-external-id") and "required" in _input(page, "f-map-sku-code")
    job = db.session.scalar(select(ImportJob))
    assert job.status == models.DRAFT and job.mapping in (None, {})
    assert db.session.scalar(select(func.count()).select_from(ImportMapping)) == 0


def test_a_refused_lines_mapping_marks_the_lines_field_in_chinese(client, login):
    reviewer = login("reviewer")
    reviewer.locale = "zh_CN"
    db.session.commit()
    channel = make_channel("web")
    orders = csv_text(["单号", "收货人"], [["A1", "张三"]])
    lines = csv_text(["单号", "货号", "件数"], [["A1", "SKU-1", "2"]])
    mapping_url = _staged(client, channel, orders,
                          lines_file=(io.BytesIO(lines.encode("utf-8")), "lines.csv"))
    response = client.post(mapping_url, data={"map-external_id": "单号", "lines-external_id": "单号",
                                              "lines-qty": "件数"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-lines-sku-code") and "请为此字段选择一列。" in page
    assert "aria-invalid" not in _input(page, "f-map-sku-code") and "required" not in _input(page, "f-map-sku-code")
    assert _selected(page, "f-lines-qty") == "件数" and _selected(page, "f-map-external-id") == "单号"
    assert db.session.scalar(select(ImportJob)).status == models.DRAFT


def test_a_corrected_mapping_starts_the_import_and_is_saved_for_the_channel(client, login):
    login("reviewer")
    channel = make_channel("web")
    mapping_url = _staged(client, channel, csv_text(UNKNOWN_HEADERS, [["A1", "张三", "SKU-1", "2", "已付款"]]))
    assert client.post(mapping_url, data={"map-sku_code": "货号"}).status_code == 422
    started = client.post(mapping_url, data={"map-external_id": "单号", "map-sku_code": "货号", "map-qty": "件数"})
    assert started.status_code == 302 and started.location.endswith(mapping_url.rsplit("/", 1)[0])
    db.session.expire_all()
    assert db.session.scalar(select(ImportJob)).status != models.DRAFT
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.channel_id == channel.id))
    assert saved.columns["external_id"] == "单号" and saved.columns["qty"] == "件数"


def test_posting_a_started_mapping_again_goes_to_its_progress(client, login):
    login("reviewer")
    channel = make_channel("web")
    mapping_url = _staged(client, channel, csv_text(UNKNOWN_HEADERS, [["A1", "张三", "SKU-1", "2", "已付款"]]))
    form = {"map-external_id": "单号", "map-sku_code": "货号"}
    assert client.post(mapping_url, data=form).status_code == 302
    again = client.post(mapping_url, data=form)
    assert again.status_code == 302 and again.location.endswith(mapping_url.rsplit("/", 1)[0])
    assert "This import has already been started" in client.get(again.location).get_data(as_text=True)
