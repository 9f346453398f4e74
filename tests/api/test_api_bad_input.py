"""Bad input the OpenAPI fuzz run found answering 500: now a clear 4xx (or a plain answer), nothing changed."""
from sqlalchemy import func, select

from tests.builders import make_channel, make_user
from tests.builders_floor import assigned_task
from wms.auth.models import Device
from wms.channels.models import PushReceipt
from wms.extensions import db
from wms.picking.models import PickTask
from wms.tracking import statuses


def _devices():
    return db.session.scalar(select(func.count(Device.id)))


def test_a_handheld_login_with_a_device_that_is_not_text_is_refused_and_registers_nothing(client):
    make_user("picker", "pia")
    for device in (5, {"code": "HH-1"}, ["HH-1"]):
        response = client.post("/api/auth/handheld", json={"username": "pia", "pin": "482915", "device": device})
        assert (response.status_code, response.json["field"]) == (422, "device")
    assert _devices() == 0


def test_a_handheld_login_with_an_unknown_kind_of_device_is_refused_and_registers_nothing(client):
    make_user("picker", "pia")
    response = client.post("/api/auth/handheld", json={"username": "pia", "pin": "482915", "device": "HH-1",
                                                       "kind": "toaster" * 5})
    assert (response.status_code, response.json["field"]) == (422, "kind")
    assert _devices() == 0
    station = client.post("/api/auth/handheld", json={"username": "pia", "pin": "482915", "device": "PS-1",
                                                      "kind": "station"})
    assert station.status_code == 200 and _devices() == 1


def test_a_handheld_login_whose_body_is_not_an_object_asks_for_the_credentials(client):
    response = client.post("/api/auth/handheld", json=["pia", "482915"])
    assert response.status_code == 422 and response.json["error"] == "validation_failed"


def test_a_taobao_push_whose_json_is_not_an_object_is_refused_and_stores_nothing(client):
    make_channel("tmall", platform="taobao", settings={"app_key": "k", "app_secret": "s"})
    response = client.post("/api/channels/tmall/taobao/push", json=[{"topic": "taobao_trade_TradeCreate"}])
    assert response.status_code == 401 and response.json["error"] == "push_refused"
    assert db.session.scalar(select(func.count(PushReceipt.id))) == 0


def test_a_reassignment_whose_body_is_not_an_object_is_refused_and_the_task_stays(client, login):
    task, picker = assigned_task()
    login("supervisor")
    for body in ("true", "[1]", '"picker"'):
        response = client.post(f"/api/wall/tasks/{task.id}/assign", data=body, content_type="application/json")
        assert response.status_code == 422 and response.json["error"] == "validation_failed"
    db.session.expire_all()
    assert db.session.get(PickTask, task.id).picker_id == picker.id


def test_digits_of_other_scripts_are_not_ids(client, login):
    login("admin")
    queue = client.get("/api/review/queue", query_string={"channel": "¹", "state": "on_hold"})
    assert queue.status_code == 200 and queue.json["total"] == 0  # not a channel id: every channel
    lookup = client.get("/api/station/lookup", query_string={"code": "²"})
    assert lookup.status_code == 404 and lookup.json["error"] == "not_found"
    tote = client.get("/api/station/lookup", query_string={"code": "W1-001-³"})
    assert tote.status_code == 404
    assert statuses.normalise("²") is None and statuses.normalise("3") == statuses.normalise(3)


def test_text_postgresql_cannot_store_is_a_422_not_a_server_error(app, client, login):
    """On PostgreSQL a NUL byte or an unpaired surrogate in any text that reaches a statement is
    refused by the driver; on SQLite only the surrogate is (a NUL is matched like any text)."""
    on_postgres = db.engine.dialect.name == "postgresql"
    login("admin")
    answers = {
        "queue": client.get("/api/review/queue", query_string={"q": "a\x00b"}),
        "lookup": client.get("/api/station/lookup", query_string={"code": "P\x001"}),
        "sign-in": client.post("/api/station/PS%001/sign-in"),
        "login": client.post("/api/auth/handheld", json={"username": "pia\x00", "pin": "482915", "device": "HH-1"}),
        "surrogate": client.post("/api/auth/handheld", data='{"username": "pia\\udc80", "pin": "1", "device": "H"}',
                                 content_type="application/json"),
    }
    # The desk's search drops control characters before it searches (wms.search.keys.clean): the NUL never reaches
    # a statement, on either database. SQLite's driver refuses only the surrogate.
    expected = ({**{name: 422 for name in answers}, "queue": 200} if on_postgres else
                {"queue": 200, "lookup": 404, "sign-in": 404, "login": 403, "surrogate": 422})
    assert {name: response.status_code for name, response in answers.items()} == expected
    assert {answers[name].json["error"] for name, status in expected.items() if status == 422} == {"validation_failed"}
    assert _devices() == 0


def test_the_driver_refusing_text_is_answered_422_and_rolls_back_any_other_value_error_stays_a_500(
        app, client, login, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    login("admin")

    def refuse(*_args, **_kwargs):
        db.session.add(Device(code="unsaved", name="x", kind="handheld"))
        db.session.flush()  # written, not committed: the refusal must roll it back
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")

    monkeypatch.setattr("wms.packing.services.pack_queue", refuse)
    response = client.get("/api/station/queue")
    assert (response.status_code, response.json["error"]) == (422, "validation_failed")
    assert _devices() == 0
    monkeypatch.setattr("wms.packing.services.pack_queue", lambda: int("not a number"))
    assert client.get("/api/station/queue").status_code == 500
