"""A packer reads only the print jobs and labels of the station they work at (signed in at, or
their token's device); supervisors and admins read every station's."""
import pytest

from tests.api.test_station_api import bench, pack_events, replay, sandbox  # noqa: F401  (fixtures)
from tests.builders_admin import log_out, unchanged
from tests.builders_packing import make_station
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db, socketio
from wms.shipping.models import PrintJob


@pytest.fixture
def sealed_at_ps1(client, make_user, bench):  # noqa: F811
    """A parcel sealed at PS-1 by its packer; a second station PS-2 exists. Logged out after."""
    make_station("PS-2")
    packer = make_user("packer", "packer-ps1")
    client.post("/login", data={"username": packer.username, "password": "secret-pass"})
    client.post("/api/station/PS-1/sign-in")
    replay(client, pack_events(bench))
    job = db.session.query(PrintJob).one()
    log_out(client)
    return job


def _as_packer_at(client, make_user, station, username):
    user = make_user("packer", username)
    client.post("/login", data={"username": user.username, "password": "secret-pass"})
    if station:
        assert client.post(f"/api/station/{station}/sign-in").status_code == 200
    return user


@pytest.mark.parametrize("station", ["PS-2", None])
def test_a_packer_elsewhere_reads_neither_the_print_jobs_nor_the_label_of_another_station(
        client, make_user, sealed_at_ps1, station):
    _as_packer_at(client, make_user, station, "packer-other")
    with unchanged():
        assert client.get("/api/station/PS-1/print-jobs").status_code == 403
        assert client.get(f"/shipping/parcels/{sealed_at_ps1.parcel_id}/label.pdf").status_code == 403
        assert client.post(f"/api/station/PS-1/print-jobs/{sealed_at_ps1.id}/printed").status_code == 403
        assert client.post(f"/api/station/PS-1/parcels/{sealed_at_ps1.parcel_id}/reprint").status_code == 403
        if station:  # reprinting PS-1's parcel at my own station would hand me its label
            assert client.post(f"/api/station/{station}/parcels/{sealed_at_ps1.parcel_id}/reprint").status_code == 403
    socket = socketio.test_client(client.application, flask_test_client=client)
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "rejected"


def test_a_packer_at_the_station_reads_its_print_jobs_and_labels(client, make_user, sealed_at_ps1):
    _as_packer_at(client, make_user, "PS-1", "packer-same")
    jobs = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    assert [j["print_job_id"] for j in jobs] == [sealed_at_ps1.id]
    pdf = client.get(jobs[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    socket = socketio.test_client(client.application, flask_test_client=client)
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "joined"


def test_signing_in_at_another_station_ends_the_reading_of_the_first(client, make_user, sealed_at_ps1):
    _as_packer_at(client, make_user, "PS-1", "packer-moves")
    assert client.get("/api/station/PS-1/print-jobs").status_code == 200
    client.post("/api/station/PS-2/sign-in")
    assert client.get("/api/station/PS-1/print-jobs").status_code == 403


def test_a_cookie_from_before_the_sign_in_put_back_by_a_racing_response_keeps_the_sign_in(
        client, make_user, sealed_at_ps1):
    _as_packer_at(client, make_user, None, "packer-race")
    before = client.get_cookie("session").value  # the cookie a response that raced the sign-in carries
    assert client.post("/api/station/PS-1/sign-in").status_code == 200
    client.set_cookie("session", before)  # ... and puts back
    assert client.get("/api/station/PS-1/print-jobs").status_code == 200
    assert client.get(f"/shipping/parcels/{sealed_at_ps1.parcel_id}/label.pdf").status_code == 200


def test_a_socket_connected_before_the_sign_in_joins_the_station_it_signed_in_at(client, make_user, sealed_at_ps1):
    _as_packer_at(client, make_user, None, "packer-socket-first")
    socket = socketio.test_client(client.application, flask_test_client=client)  # its session copy: no station
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "rejected"
    client.post("/api/station/PS-1/sign-in")
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "joined"
    client.post("/api/station/PS-2/sign-in")  # moved on: the first station's room is refused again
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "rejected"


def test_a_new_login_starts_signed_in_nowhere(client, make_user, sealed_at_ps1):
    user = _as_packer_at(client, make_user, "PS-1", "packer-twice")
    log_out(client)
    client.post("/login", data={"username": user.username, "password": "secret-pass"})
    assert client.get("/api/station/PS-1/print-jobs").status_code == 403


def test_a_supervisor_reads_every_station(client, login, sealed_at_ps1):
    login("supervisor")
    assert len(client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]) == 1
    assert client.get(f"/shipping/parcels/{sealed_at_ps1.parcel_id}/label.pdf").status_code == 200


def test_signing_in_at_an_unknown_station_is_404_and_grants_nothing(client, make_user, sealed_at_ps1):
    _as_packer_at(client, make_user, None, "packer-lost")
    assert client.post("/api/station/NOPE/sign-in").status_code == 404
    assert client.get("/api/station/NOPE/print-jobs").status_code == 403


def test_a_station_token_reads_the_print_jobs_of_the_station_its_device_names(app, make_user, sealed_at_ps1):
    from flask import g

    packer = make_user("packer", "packer-token")
    token_ps1 = issue_handheld_token(packer, register_device("PS-1", kind="station", user=packer))
    token_hh = issue_handheld_token(packer, register_device("HH-9", user=packer))
    fresh = app.test_client()
    for token, status in ((token_ps1, 200), (token_hh, 403)):
        g.pop("_login_user", None)
        g.pop("device_code", None)
        assert fresh.get("/api/station/PS-1/print-jobs", headers={"Authorization": f"Bearer {token}"}).status_code == status
