"""The waybill desk's screens over HTTP, in both languages: 运单号申请 with its progress and failure queue,
待打单 with 有货 / 缺货 and batch printing in pick-route order, the timing setting."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.builders_waybill_desk import allocated_orders, early_warehouse, sandbox_carrier, stocked
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.orders.models import Order
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import EarlyWaybill


@pytest.fixture
def sandbox():
    box = Sandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def floor(app, sandbox):
    warehouse = early_warehouse()
    bins = stocked(warehouse, (("SKU-A", 10), ("SKU-B", 0), ("SKU-C", 10)))
    sandbox_carrier(sandbox)
    return warehouse, bins


def set_language(client, locale):
    client.post("/me/locale", data={"locale": locale})


def rows():
    db.session.expire_all()
    return db.session.scalars(select(EarlyWaybill).order_by(EarlyWaybill.id)).all()


def test_a_reviewer_requests_the_ticked_orders_and_follows_the_progress(client, login, floor):
    orders = allocated_orders(["W1", "W2"])
    login("reviewer")
    page = client.get("/waybill-desk/")
    assert page.status_code == 200 and b"<td>W1</td>" in page.data and b"<td>W2</td>" in page.data
    answer = client.post("/waybill-desk/request", data={"scope": "selected", "order_ids": [orders[0].id]})
    assert answer.status_code == 302 and "batch=" in answer.location
    page = client.get(answer.location)
    assert b'id="batch-progress"' in page.data and b'data-count="issued">1<' in page.data
    batch_id = rows()[0].batch_id
    progress = client.get(f"/api/waybill-desk/batches/{batch_id}").get_json()
    assert (progress["total"], progress["issued"], progress["requesting"]) == (1, 1, 0)
    assert [row.order_id for row in rows()] == [orders[0].id]


def test_requesting_nothing_ticked_answers_422_in_the_readers_language_and_writes_nothing(client, login, floor):
    allocated_orders(["W1"])
    login("reviewer")
    set_language(client, "zh_CN")
    answer = client.post("/waybill-desk/request", data={"scope": "selected"})
    assert answer.status_code == 422 and "请至少勾选一个订单".encode() in answer.data
    assert rows() == []


def test_a_failure_shows_the_carriers_words_and_a_corrected_retry_gets_the_waybill(client, login, floor, sandbox):
    [order] = allocated_orders(["W1"])
    login("reviewer")
    sandbox.fail_next("address_rejected")
    client.post("/waybill-desk/request", data={"scope": "all"})
    [row] = rows()
    page = client.get("/waybill-desk/")
    assert "收件地址超出服务范围".encode() in page.data and f'id="failure-{row.id}"'.encode() in page.data
    refused = client.post(f"/waybill-desk/waybills/{row.id}/retry", data={"buyer_name": "李四", "address": "x" * 501})
    assert refused.status_code == 422 and b'aria-invalid="true"' in refused.data and b"x" * 501 in refused.data
    assert rows()[0].status == "failed" and db.session.get(Order, order.id).buyer_name == "张三"
    answer = client.post(f"/waybill-desk/waybills/{row.id}/retry", data={"address": "文三路 100 号"})
    assert answer.status_code == 302 and rows()[0].status == "issued"
    assert db.session.get(Order, order.id).address == "文三路 100 号"


def test_a_failure_goes_to_another_carrier_from_the_page(client, login, floor, sandbox):
    from tests.builders_packing import make_carrier

    make_carrier("YTO", "圆通速递", settings=sandbox.settings(kuaidicom="yuantong", timeout_s=0.5))
    allocated_orders(["W1"])
    login("supervisor")
    sandbox.fail_next("quota")
    client.post("/waybill-desk/request", data={"scope": "all"})
    [failed] = rows()
    assert "圆通速递".encode() in client.get("/waybill-desk/").data
    answer = client.post(f"/waybill-desk/waybills/{failed.id}/carrier", data={"carrier_code": "YTO"})
    assert answer.status_code == 302
    assert [(row.status, row.carrier_code) for row in rows()] == [("dropped", "SF"), ("issued", "YTO")]


def test_labels_to_print_split_in_stock_and_out_of_stock_in_chinese(client, login, floor):
    allocated_orders(["W1"])
    allocated_orders(["W2"], lines=(("SKU-B", 1),))
    login("reviewer")
    client.post("/waybill-desk/request", data={"scope": "all"})
    set_language(client, "zh_CN")
    in_stock = client.get("/waybill-desk/to-print").data.decode()
    assert "有货 (1)" in in_stock and "缺货 (1)" in in_stock
    assert "<td>W1</td>" in in_stock and "<td>W2</td>" not in in_stock
    out = client.get("/waybill-desk/to-print?tab=out_of_stock").data.decode()
    assert "<td>W2</td>" in out and "入库后库存够用时" in out
    assert client.get("/waybill-desk/to-print?tab=nonsense").status_code == 422


def test_printing_the_ticked_gives_one_pdf_in_pick_route_order_and_moves_them_to_printed(client, login, floor):
    # W1 picks in aisle 2 (SKU-C), W2 in aisle 0 (SKU-A): the walk meets W2 first
    far = allocated_orders(["W1"], lines=(("SKU-C", 1),))[0]
    near = allocated_orders(["W2"], lines=(("SKU-A", 1),))[0]
    login("reviewer")
    client.post("/waybill-desk/request", data={"scope": "all"})
    numbers = {row.order_id: row.tracking_number for row in rows()}
    answer = client.post("/waybill-desk/print", data={"scope": "selected", "order_ids": [far.id, near.id]})
    assert answer.mimetype == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages]
    assert len(pages) == 2
    assert numbers[near.id] in pages[0] and numbers[far.id] in pages[1]
    counts = client.get("/waybill-desk/to-print?tab=printed").data.decode()
    assert "<td>W1</td>" in counts and "<td>W2</td>" in counts
    assert all(row.printed_at is not None for row in rows())


def test_printing_an_order_without_a_label_is_refused(client, login, floor):
    [order] = allocated_orders(["W1"])
    login("reviewer")
    answer = client.post("/waybill-desk/print", data={"scope": "selected", "order_ids": [order.id]})
    assert answer.status_code == 302
    assert "W1" in client.get(answer.location).data.decode()   # the flashed refusal names it


def test_the_timing_setting_is_the_admins_and_a_wrong_value_saves_nothing(client, login, floor):
    allocated_orders(["W1"])   # its store is listed too
    warehouse = db.session.scalar(select(Warehouse))
    login("reviewer")
    assert client.get("/waybill-desk/settings").status_code == 403
    client.post("/logout")
    login("admin")
    set_language(client, "zh_CN")
    page = client.get("/waybill-desk/settings").data.decode()
    assert "分配库存后（拣货前打单）" in page and "跟随仓库" in page
    refused = client.post("/waybill-desk/settings", data={f"wh-{warehouse.id}": "whenever"})
    assert refused.status_code == 422 and "请选择申请运单号的时机" in refused.data.decode()
    assert db.session.get(Warehouse, warehouse.id).waybill_timing == "after_allocation"
    assert client.post("/waybill-desk/settings", data={f"wh-{warehouse.id}": "at_seal"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Warehouse, warehouse.id).waybill_timing == "at_seal"
