"""Hostile floor events, thrown at every way in (the handheld's socket and REST replay, the pack
station's REST replay): each gets an answer, the events after them are applied, nothing answers 500
and nothing leaves a traceback in the log. tests/postgres runs the same tests on PostgreSQL."""
import logging

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event
from tests.builders_packing import event as pack_event, picked_order
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.packing.models import PackSession
from wms.picking.models import FloorEvent, PickLine

RUNS = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BROKEN_TEXT = st.one_of(
    st.text(max_size=5).map(lambda s: s + "\x00"),                                          # NUL byte
    st.builds(lambda a, c: a + c, st.text(max_size=5), st.characters(categories=["Cs"])),  # lone surrogate
    st.integers(65, 400).map(lambda n: "B" * n),                                           # past the column
)
BAD_INT = st.sampled_from([2**31, 2**63, 2**64 + 1, -(2**63), "1", 1.5, float("nan"), float("inf"), True, [1], {}])


def hostile_pick(line):
    """A pick event with one field made hostile; each must be refused (nothing picked)."""
    good = lambda: pick_event(line)  # noqa: E731 - a fresh uuid per draw
    swap = lambda field, values: st.builds(lambda v: {**good(), field: v}, values)  # noqa: E731
    return st.one_of(
        swap("line_id", st.one_of(BAD_INT, st.sampled_from([0, -1, 2**31 - 1]))),
        swap("qty", st.one_of(BAD_INT, st.sampled_from([0, -1, 2**31 - 1, -(2**31) + 1]))),
        swap("bin", st.one_of(BROKEN_TEXT, st.sampled_from([123, ["B"], {"a": 1}]))),
        swap("barcode", st.one_of(BROKEN_TEXT, st.sampled_from([6900, ["x"]]))),
        swap("kind", st.one_of(BROKEN_TEXT, st.sampled_from(["fly", "", "pick " * 10, 7]))),
        swap("uuid", st.one_of(BROKEN_TEXT, st.sampled_from([None, "", "short", "u" * 37, 12345678, ["x"]]))),
        swap("seq", BAD_INT),
        swap("junk", st.sampled_from(["x" * 900_000, [[[[["deep"]]]]], list(range(2000))])),
        st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3)),  # not an object
    )


class Tracebacks(logging.Handler):
    """Every ERROR record and every record carrying a traceback, from any logger."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or record.exc_info:
            self.seen.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def tracebacks(app):
    handler = Tracebacks()
    logging.getLogger().addHandler(handler)
    yield handler.seen
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def unlimited(app):
    """These tests are about shapes, not rates (test_floor_limits covers those)."""
    app.config.update(FLOOR_SOCKET_EVENTS_PER_S=0, FLOOR_TOKEN_EVENTS_PER_S=0)
    app.extensions.pop("wms.floor_limits", None)


def picked_qty(line_id):
    db.session.rollback()
    return db.session.get(PickLine, line_id, populate_existing=True).picked_qty


def a_big_line():
    task, picker = assigned_task((("H1", [("SKU-0", 50)]),))
    return task.lines[0], picker


def assert_answered(answer, expect_uuid=None):
    assert isinstance(answer, dict) and answer["status"] in ("accepted", "rejected"), answer
    assert answer.get("code") not in ("server_error", "server_busy"), answer
    if expect_uuid is not None:
        assert answer["uuid"] == expect_uuid


def test_hostile_events_over_the_socket_are_each_answered_and_the_next_scan_still_applies(app, unlimited, tracebacks):
    line, picker = a_big_line()
    client = socketio.test_client(app, auth={"token": issue_handheld_token(picker, register_device("dev-1"))})

    @RUNS
    @given(st.lists(hostile_pick(line), min_size=1, max_size=3), st.booleans())
    def run(hostile, extra_argument):
        before = picked_qty(line.id)
        first, last = pick_event(line), pick_event(line)
        assert_answered(client.emit("floor_event", first, callback=True), first["uuid"])
        for event in hostile:
            args = (event, "one more argument") if extra_argument else (event,)
            answer = client.emit("floor_event", *args, callback=True)
            assert_answered(answer)
            assert answer["status"] == "rejected", (event, answer)
        answer = client.emit("floor_event", last, callback=True)
        assert answer["status"] == "accepted" and answer["uuid"] == last["uuid"]
        assert picked_qty(line.id) == before + 2

    run()
    assert client.is_connected()
    assert tracebacks == []


def handheld_token(client, username, device="HH-T-1"):
    g.pop("_login_user", None)
    response = client.post("/api/auth/handheld", json={"username": username, "pin": "482915", "device": device})
    assert response.status_code == 200, response.json
    return response.json["token"]


def post(client, path, token=None, **kwargs):
    g.pop("_login_user", None)
    g.pop("device_code", None)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, headers=headers, **kwargs)


def test_a_rest_replay_with_hostile_events_in_the_middle_answers_each_and_applies_the_ones_after(
        app, client, unlimited, tracebacks):
    line, picker = a_big_line()
    token = handheld_token(client, picker.username)

    @RUNS
    @given(st.lists(hostile_pick(line), min_size=1, max_size=4))
    def run(hostile):
        before = picked_qty(line.id)
        batch = [pick_event(line), *hostile, pick_event(line)]
        response = post(client, "/api/handheld/events", token, json={"events": batch})
        assert response.status_code == 200, response.data
        answers = response.get_json()["answers"]
        assert len(answers) == len(batch)
        for answer in answers:
            assert_answered(answer)
        assert [a["status"] for a in answers] == ["accepted"] + ["rejected"] * len(hostile) + ["accepted"]
        assert answers[-1]["uuid"] == batch[-1]["uuid"]
        assert picked_qty(line.id) == before + 2

    run()
    assert tracebacks == []


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", b'"events"', b'{"events": "all of them"}', b'{"events": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}",
    b'{"events": [' + b",".join([b'{"uuid": "x"}'] * 501) + b"]}",
])
def test_a_malformed_replay_body_is_answered_not_a_server_error(app, client, unlimited, tracebacks, body):
    _line, picker = a_big_line()
    token = handheld_token(client, picker.username)
    response = post(client, "/api/handheld/events", token, data=body, content_type="application/json")
    assert response.status_code == 200, response.data
    [answer] = response.get_json()["answers"]
    assert answer["code"] == "bad_event"
    assert tracebacks == []


def test_a_replay_body_past_the_size_cap_is_refused_whole_with_413(app, client, unlimited, tracebacks):
    _line, picker = a_big_line()
    token = handheld_token(client, picker.username)
    response = post(client, "/api/handheld/events", token, data=b'{"events": ["' + b"x" * 3_000_000 + b'"]}',
                    content_type="application/json")
    assert response.status_code == 413
    assert db.session.query(FloorEvent).count() == 0
    assert tracebacks == []


def hostile_pack_scan(order_id):
    good = lambda: pack_event("pack_scan", order_id=order_id, barcode="6901000000011", station="PS-1")  # noqa: E731
    swap = lambda field, values: st.builds(lambda v: {**good(), field: v}, values)  # noqa: E731
    return st.one_of(
        swap("order_id", st.one_of(BAD_INT, st.sampled_from([0, 2**31 - 1]))),
        swap("qty", st.one_of(BAD_INT, st.sampled_from([0, -1]))),
        swap("barcode", st.one_of(BROKEN_TEXT, st.sampled_from([6901, ["x"], "6901000000028"]))),
        swap("station", BROKEN_TEXT),
        swap("kind", st.sampled_from(["seal", "\x00", "k" * 40])),  # a seal with nothing sealable
        swap("junk", st.sampled_from(["x" * 900_000])),
        st.one_of(st.none(), st.text(max_size=10)),
    )


def test_the_pack_stations_replay_with_hostile_events_answers_each_and_applies_the_ones_after(
        app, client, unlimited, tracebacks):
    packer = make_user("packer", "packer1")
    token = issue_handheld_token(packer, register_device("PS-HH-1"))
    counter = iter(range(10_000))

    @RUNS
    @given(st.data())
    def run(data):
        order = picked_order(external_id=f"P{next(counter)}", lines=(("SKU-A", 2),))
        hostile = data.draw(st.lists(hostile_pack_scan(order.id), min_size=1, max_size=3))
        scan = lambda: pack_event("pack_scan", order_id=order.id, barcode="6901000000011", station="PS-1")  # noqa: E731
        batch = [scan(), *hostile, scan()]
        response = post(client, "/api/station/events", token, json={"station": "PS-1", "events": batch})
        assert response.status_code == 200, response.data
        answers = response.get_json()["answers"]
        for answer in answers:
            assert_answered(answer)
        assert [a["status"] for a in answers] == ["accepted"] + ["rejected"] * len(hostile) + ["accepted"], answers
        assert answers[-1]["code"] == "pack_complete"
        db.session.rollback()
        assert db.session.query(PackSession).filter_by(order_id=order.id).one().verified == {"SKU-A": 2}

    run()
    assert tracebacks == []


@pytest.mark.parametrize("station", ["PS\x00-1", "PS-\ud800", "P" * 65, 7, ["PS-1"]])
def test_a_hostile_station_code_is_a_clear_422_and_nothing_is_stored(app, client, unlimited, tracebacks, station):
    packer = make_user("packer", "packer1")
    token = issue_handheld_token(packer, register_device("PS-HH-1"))
    response = post(client, "/api/station/events", token,
                    json={"station": station, "events": [pack_event("pack_scan", order_id=1, barcode="1")]})
    assert response.status_code == 422 and response.get_json()["field"] == "station"
    assert db.session.query(FloorEvent).count() == 0
    assert tracebacks == []


def test_the_same_uuid_from_another_picker_is_a_conflict_not_their_answer(app, client, unlimited):
    line, picker = a_big_line()
    other = make_user("picker", "picker2")
    mine = pick_event(line)
    first = socketio.test_client(app, auth={"token": issue_handheld_token(picker, register_device("dev-1"))})
    theirs = socketio.test_client(app, auth={"token": issue_handheld_token(other, register_device("dev-2"))})
    answer = first.emit("floor_event", mine, callback=True)
    stolen = theirs.emit("floor_event", mine, callback=True)
    assert answer["status"] == "accepted"
    assert stolen["status"] == "rejected" and stolen["code"] == "uuid_conflict" and stolen["uuid"] == mine["uuid"]
    assert "line" not in stolen and stolen.get("duplicate") is None
    assert first.emit("floor_event", mine, callback=True) == {**answer, "duplicate": True}
    assert picked_qty(line.id) == 1


def test_the_same_uuid_from_the_same_picker_on_another_device_is_a_conflict_too(app, client, unlimited):
    line, picker = a_big_line()
    mine = pick_event(line)
    on_one = socketio.test_client(app, auth={"token": issue_handheld_token(picker, register_device("dev-1"))})
    on_two = socketio.test_client(app, auth={"token": issue_handheld_token(picker, register_device("dev-2"))})
    assert on_one.emit("floor_event", mine, callback=True)["status"] == "accepted"
    assert on_two.emit("floor_event", mine, callback=True)["code"] == "uuid_conflict"
    assert picked_qty(line.id) == 1


def test_an_unexpected_failure_in_a_handler_is_a_stored_server_error_and_the_next_event_applies(
        app, client, unlimited, monkeypatch):
    from wms.picking import floor

    line, picker = a_big_line()
    records = Tracebacks()
    logging.getLogger("wms.floor").addHandler(records)

    def broken(user, event, line=None):
        raise RuntimeError("a bug")

    monkeypatch.setitem(floor.HANDLERS, "pick", broken)  # (not line_events.pick: no quick path on PostgreSQL)
    bad = pick_event(line)
    token = handheld_token(client, picker.username)
    answers = post(client, "/api/handheld/events", token, json={"events": [bad]}).get_json()["answers"]
    monkeypatch.undo()
    good = pick_event(line)
    answers += post(client, "/api/handheld/events", token, json={"events": [good, bad]}).get_json()["answers"]
    logging.getLogger("wms.floor").removeHandler(records)
    assert [(a["status"], a["code"]) for a in answers] == [("rejected", "server_error"), ("accepted", "picked"),
                                                           ("rejected", "server_error")]
    assert answers[2]["duplicate"] is True  # stored: a replay gets the same answer
    assert any(bad["uuid"] in seen for seen in records.seen)
    assert picked_qty(line.id) == 1
    stored = db.session.query(FloorEvent).filter_by(uuid=bad["uuid"]).one()
    assert stored.accepted is False and stored.answer["code"] == "server_error"


def test_unknown_fields_are_dropped_before_the_event_is_stored_on_either_path(app, unlimited):
    from wms.picking import floor

    line, picker = a_big_line()
    # the first pick starts the task (general path); the second is a common scan (PostgreSQL: wms.picking.quick)
    events = [{**pick_event(line), "junk": "x" * 3000, "nested": {"a": [1, 2]}} for _ in range(2)]
    for event in events:
        db.session.commit()  # as a socket handler starts: no transaction open
        assert floor.apply_event(picker, "dev-1", event)["status"] == "accepted"
    for event in events:
        stored = db.session.query(FloorEvent).filter_by(uuid=event["uuid"]).one()
        assert set(stored.payload) == {"uuid", "kind", "seq", "line_id", "qty", "bin", "barcode"}


def test_get_work_with_extra_arguments_is_still_answered(app, unlimited):
    _line, picker = a_big_line()
    client = socketio.test_client(app, auth={"token": issue_handheld_token(picker, register_device("dev-1"))})
    answer = client.emit("get_work", {}, "extra", 3, callback=True)
    assert "task" in answer



def test_join_station_answers_extra_arguments_and_hostile_codes(app, client, login, tracebacks):
    from tests.builders_packing import make_station

    make_station("PS-1")
    login("packer")
    client.post("/api/station/PS-1/sign-in")
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.emit("join_station", {"station": "PS-1"}, "extra", 3, callback=True)["status"] == "joined"
    for hostile in ({"station": "PS\x00"}, {"station": "\ud800"}, {"station": 7}, "PS-1", None, [1]):
        answer = socket.emit("join_station", hostile, callback=True)
        assert isinstance(answer, dict) and answer["status"] in ("joined", "rejected")
    assert tracebacks == []
