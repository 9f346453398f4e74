"""The wall over HTTP and Socket.IO: who may watch, kiosk links, the snapshot, drill-down, live reassign."""
import re

from tests.builders import make_channel, make_order
from tests.builders_admin import forget_current_user, log_in_as
from tests.builders_floor import assigned_task
from wms.dashboard import push, services
from wms.extensions import db, socketio
from wms.picking.models import PickTask


def wall_events(socket_client):
    return [m["args"][0] for m in socket_client.get_received(push.NAMESPACE) if m["name"] == push.EVENT]


def test_the_wall_is_for_supervisors_and_admins_only(client, login):
    assert client.get("/wall/").status_code == 302  # to the login page
    assert client.get("/api/wall/snapshot").status_code in (401, 403)
    login("picker")
    assert client.get("/wall/").status_code == 403
    assert client.get("/api/wall/snapshot").status_code == 403


def test_a_supervisor_sees_the_tv_page_and_the_snapshot(client, login):
    login("supervisor")
    page = client.get("/wall/")
    assert page.status_code == 200 and b"echarts-6.1.0.common.min.js" in page.data and b'data-w="stale"' in page.data
    snap = client.get("/api/wall/snapshot").get_json()
    assert set(snap) >= {"orders", "shipped", "picks", "waves", "cutoffs", "exceptions", "at"}


def test_a_kiosk_link_opens_the_wall_and_nothing_else_until_revoked(app, client, make_user):
    screen, key = services.create_screen("Dock TV", actor=make_user("supervisor", "boss"))
    page = client.get(f"/wall/tv/{key}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/api/wall/snapshot", headers={"X-Wall-Key": key}).status_code == 200
    assert client.get("/wall/desk").status_code == 302  # the key is no login
    assert client.get("/api/wall/snapshot", headers={"X-Wall-Key": key + "x"}).status_code == 403
    services.revoke_screen(screen.id)
    assert client.get(f"/wall/tv/{key}").status_code == 404
    assert client.get("/api/wall/snapshot", headers={"X-Wall-Key": key}).status_code == 403


def test_a_tv_socket_needs_a_live_key_and_hears_wall_metrics(app):
    _screen, key = services.create_screen("Hall TV")
    forget_current_user()
    assert not socketio.test_client(app, namespace=push.NAMESPACE, auth={"key": "guess"}).is_connected(push.NAMESPACE)
    tv = socketio.test_client(app, namespace=push.NAMESPACE, auth={"key": key})
    assert tv.is_connected(push.NAMESPACE)
    make_order(make_channel(), "W1")
    from wms.aftercommit import run_ready

    run_ready(db.session())
    assert wall_events(tv) == []  # the change only marks the wall; the ticker pushes
    push.ticker_for(app).tick()
    events = wall_events(tv)
    assert len(events) == 1 and events[0]["orders"]["by_state"]["imported"] == 1
    tv.disconnect(push.NAMESPACE)


def test_a_supervisor_session_joins_the_wall_namespace(app, client, make_user):
    log_in_as(client, make_user("supervisor", "sup"))
    socket_client = socketio.test_client(app, namespace=push.NAMESPACE, flask_test_client=client)
    assert socket_client.is_connected(push.NAMESPACE)
    socket_client.disconnect(push.NAMESPACE)


def test_the_desk_drills_down_to_waves_pickers_carriers_and_orders(client, login):
    task, picker = assigned_task()
    login("supervisor")
    desk = client.get("/wall/desk").get_data(as_text=True)
    assert f"/waves/{task.wave_id}" in desk and task.code in desk and f"/wall/desk/pickers/{picker.id}" in desk
    assert client.get(f"/wall/desk/pickers/{picker.id}").status_code == 200
    order = db.session.get(PickTask, task.id).lines[0].order
    order.carrier_code = "sf"
    db.session.commit()
    carrier = client.get("/wall/desk/carriers/sf").get_data(as_text=True)
    assert f"/review/orders/{order.id}" in carrier
    assert client.get("/wall/desk/pickers/99999").status_code == 404


def test_a_supervisor_reassigns_a_task_live_and_a_stale_version_gets_a_clear_answer(client, login, make_user, published):
    task, picker = assigned_task()
    other = make_user("picker", "picker2")
    version = task.version
    login("supervisor")
    answer = client.post(f"/api/wall/tasks/{task.id}/assign", json={"picker_id": other.id, "version": version})
    assert answer.status_code == 200 and answer.get_json()["task"]["picker_id"] == other.id
    assert {e["event"] for e in published} >= {"task.withdrawn", "task.assigned"}
    stale = client.post(f"/api/wall/tasks/{task.id}/assign", json={"picker_id": picker.id, "version": version})
    assert stale.status_code == 409 and "changed" in stale.get_json()["message"]
    bad = client.post(f"/api/wall/tasks/{task.id}/assign", json={"picker_id": "someone"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "picker_id"
    db.session.expire_all()
    assert db.session.get(PickTask, task.id).picker_id == other.id


def test_a_kiosk_link_is_made_and_revoked_from_the_desk(client, login):
    login("supervisor")
    page = client.post("/wall/desk/screens", data={"name": "Pack TV"}).get_data(as_text=True)
    assert "/wall/tv/" in page
    refused = client.post("/wall/desk/target", data={"target": "abc"})
    target = re.search(r'<input[^>]*\bid="f-target"[^>]*>', refused.get_data(as_text=True)).group(0)
    assert refused.status_code == 422 and 'aria-invalid="true"' in target and 'value="abc"' in target
    assert services.snapshot()["shipped"]["target"] == services.DEFAULT_TARGET
    unnamed = client.post("/wall/desk/screens", data={"name": "  "})
    name = re.search(r'<input[^>]*\bid="f-name"[^>]*>', unnamed.get_data(as_text=True)).group(0)
    assert unnamed.status_code == 422 and 'aria-invalid="true"' in name
    client.post("/wall/desk/target", data={"target": "250"})
    assert services.snapshot()["shipped"]["target"] == 250
