"""Handheld Socket.IO: token connections, floor_event exactly once across socket and HTTP, get_work,
and pushes reaching only the picker they are for."""
from flask import g

from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event
# Handlers must be imported before any app exists (see tests/api/test_sockets_auth.py).
from wms import sockets  # noqa: F401
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.handheld import sockets as handheld_sockets  # noqa: F401
from wms.picking import services
from wms.picking.models import FloorEvent, PickLine


def connect(app, user, device):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    token = issue_handheld_token(user, register_device(device, user=user))
    client = socketio.test_client(app, auth={"token": token})
    assert client.is_connected()
    return client


def received(client, event):
    return [m["args"][0] for m in client.get_received() if m["name"] == event]


def test_a_floor_event_sent_twice_over_the_socket_and_once_over_http_applies_once(app, client):
    task, picker = assigned_task()
    line = next(line for line in task.lines if line.qty == 3)
    line_id, event = line.id, pick_event(line, qty=2)  # the socket handler ends the session: keep plain values
    token = issue_handheld_token(picker, register_device("HH-1", user=picker))
    socket_client = connect(app, picker, "HH-1")
    first = socket_client.emit("floor_event", event, callback=True)
    again = socket_client.emit("floor_event", event, callback=True)
    assert first["status"] == "accepted" and first["line"] == {"id": line_id, "picked_qty": 2, "status": "open"}
    assert again["duplicate"] is True and again["line"] == first["line"]
    g.pop("_login_user", None)
    over_http = client.post("/api/handheld/events", json={"events": [event]},
                            headers={"Authorization": f"Bearer {token}"}).json["answers"][0]
    assert over_http["duplicate"] is True
    db.session.expire_all()
    assert db.session.get(PickLine, line_id).picked_qty == 2
    row = db.session.query(FloorEvent).one()
    assert (row.device_code, row.uuid) == ("HH-1", event["uuid"])


def test_get_work_over_the_socket_answers_my_task(app):
    task, picker = assigned_task()
    task_id = task.id
    socket_client = connect(app, picker, "HH-1")
    answer = socket_client.emit("get_work", callback=True)
    assert answer["task"]["id"] == task_id and answer["task"]["lines"]


def test_a_packer_is_refused_pick_work_over_the_socket(app):
    packer = make_user("packer", "packer1")
    socket_client = connect(app, packer, "PACK-1")
    answer = socket_client.emit("get_work", callback=True)
    assert (answer["status"], answer["code"]) == ("rejected", "forbidden") and "task" not in answer


def test_a_reassignment_withdraws_the_task_from_one_picker_and_pushes_it_to_the_other(app):
    task, first = assigned_task()
    stale_event = pick_event(task.lines[0])
    second = make_user("picker", "picker2")
    first_socket, second_socket = connect(app, first, "HH-1"), connect(app, second, "HH-2")
    first_socket.get_received(), second_socket.get_received()
    services.assign_task(task.id, second.id)
    assert received(first_socket, "task.withdrawn") == [{"task_id": task.id, "reason": "reassigned by a supervisor"}]
    assert received(second_socket, "task.assigned") == [{"task_id": task.id}]
    assert received(first_socket, "task.assigned") == []
    stale = first_socket.emit("floor_event", stale_event, callback=True)
    assert stale["status"] == "rejected" and stale["code"] == "task_not_yours"
