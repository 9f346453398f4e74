"""The batch API (bearer token, roles, per-order results, OpenAPI) and the import pages."""
import io

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_imports import chinese_orders_csv, no_review, record  # noqa: F401
from wms.auth.services import create_api_token
from wms.extensions import db
from wms.i18n import event_text
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")


def bearer(role="integration"):
    _token, plain = create_api_token("shop-push", role=role)
    return {"Authorization": f"Bearer {plain}"}


def test_the_batch_api_answers_per_order_results(app, client):
    make_channel("web")
    make_sku("SKU-1")
    body = {"channel": "web", "orders": [record("A1"), record("A2", lines=()), "junk"]}
    response = client.post("/api/orders/batch", json=body, headers=bearer())
    assert response.status_code == 200
    data = response.json
    assert (data["created"], data["failed"]) == (1, 2)
    assert [(r["index"], r["external_id"], r["outcome"]) for r in data["results"]] == [
        (0, "A1", "created"), (1, "A2", "failed"), (2, None, "failed")]
    assert data["results"][1]["errors"] == [{"field": "lines", "reason": "An order needs at least one line."}]
    again = client.post("/api/orders/batch", json={"channel": "web", "orders": [record("A1")]}, headers=bearer())
    assert again.json["results"][0]["outcome"] == "unchanged"
    assert again.json["results"][0]["order_id"] == data["results"][0]["order_id"]
    imported = db.session.get(Order, data["results"][0]["order_id"]).events[0]
    assert (imported.reason, event_text(imported, "zh_CN")) == ("Imported from the order API", "从 订单接口 导入")


def test_the_batch_api_needs_a_token_and_an_import_role(app, client, login):
    make_channel("web")
    body = {"channel": "web", "orders": [record()]}
    assert app.test_client().post("/api/orders/batch", json=body).status_code == 401
    assert app.test_client().post("/api/orders/batch", json=body,
                                  headers={"Authorization": "Bearer wms_forged"}).status_code == 401
    login("picker")
    assert client.post("/api/orders/batch", json=body).status_code == 403
    assert db.session.scalar(select(Order)) is None


def test_an_unknown_channel_or_an_empty_batch_is_refused(app, client):
    make_channel("web")
    assert client.post("/api/orders/batch", json={"channel": "nope", "orders": [record()]},
                       headers=bearer()).status_code == 404
    assert client.post("/api/orders/batch", json={"channel": "web", "orders": []},
                       headers=bearer()).status_code == 422


def test_the_openapi_spec_documents_the_batch_and_the_order_record(client):
    spec = client.get("/api/docs/openapi.json").json
    post = spec["paths"]["/api/orders/batch"]["post"]
    assert "requestBody" in post and "200" in post["responses"]
    record_schema = spec["components"]["schemas"]["OrderRecord"]
    assert set(record_schema["required"]) == {"external_id", "lines"}
    assert "total_cents" in record_schema["properties"]


def test_the_page_flow_upload_map_import_and_report(app, client, login):
    reviewer = login("reviewer")
    channel = make_channel("web")
    make_sku("SKU-1")
    assert client.get("/imports/").status_code == 200
    bad = chinese_orders_csv().replace("SKU-1,T恤,1,19.90", "SKU-1,T恤,-1,19.90").encode("gbk")
    response = client.post("/imports/", data={"channel_id": channel.id, "file": (io.BytesIO(bad), "订单.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/mapping")
    mapping_page = client.get(response.location)
    assert mapping_page.status_code == 200 and "订单号" in mapping_page.get_data(as_text=True)
    form = {"map-external_id": "订单号", "map-buyer_name": "收件人", "map-buyer_remark": "买家留言",
            "map-sku_code": "商品编码", "map-qty": "数量", "map-unit_price": "单价"}
    started = client.post(response.location, data=form)
    assert started.status_code == 302
    status = client.get(started.location + "/status").json
    assert (status["status"], status["created"], status["failed"], status["percent"]) == ("done", 1, 1, 100)
    page = client.get(started.location).get_data(as_text=True)
    assert "Must be greater than or equal to 1." in page
    reviewer.locale = "zh_CN"
    db.session.commit()
    assert "必须大于或等于 1。" in client.get(started.location).get_data(as_text=True)
    status = client.get(started.location + "/status").json
    bad_qty = next(e for e in status["errors"] if e["field"] == "qty")
    assert (status["status_text"], bad_qty["reason"], bad_qty["reason_text"]) == (
        "已完成", "Must be greater than or equal to 1.", "必须大于或等于 1。")
    report = client.get(started.location + "/report.csv")
    assert report.status_code == 200 and "qty" in report.get_data(as_text=True)


def test_a_script_in_a_buyer_remark_is_stored_as_text_and_shown_escaped(app, client, login):
    login("admin")
    channel = make_channel("web")
    evil = chinese_orders_csv().replace("<script>alert(1)</script>", "<script>alert(1)</script>").replace(
        "SKU-1,T恤,2", "SKU-1,<b>T恤</b>,x")
    response = client.post("/imports/", data={"channel_id": channel.id, "file": (io.BytesIO(evil.encode()), "o.csv")},
                           content_type="multipart/form-data")
    page = client.get(response.location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    form = {"map-external_id": "订单号", "map-buyer_remark": "买家留言", "map-sku_code": "商品编码",
            "map-name": "商品名称", "map-qty": "数量"}
    started = client.post(response.location, data=form)
    assert db.session.scalar(select(Order).where(Order.external_id == "A2")).buyer_remark == ""
    shown = client.get(started.location).get_data(as_text=True)
    assert "<b>T恤</b>" not in shown
    a1_errors = client.get(started.location + "/status").json["errors"]
    assert a1_errors[0]["order"] == "A1"


def test_the_template_downloads_with_chinese_headers(client, login):
    login("supervisor")
    response = client.get("/imports/template.csv?lang=zh")
    assert response.status_code == 200
    assert response.get_data().decode("utf-8-sig").startswith("订单号,下单时间,收件人")


def test_pickers_may_not_open_the_import_page(client, login):
    login("picker")
    assert client.get("/imports/").status_code == 403
