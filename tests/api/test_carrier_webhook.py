"""POST /api/carriers/<code>/webhook: public, signature checked by the adapter, idempotent."""
import pytest
from sqlalchemy import func, select

from tests.builders_handover import FakeCarrier, make_carrier, shipped_orders
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.tracking import services
from wms.tracking.models import TrackingEvent

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def carrier(app, monkeypatch):
    make_carrier("SF", "顺丰速运")
    fake = FakeCarrier()
    monkeypatch.setattr(services, "carrier_adapter", lambda code: fake)
    return fake


def test_a_signed_push_is_recorded_and_answered_the_way_kuaidi100_expects(client, carrier):
    orders, parcels = shipped_orders(1)
    body = carrier.push_body(parcels[0].tracking_number, 3, "2026-11-21T10:00:00", "已签收")
    response = client.post("/api/carriers/SF/webhook", data=body, headers=FORM)
    assert response.status_code == 200, response.json
    assert response.json["result"] is True and response.json["returnCode"] == "200"
    assert db.session.get(Order, orders[0].id).status == states.COMPLETED


def test_a_push_delivered_twice_is_stored_once(client, carrier):
    _orders, parcels = shipped_orders(1)
    body = carrier.push_body(parcels[0].tracking_number, 0, "2026-11-21T10:00:00", "运输中")
    assert client.post("/api/carriers/SF/webhook", data=body, headers=FORM).json["new_events"] == 1
    assert client.post("/api/carriers/SF/webhook", data=body, headers=FORM).json["new_events"] == 0
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 1


def test_a_bad_signature_is_401_and_records_nothing(client, carrier):
    orders, parcels = shipped_orders(1)
    body = carrier.push_body(parcels[0].tracking_number, 3, "2026-11-21T10:00:00").replace("sign=", "sign=00")
    response = client.post("/api/carriers/SF/webhook", data=body, headers=FORM)
    assert response.status_code == 401 and response.json["error"] == "bad_signature"
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 0
    assert db.session.get(Order, orders[0].id).status == states.SHIPPED


def test_an_unknown_carrier_is_404(client, app):
    response = client.post("/api/carriers/NOPE/webhook", data="x=1", headers=FORM)
    assert response.status_code == 404


def test_the_webhook_needs_no_login_and_no_csrf_token(app, carrier):
    app.config["WTF_CSRF_ENABLED"] = True
    _orders, parcels = shipped_orders(1)
    body = carrier.push_body(parcels[0].tracking_number, 0, "2026-11-21T10:00:00")
    assert app.test_client().post("/api/carriers/SF/webhook", data=body, headers=FORM).status_code == 200


def test_the_real_kuaidi100_adapter_verifies_the_push_and_its_events_complete_the_order(client, app):
    from wms.shipping.models import Carrier

    make_carrier("SF", "顺丰速运")
    carrier = db.session.scalar(select(Carrier))
    carrier.settings = {"adapter": "kuaidi100", "salt": "test-salt"}
    db.session.commit()
    orders, parcels = shipped_orders(1)
    signer = FakeCarrier(salt="test-salt")
    bad = FakeCarrier(salt="wrong").push_body(parcels[0].tracking_number, 3, "2026-11-21 10:00:00", "已签收")
    assert client.post("/api/carriers/SF/webhook", data=bad, headers=FORM).status_code == 401
    body = signer.push_body(parcels[0].tracking_number, 3, "2026-11-21 10:00:00", "已签收")
    response = client.post("/api/carriers/SF/webhook", data=body, headers=FORM)
    assert response.status_code == 200, response.json
    assert db.session.get(Order, orders[0].id).status == states.COMPLETED


def test_an_unsigned_push_to_the_real_adapter_is_refused_when_no_salt_is_configured(client, app):
    import json
    from urllib.parse import urlencode

    make_carrier("YTO", "圆通速递")
    param = json.dumps({"status": "polling", "lastResult": {"nu": "YT0001", "state": "3",
                                                            "data": [{"ftime": "2026-11-21 10:00:00", "context": "签收"}]}})
    app.config["CARRIER_WEBHOOK_SALT"] = ""
    response = client.post("/api/carriers/YTO/webhook", data=urlencode({"param": param, "sign": ""}), headers=FORM)
    assert response.status_code == 401
    assert db.session.scalar(select(func.count(TrackingEvent.id))) == 0
