"""The pack station's API takes bearer tokens like the handheld's; CSRF applies to cookie sessions only."""
from flask import g

from tests.builders_packing import event, picked_order
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db
from wms.packing.models import PackSession
from wms.picking.models import FloorEvent


def scan(order):
    return event("pack_scan", order_id=order.id, barcode="6901000000011", station="PS-1")


def post(client, headers, body):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    return client.post("/api/station/events", headers=headers, json=body)


def test_a_packer_with_a_bearer_token_replays_station_events_with_csrf_on(app, client, make_user):
    packer = make_user("packer", "packer1")
    order = picked_order(lines=(("SKU-A", 2),))
    token = issue_handheld_token(packer, register_device("PS-HH-1"))
    app.config["WTF_CSRF_ENABLED"] = True
    response = post(client, {"Authorization": f"Bearer {token}"}, {"station": "PS-1", "events": [scan(order)]})
    assert response.status_code == 200, response.data
    assert [a["code"] for a in response.get_json()["answers"]] == ["pack_item_ok"]
    db.session.rollback()
    assert db.session.query(PackSession).filter_by(order_id=order.id).one().verified == {"SKU-A": 1}


def test_a_cookie_session_without_its_csrf_token_is_refused_and_nothing_is_applied(app, client, login):
    login("packer")
    order = picked_order(lines=(("SKU-A", 2),))
    app.config["WTF_CSRF_ENABLED"] = True
    response = post(client, {"Origin": "http://localhost"}, {"station": "PS-1", "events": [scan(order)]})
    assert response.status_code == 400
    assert db.session.query(FloorEvent).count() == 0


def test_a_picker_token_may_not_replay_station_events(app, client, make_user):
    picker = make_user("picker", "picker1")
    order = picked_order(lines=(("SKU-A", 2),))
    token = issue_handheld_token(picker, register_device("HH-1"))
    response = post(client, {"Authorization": f"Bearer {token}"}, {"station": "PS-1", "events": [scan(order)]})
    assert response.status_code == 403
    assert db.session.query(FloorEvent).count() == 0
