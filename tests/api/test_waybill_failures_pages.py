"""The waybill failed queue over HTTP (issue 21 item 5): permanent or temporary shown in both languages, a number
typed by hand (手动填写运单号), an address fixed then asked again, a void needing a reason; supervisors only."""
import re

import pytest
from sqlalchemy import select

from tests.builders import make_channel
from tests.builders_packing import make_carrier, picked_order
from wms.extensions import db
from wms.orders.models import Order, OrderEvent
from wms.shipping.models import Parcel


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def failed(app):
    make_carrier("SF")
    make_carrier("YTO", name="圆通速递")
    order = picked_order(external_id="WF-2001", channel=make_channel(code="wf-web"))
    order.status = "packed"  # sealed; its waybill refused
    parcel = Parcel(order_id=order.id, carrier_code="SF", status="waybill_failed", seal_uuid="wf-seal-1",
                    station_code="PS-WF", waybill_attempts=1, waybill_failure_kind="permanent",
                    waybill_error="address_rejected: 收件地址超出服务范围")
    db.session.add(parcel)
    db.session.commit()
    return parcel.id, order.id


def parcel(parcel_id):
    db.session.expire_all()
    return db.session.get(Parcel, parcel_id)


def reasons(order_id):
    return [e.reason for e in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id))]


@pytest.mark.parametrize("locale, words", [("en", ("Permanent", "The carrier refused: not asked again by itself",
                                                   "Type the tracking number by hand")),
                                           ("zh_CN", ("永久失败", "快递公司拒绝：不会自动重新申请", "手动填写运单号"))])
def test_the_failed_queue_says_the_refusal_is_permanent_in_both_languages(client, login, failed, locale, words):
    login("supervisor")
    client.post("/me/locale", data={"locale": locale})
    page = client.get("/shipping/waybills/failed").get_data(as_text=True)
    assert "WF-2001" in page
    for word in words:
        assert word in page


def test_a_number_typed_by_hand_takes_the_parcel_off_the_queue(client, login, failed):
    parcel_id, order_id = failed
    login("supervisor")
    token = csrf(client.get("/shipping/waybills/failed").get_data(as_text=True))
    client.post(f"/shipping/parcels/{parcel_id}/by-hand", data={
        "carrier_code": "YTO", "tracking_number": "YT6600000001", "reason": "YTO's paper form", "csrf_token": token})
    done = parcel(parcel_id)
    assert (done.status, done.tracking_number) == ("labelled", "YT6600000001")
    assert db.session.get(Order, order_id).status == "labelled"
    assert "WF-2001" not in client.get("/shipping/waybills/failed").get_data(as_text=True)


def test_a_void_without_a_reason_is_refused_and_changes_nothing(client, login, failed):
    parcel_id, _order_id = failed
    login("supervisor")
    token = csrf(client.get("/shipping/waybills/failed").get_data(as_text=True))
    client.post(f"/shipping/parcels/{parcel_id}/void-failed", data={"reason": "", "csrf_token": token})
    assert parcel(parcel_id).status == "waybill_failed"
    assert "Say why the parcel leaves the failed queue" in \
        client.get("/shipping/waybills/failed").get_data(as_text=True)


def test_an_address_fixed_in_the_queue_is_audited_and_asked_again(client, login, failed):
    parcel_id, order_id = failed
    login("supervisor")
    token = csrf(client.get("/shipping/waybills/failed").get_data(as_text=True))
    client.post(f"/shipping/parcels/{parcel_id}/fix", data={"carrier_code": "SF", "address": "文三路 90 号",
                                                             "csrf_token": token})
    assert db.session.get(Order, order_id).address == "文三路 90 号"
    assert any(r.startswith("address corrected for the waybill") for r in reasons(order_id))
    assert parcel(parcel_id).waybill_attempts == 2  # asked again (the carrier has no address here: failed again)


def test_a_packer_cannot_type_a_number(client, login, failed):
    parcel_id, _order_id = failed
    login("packer")
    response = client.post(f"/shipping/parcels/{parcel_id}/by-hand",
                           data={"carrier_code": "SF", "tracking_number": "SF1", "reason": "x"})
    assert response.status_code in (302, 400, 403)
    assert parcel(parcel_id).status == "waybill_failed"


def test_a_temporary_failure_says_it_is_asked_again_by_itself(client, login, failed):
    parcel_id, _order_id = failed
    row = parcel(parcel_id)
    row.waybill_failure_kind, row.waybill_error = "temporary", "timeout: no answer"
    db.session.commit()
    login("supervisor")
    client.post("/me/locale", data={"locale": "zh_CN"})
    page = client.get("/shipping/waybills/failed").get_data(as_text=True)
    assert "临时失败" in page and "会自动重新申请，共 4 次" in page
