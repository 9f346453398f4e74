"""Dock, returns, intercepts and tracking pages through the test client."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.builders_handover import labelled_orders, make_carrier, shipped_orders
from wms.extensions import db
from wms.handover.models import Manifest
from wms.inventory.models import Bin
from wms.orders import states
from wms.orders.models import Order


def test_the_dock_clerk_opens_scans_closes_and_prints_a_manifest(client, login):
    make_carrier("SF", "顺丰速运")
    orders, parcels = labelled_orders(1)
    login("packer")
    response = client.post("/handover/manifests", data={"carrier": "SF"})
    manifest = db.session.scalar(select(Manifest))
    assert response.headers["Location"].endswith(f"/handover/manifests/{manifest.id}")
    client.post(f"/handover/manifests/{manifest.id}/scan", data={"code": parcels[0].tracking_number})
    page = client.get(f"/handover/manifests/{manifest.id}").get_data(as_text=True)
    assert parcels[0].tracking_number in page and 'autofocus' in page
    client.post(f"/handover/manifests/{manifest.id}/scan", data={"code": "SF-NOT-OURS"})
    assert "No parcel with tracking number SF-NOT-OURS" in client.get(f"/handover/manifests/{manifest.id}").get_data(as_text=True)
    client.post(f"/handover/manifests/{manifest.id}/close")
    assert db.session.get(Order, orders[0].id).status == states.SHIPPED
    pdf = client.get(f"/handover/manifests/{manifest.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    assert manifest.code in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def test_refusals_show_in_chinese_for_a_chinese_user(client, make_user):
    make_carrier("SF")
    labelled_orders(1)
    user = make_user("packer", "clerk-zh", locale="zh_CN")
    client.post("/login", data={"username": user.username, "password": "secret-pass"})
    client.post("/handover/manifests", data={"carrier": "SF"})
    manifest = db.session.scalar(select(Manifest))
    client.post(f"/handover/manifests/{manifest.id}/scan", data={"code": "NOPE"})
    assert "没有运单号为 NOPE 的包裹" in client.get(f"/handover/manifests/{manifest.id}").get_data(as_text=True)


def test_a_reviewer_may_not_see_the_dock(client, login):
    login("reviewer")
    assert client.get("/handover/").status_code == 403


def test_a_return_is_booked_from_the_page_with_a_bin_code(client, login):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    order = db.session.get(Order, orders[0].id)
    bin_ = db.session.scalar(select(Bin).order_by(Bin.id))
    login("reviewer")
    assert order.external_id in client.get(f"/aftersales/returns?order={order.external_id}").get_data(as_text=True)
    first, second = order.lines
    client.post(f"/aftersales/returns/{order.id}", data={
        "line": [first.id, second.id], f"qty_{first.id}": "2", f"result_{first.id}": "restock",
        f"bin_{first.id}": bin_.code, f"qty_{second.id}": "1", f"result_{second.id}": "write_off",
        f"reason_{second.id}": "broken"})
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.RETURNED


def test_supervisors_see_intercepts_and_tracking_exceptions(client, login):
    login("supervisor")
    assert client.get("/aftersales/intercepts").status_code == 200
    assert client.get("/tracking/exceptions").status_code == 200


def test_an_open_intercept_is_told_in_the_supervisors_language(client, login):
    from wms.aftersales.services import intercept_order

    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    intercept_order(orders[0].id, "买家改主意了 / buyer changed mind")
    supervisor = login("supervisor")
    assert "ask the carrier to stop and return the parcel" in client.get("/aftersales/intercepts").get_data(as_text=True)
    supervisor.locale = "zh_CN"
    db.session.commit()
    page = client.get("/aftersales/intercepts").get_data(as_text=True)
    assert "请快递公司停止派送并退回包裹" in page and "buyer changed mind" in page  # typed: shown as typed
