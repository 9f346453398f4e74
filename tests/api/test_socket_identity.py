"""Open sockets follow their login: deactivation, a revoked device, a logout or a role change closes
them within seconds, and the socket is told why (`session.revoked`) before it is closed."""
import pytest

from tests.builders import make_user
from tests.builders_admin import forget_current_user, log_in_as, make_users
from wms.admin import services as admin_services
from wms.auth import identity
from wms.auth.models import Device
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.sockets import sweep_connections


@pytest.fixture
def people(app):
    admin = make_users("admin", 1)[0]
    picker = make_users("picker", 1)[0]
    return admin, picker


def _handheld(app, user, device="HH-1"):
    token = issue_handheld_token(user, register_device(device, user=user))
    forget_current_user()
    socket_client = socketio.test_client(app, auth={"token": token})
    assert socket_client.is_connected()
    return socket_client, token


def _revoked(socket_client):
    """What the server sent as `session.revoked` (read from the queue: a closed test client refuses get_received)."""
    return [m["args"][0] for m in socket_client.queue if m["name"] == "session.revoked"]


def _later(monkeypatch, seconds):
    """Move the identity cache's clock on by `seconds` (past its TTL)."""
    real = identity.time.monotonic
    monkeypatch.setattr(identity.time, "monotonic", lambda: real() + seconds)


def test_deactivating_a_user_closes_their_open_socket_and_tells_it_why(app, people, published):
    _admin, picker = people
    socket_client, _token = _handheld(app, picker)
    admin_services.deactivate(picker.id)
    assert [e["payload"]["reason"] for e in published if e["event"] == "session.revoked"] == ["deactivated"]
    assert sweep_connections()  # the web process's periodic sweep, run now
    assert not socket_client.is_connected()
    told = _revoked(socket_client)
    assert told[-1] == {"reason": "deactivated", "message": "Your account was deactivated by an admin"}


def test_an_event_after_deactivation_is_refused_and_closes_the_socket(app, people, monkeypatch):
    _admin, picker = people
    socket_client, _token = _handheld(app, picker)
    assert "task" in socket_client.emit("get_work", {}, callback=True)  # identity checked and cached
    admin_services.deactivate(picker.id)
    _later(monkeypatch, app.config["SOCKET_IDENTITY_TTL_SECONDS"] + 1)
    answer = socket_client.emit("get_work", {}, callback=True)
    assert answer["status"] == "rejected" and answer["code"] == "forbidden"
    assert not socket_client.is_connected()
    assert _revoked(socket_client)[-1]["reason"] == "deactivated"


def test_revoking_the_device_closes_its_socket_but_not_another_devices(app, people):
    _admin, picker = people
    other_picker = make_user(role="picker", username="pete")
    lost, _ = _handheld(app, picker, "HH-LOST")
    kept, _ = _handheld(app, other_picker, "HH-2")
    admin_services.disable_device(db.session.query(Device).filter_by(code="HH-LOST").one().id)
    assert set(sweep_connections().values()) == {"device_revoked"}
    assert not lost.is_connected() and kept.is_connected()
    assert _revoked(lost)[-1]["reason"] == "device_revoked" and not _revoked(kept)


def test_a_role_change_closes_the_socket_whose_rooms_were_fixed_at_connect(app, people, published):
    _admin, picker = people
    socket_client, _token = _handheld(app, picker)
    admin_services.update_user(picker.id, role="packer")
    assert [e["payload"]["reason"] for e in published if e["event"] == "session.revoked"] == ["role_changed"]
    sweep_connections()
    assert not socket_client.is_connected()
    assert _revoked(socket_client)[-1]["reason"] == "role_changed"


def test_a_handheld_logout_closes_a_socket_opened_with_a_copy_of_its_token(app, people, client):
    _admin, picker = people
    copy, token = _handheld(app, picker)
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    sweep_connections()
    assert not copy.is_connected() and _revoked(copy)[-1]["reason"] == "logged_out"


def test_a_desk_logout_closes_the_desks_socket(app, people, client):
    admin, _picker = people
    log_in_as(client, admin)
    socket_client = socketio.test_client(app, flask_test_client=client)
    assert socket_client.is_connected()
    client.post("/logout")
    sweep_connections()
    assert not socket_client.is_connected()


def test_a_socket_whose_login_holds_stays_open(app, people):
    _admin, picker = people
    socket_client, _token = _handheld(app, picker)
    assert sweep_connections() == {}
    assert socket_client.is_connected() and not _revoked(socket_client)
