"""The upload page with each platform's realistic export: it says which layout it recognised, the
mapping page comes prefilled (fallback columns, status values), and the form as the page fills it
imports exactly what the file says, in both languages."""
import io

import pytest

from tests.builders import make_channel, make_sku
from tests.builders_exports import build, expected_counts, realistic_specs
from tests.builders_imports import no_review  # noqa: F401
from tests.form_fields import form_of
from wms.extensions import db
from wms.imports import presets

pytestmark = pytest.mark.usefixtures("no_review")


@pytest.fixture
def catalogue(app):
    for n, code in enumerate(("SKU-1", "SKU-2", "SKU-3")):
        make_sku(code, barcodes=(f"690000000001{n}",))


def upload(client, channel, export):
    data = {"channel_id": channel.id, "file": (io.BytesIO(export.orders), export.filename)}
    if export.lines is not None:
        data["lines_file"] = (io.BytesIO(export.lines), export.lines_filename)
    response = client.post("/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/mapping")
    return response.location


@pytest.mark.parametrize("preset", ("shopify", "taobao", "pdd", "jd", "douyin"))
def test_a_realistic_export_of_each_platform_imports_from_the_upload_page_as_expected(
        app, client, login, catalogue, preset):
    login("reviewer")
    channel = make_channel(f"{preset}-web")
    export = build(preset, realistic_specs("7"))
    mapping_url = upload(client, channel, export)
    page = client.get(mapping_url).get_data(as_text=True)
    assert f"Recognised as: {presets.BY_CODE[preset].name}" in page
    started = client.post(mapping_url, data=form_of(page))
    assert started.status_code == 302
    status = client.get(started.location + "/status").json
    wanted = expected_counts(export)
    assert {k: status[k] for k in wanted} == wanted, status["errors"]
    assert (status["blocks"], status["orphans"], status["preset"]) == (len(export.expected), export.orphans, preset)


def test_the_mapping_page_keeps_fallback_columns_and_the_channels_own_status_words(app, client, login, catalogue):
    from tests.builders_imports import csv_text
    from wms.imports import file_upload

    login("reviewer")
    channel = make_channel("custom")
    body = csv_text(["单号", "收货人", "备用收货人", "货号", "件数", "状态"], [
        ["C1", "", "孙七", "SKU-1", "1", "已打款"], ["C2", "周八", "", "SKU-2", "2", "作废"],
        ["C3", "吴九", "", "SKU-3", "1", "交易成功"]]).encode("utf-8")
    mapping_url = upload(client, channel, type("E", (), {"orders": body, "filename": "自制.csv", "lines": None})())
    page = client.get(mapping_url).get_data(as_text=True)
    assert "Not a layout we know" in page and 'value="已打款"' in page   # the file's status values listed
    form = form_of(page)
    form.update({"map-external_id": "单号", "map-buyer_name": "收货人", "map-buyer_name-2": "备用收货人",
                 "map-sku_code": "货号", "map-qty": "件数", "map-order_status": "状态"})
    words = {form[k]: k.split("-")[1] for k in form if k.startswith("word-") and form[k]}
    form[f"verdict-{words['已打款']}"] = "import"
    form[f"verdict-{words['作废']}"] = "cancelled"
    started = client.post(mapping_url, data=form)
    status = client.get(started.location + "/status").json
    assert (status["created"], status["failed"]) == (1, 2), status["errors"]
    saved = file_upload.saved_mapping(channel.id)
    assert saved["buyer_name"] == ["收货人", "备用收货人"]
    assert saved["_status_values"]["已打款"] == "import" and saved["_status_values"]["作废"] == "cancelled"
    from wms.orders.models import Order
    from sqlalchemy import select

    assert db.session.scalar(select(Order.buyer_name).where(Order.external_id == "C1")) == "孙七"


def test_a_chinese_reader_sees_the_recognised_layout_and_the_outcomes_in_chinese(app, client, login, catalogue):
    reader = login("reviewer")
    reader.locale = "zh_CN"
    db.session.commit()
    channel = make_channel("tb-zh")
    export = build("taobao", realistic_specs("8"))
    mapping_url = upload(client, channel, export)
    page = client.get(mapping_url).get_data(as_text=True)
    assert "已识别为：淘宝/天猫 订单报表 + 宝贝报表" in page and "状态值" in page
    started = client.post(mapping_url, data=form_of(page))
    shown = client.get(started.location).get_data(as_text=True)
    assert "已暂停" in shown and "重复第" in shown and "科学计数法" in shown
    status = client.get(started.location + "/status").json
    assert any(e["outcome_text"] == "重复" for e in status["errors"])
