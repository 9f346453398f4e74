"""Handheld REST: token login, bootstrap with everything needed offline, events exactly once, get work."""
from flask import g

from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event, short_event
from wms.extensions import db
from wms.picking.models import FloorEvent, PickLine


def fresh_request():
    """A real server has a fresh context per request; the test app context is shared, so forget the last principal."""
    g.pop("_login_user", None)
    g.pop("device_code", None)


def token_for(client, username, device="HH-TEST-1"):
    fresh_request()
    response = client.post("/api/auth/handheld", json={"username": username, "pin": "482915", "device": device})
    assert response.status_code == 200, response.json
    return response.json["token"]


def call(client, method, path, token, **kwargs):
    fresh_request()
    return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_a_badge_scan_logs_in_and_the_device_keeps_its_id(app, client):
    picker = make_user("picker", "picker1")
    response = client.post("/api/auth/handheld", json={"badge": f"WMSBADGE:{picker.badge_secret}", "device": "HH-42"})
    assert response.status_code == 200
    assert response.json["device"] == "HH-42" and response.json["user"]["username"] == "picker1"
    me = call(client, "GET", "/api/handheld/bootstrap", response.json["token"])
    assert me.json["device"] == "HH-42"


def test_a_wrong_pin_or_badge_is_refused_with_a_message(app, client):
    make_user("picker", "picker1")
    wrong_pin = client.post("/api/auth/handheld", json={"username": "picker1", "pin": "000000", "device": "HH-1"})
    wrong_badge = client.post("/api/auth/handheld", json={"badge": "WMSBADGE:nope", "device": "HH-1"})
    assert wrong_pin.status_code == 403 and wrong_pin.json["message"] == "Wrong username or PIN"
    assert wrong_badge.status_code == 403 and wrong_badge.json["message"] == "Unknown or revoked badge"


def test_bootstrap_without_a_valid_token_is_refused(app, client):
    fresh_request()
    assert client.get("/api/handheld/bootstrap").status_code == 401
    assert call(client, "GET", "/api/handheld/bootstrap", "forged.token.value").status_code == 401
    assert call(client, "POST", "/api/handheld/events", "forged", json={"events": []}).status_code == 401


def test_bootstrap_carries_my_tasks_with_bins_skus_barcodes_and_my_catalogue(app, client):
    picker = make_user("picker", "picker1", locale="zh_CN")
    task, _ = assigned_task(picker=picker)
    token = token_for(client, "picker1")
    body = call(client, "GET", "/api/handheld/bootstrap", token).json
    assert body["user"]["locale"] == "zh_CN"
    assert [t["id"] for t in body["tasks"]] == [task.id]
    line = body["tasks"][0]["lines"][0]
    assert set(line) >= {"id", "seq", "qty", "picked_qty", "status", "tote_slot", "bin", "sku"}
    assert line["bin"]["code"] and line["bin"]["barcode"] and line["sku"]["barcodes"]
    assert body["catalogue"]["Offline - {n} actions queued"] == "离线 - {n} 个操作待同步"


def test_another_pickers_tasks_are_not_in_my_bootstrap(app, client):
    assigned_task()  # picker1's
    make_user("picker", "picker2")
    token = token_for(client, "picker2")
    assert call(client, "GET", "/api/handheld/bootstrap", token).json["tasks"] == []


def test_an_outbox_replayed_twice_over_http_has_one_effect_and_the_same_answers(app, client):
    task, _ = assigned_task()
    token = token_for(client, "picker1")
    line = next(line for line in task.lines if line.qty == 3)
    events = [pick_event(line, qty=1), pick_event(line, qty=2)]
    first = call(client, "POST", "/api/handheld/events", token, json={"events": events}).json["answers"]
    again = call(client, "POST", "/api/handheld/events", token, json={"events": events}).json["answers"]
    assert [a["status"] for a in first] == ["accepted", "accepted"]
    assert [a["uuid"] for a in first] == [e["uuid"] for e in events]
    assert [a.get("duplicate") for a in again] == [True, True]
    assert [a["line"] for a in again] == [a["line"] for a in first]
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 3
    assert db.session.query(FloorEvent).count() == 2


def test_a_rejected_event_says_what_to_do_and_changes_nothing(app, client):
    task, _ = assigned_task()
    token = token_for(client, "picker1")
    line = task.lines[0]
    answer = call(client, "POST", "/api/handheld/events", token,
                  json={"events": [pick_event(line, barcode="0000000000000")]}).json["answers"][0]
    assert answer["status"] == "rejected" and answer["code"] == "wrong_sku"
    assert answer["values"]["sku"] == line.sku.code
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 0


def test_a_short_pick_over_http_holds_the_order_for_review(app, client):
    task, _ = assigned_task()
    token = token_for(client, "picker1")
    line = next(line for line in task.lines if line.qty == 3)
    answer = call(client, "POST", "/api/handheld/events", token,
                  json={"events": [short_event(line, found=1, reason="damaged")]}).json["answers"][0]
    assert answer["status"] == "accepted" and answer["code"] == "short_recorded"
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).order.hold_codes == ["shortage"]


def test_get_work_claims_an_open_task_and_then_answers_the_same_one(app, client):
    from tests.builders_picking import allocated_orders, stocked_warehouse
    from wms.picking import services, waves

    warehouse, _ = stocked_warehouse()
    allocated_orders([("W1", [("SKU-0", 1), ("SKU-1", 1)])])
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    make_user("picker", "picker1")
    token = token_for(client, "picker1")
    first = call(client, "POST", "/api/handheld/work", token).json["task"]
    again = call(client, "POST", "/api/handheld/work", token).json["task"]
    assert first and first["status"] == "assigned" and again["id"] == first["id"]
    make_user("picker", "picker2")
    other = token_for(client, "picker2", device="HH-TEST-2")
    assert call(client, "POST", "/api/handheld/work", other).json["task"] is None


def test_a_packer_may_not_get_pick_work(app, client):
    make_user("packer", "packer1")
    token = token_for(client, "packer1")
    assert call(client, "POST", "/api/handheld/work", token).status_code == 403
