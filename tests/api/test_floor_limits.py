"""Rate limits per socket and per token (FLOOR_SOCKET_* / FLOOR_TOKEN_*): a flood is answered
`rate_limited` without touching the database, other handhelds go on, and the refused events go
through once resent after the wait."""
import pytest
from flask import g

from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event
from wms import floor_limits
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.picking.models import FloorEvent, PickLine


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(app):
    """Limits of 1/s with bursts of 3 per socket and 5 per token, on a clock the test moves."""
    app.config.update(FLOOR_SOCKET_EVENTS_PER_S=1, FLOOR_SOCKET_EVENTS_BURST=3,
                      FLOOR_TOKEN_EVENTS_PER_S=1, FLOOR_TOKEN_EVENTS_BURST=5, FLOOR_REFUSAL_DELAY_MS=0)
    app.extensions.pop("wms.floor_limits", None)
    fake = Clock()
    for limiter in floor_limits._limiters(app):
        limiter.clock = fake
    return fake


def two_pickers():
    task, picker = assigned_task((("H1", [("SKU-0", 40)]), ("H2", [("SKU-1", 40)])), tote_slots=1)
    other = make_user("picker", "picker2")
    from wms.picking import services

    other_task = services.assign_next_task(other, "dev-2")
    return (task.lines[0], picker), (other_task.lines[0], other)


def socket_for(app, user, device):
    return socketio.test_client(app, auth={"token": issue_handheld_token(user, register_device(device))})


def rows():
    db.session.rollback()
    return db.session.query(FloorEvent).count()


def test_a_flooding_socket_is_answered_rate_limited_with_no_row_per_event_while_another_goes_on(app, clock):
    (line, picker), (other_line, other) = two_pickers()
    flooder, neighbour = socket_for(app, picker, "dev-1"), socket_for(app, other, "dev-2")
    flood = [pick_event(line) for _ in range(40)]
    answers = [flooder.emit("floor_event", event, callback=True) for event in flood]
    assert [a["status"] for a in answers[:3]] == ["accepted"] * 3
    refused = answers[3:]
    assert {(a["status"], a["code"]) for a in refused} == {("rejected", "rate_limited")}
    assert [a["uuid"] for a in refused] == [e["uuid"] for e in flood[3:]]
    assert all(a["retry_after"] > 0 and a["values"]["seconds"] >= 1 for a in refused)
    assert rows() == 3  # the 37 refused cost no row
    assert neighbour.emit("floor_event", pick_event(other_line), callback=True)["status"] == "accepted"
    clock.now += 1.0  # one more token: the first refused event goes through when resent
    assert flooder.emit("floor_event", flood[3], callback=True)["status"] == "accepted"
    assert db.session.get(PickLine, line.id, populate_existing=True).picked_qty == 4


def test_a_new_socket_with_the_same_token_shares_the_tokens_budget(app, clock):
    (line, picker), _ = two_pickers()
    token = issue_handheld_token(picker, register_device("dev-1"))
    answers = []
    for _ in range(3):  # three sockets (reconnects) of one handheld: 5 for the token in all
        client = socketio.test_client(app, auth={"token": token})
        answers += [client.emit("floor_event", pick_event(line), callback=True)["code"] for _ in range(3)]
    assert answers.count("picked") == 5 and answers.count("rate_limited") == 4


def handheld_token(client, username, device):
    g.pop("_login_user", None)
    response = client.post("/api/auth/handheld", json={"username": username, "pin": "482915", "device": device})
    return response.json["token"]


def replay(client, token, events):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    response = client.post("/api/handheld/events", headers={"Authorization": f"Bearer {token}"},
                           json={"events": events})
    assert response.status_code == 200
    return response.get_json()["answers"]


def test_a_rest_replay_past_the_tokens_burst_applies_the_first_in_order_and_the_rest_on_resend(app, client, clock):
    (line, picker), _ = two_pickers()
    token = handheld_token(client, picker.username, "dev-1")
    batch = [pick_event(line) for _ in range(8)]
    answers = replay(client, token, batch)
    assert [a["code"] for a in answers] == ["picked"] * 5 + ["rate_limited"] * 3
    assert rows() == 5
    clock.now += 3.0
    again = replay(client, token, batch[5:])
    assert [a["code"] for a in again] == ["picked"] * 3 and not any(a.get("duplicate") for a in again)
    assert db.session.get(PickLine, line.id, populate_existing=True).picked_qty == 8


def test_a_refusal_is_held_back_before_it_is_answered(app, clock, monkeypatch):
    (line, picker), _ = two_pickers()
    app.config["FLOOR_REFUSAL_DELAY_MS"] = 300
    slept = []
    monkeypatch.setattr(socketio.server, "sleep", slept.append)
    client = socket_for(app, picker, "dev-1")
    codes = [client.emit("floor_event", pick_event(line), callback=True)["code"] for _ in range(5)]
    assert codes == ["picked"] * 3 + ["rate_limited"] * 2
    assert slept == [0.3, 0.3]  # only the refusals waited

