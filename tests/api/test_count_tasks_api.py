"""Count tasks over the handheld's wires: the list by bearer token, the count as a floor event over the
socket and replayed over HTTP (applied once), the counting screens told live."""
import uuid

from flask import g

from tests.builders import make_user
from tests.builders_floor import assigned_task, short_event
# Handlers must be imported before any app exists (see tests/api/test_sockets_auth.py).
from wms import sockets  # noqa: F401
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.handheld import sockets as handheld_sockets  # noqa: F401
from wms.inventory.models import CountTask, StockItem, StockMovement
from wms.picking import floor


def bearer(user, device):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    return {"Authorization": f"Bearer {issue_handheld_token(user, register_device(device, user=user))}"}


def connect(app, user, device):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    client = socketio.test_client(app, auth={"token": issue_handheld_token(user, register_device(device, user=user))})
    assert client.is_connected()
    return client


def shorted():
    task, picker = assigned_task((("H1", [("SKU-0", 3)]),))
    line = task.lines[0]
    bin_code, bin_barcode, bin_id = line.bin.code, line.bin.barcode, line.bin_id
    assert floor.apply_event(picker, "dev-1", short_event(line, found=0))["status"] == "accepted"
    count_id = db.session.query(CountTask.id).scalar()
    return picker, {"count_id": count_id, "bin_code": bin_code, "bin_barcode": bin_barcode, "bin_id": bin_id}


def count_event(count, qty):
    return {"uuid": str(uuid.uuid4()), "kind": "count", "task_id": 0, "count_id": count["count_id"], "qty": qty,
            "seq": 3, "bin": count["bin_barcode"], "barcode": "6900000000000"}


def test_the_open_count_tasks_are_listed_for_a_handheld_token_and_refused_without_one(app, client):
    picker, count = shorted()
    response = client.get("/api/inventory/count-tasks", headers=bearer(picker, "HH-1"))
    assert response.status_code == 200
    [task] = response.json["count_tasks"]
    assert (task["id"], task["bin"]["code"], task["sku"]["code"]) == (count["count_id"], count["bin_code"], "SKU-0")
    assert "6900000000000" in task["sku"]["barcodes"]
    g.pop("_login_user", None)
    assert client.get("/api/inventory/count-tasks").status_code == 401
    assert client.get("/api/inventory/count-tasks", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_a_count_sent_over_the_socket_and_replayed_over_http_applies_once(app, client):
    picker, count = shorted()
    counter = make_user("picker", "counter1")
    event = count_event(count, 9)
    socket_client = connect(app, counter, "HH-2")
    first = socket_client.emit("floor_event", event, callback=True)
    assert first["status"] == "accepted" and first["code"] == "count_recorded", first
    assert first["count"]["counted"] == 9
    replay = client.post("/api/handheld/events", json={"events": [event]}, headers=bearer(counter, "HH-2"))
    assert replay.status_code == 200
    assert replay.json["answers"][0]["duplicate"] is True
    db.session.expire_all()
    assert db.session.query(StockMovement).filter_by(kind="count").count() == 1
    assert db.session.query(StockItem).filter_by(bin_id=count["bin_id"]).one().on_hand == 9
    assert db.session.get(CountTask, count["count_id"]).status == "done"


def test_an_offline_batch_with_a_bad_count_in_the_middle_answers_each_and_applies_the_rest(app, client):
    picker, count = shorted()
    bad = {**count_event(count, 5), "bin": "NOT-THIS-BIN"}
    good = count_event(count, 6)
    answers = client.post("/api/handheld/events", json={"events": [bad, good]},
                          headers=bearer(picker, "HH-1")).json["answers"]
    assert [(a["status"], a["code"]) for a in answers] == [("rejected", "wrong_bin"), ("accepted", "count_recorded")]
    db.session.expire_all()
    assert db.session.query(StockItem).filter_by(bin_id=count["bin_id"]).one().on_hand == 6


def test_the_counting_screens_hear_a_count_task_raised_and_done(app):
    watcher = connect(app, make_user("picker", "watcher"), "HH-9")
    picker, count = shorted()
    raised = [m["args"][0] for m in watcher.get_received() if m["name"] == "count.raised"]
    assert [r["count_id"] for r in raised] == [count["count_id"]]
    floor.apply_event(picker, "dev-1", count_event(count, 1))
    done = [m["args"][0] for m in watcher.get_received() if m["name"] == "count.done"]
    assert [(d["count_id"], d["counted"]) for d in done] == [(count["count_id"], 1)]
