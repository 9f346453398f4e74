"""The handheld's Socket.IO commands: floor_event acks with the answer, exactly once; get_work."""
from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.picking.models import PickLine


def _socket(app, user, device="dev-1"):
    token = issue_handheld_token(user, register_device(device, user=user))
    return socketio.test_client(app, auth={"token": token})


def test_a_floor_event_over_the_socket_is_acked_and_a_replay_changes_nothing(app):
    task, picker = assigned_task()
    line = task.lines[0]
    client = _socket(app, picker)
    event = pick_event(line)
    first = client.emit("floor_event", event, callback=True)
    again = client.emit("floor_event", event, callback=True)
    assert first["status"] == "accepted" and again == {**first, "duplicate": True}
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 1


def test_a_packer_socket_may_not_get_pick_work(app):
    assigned_task()
    packer = make_user("packer", "pa1")
    answer = _socket(app, packer).emit("get_work", {}, callback=True)
    assert (answer["status"], answer["code"], answer["message"]) == ("rejected", "forbidden", "Your role may not do this")


def test_get_work_over_the_socket_returns_the_pickers_task_with_its_lines(app):
    task, picker = assigned_task()
    answer = _socket(app, picker).emit("get_work", {}, callback=True)
    assert answer["task"]["id"] == task.id
    assert [line["seq"] for line in answer["task"]["lines"]] == [1, 2]
    assert answer["task"]["lines"][0]["sku"]["barcodes"]
