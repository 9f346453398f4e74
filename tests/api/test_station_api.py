"""Station page, station API (outbox replay, print jobs, reprint), shipping pages, station room."""
from datetime import timedelta

import pytest

from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_packing import event, make_cartons, make_carrier, make_station, picked_order
from wms.extensions import db, socketio
from wms.shipping import print_jobs as label_print_jobs
from wms.shipping.models import Carrier, Parcel, PrintJob
from wms.shipping.stations import find_station
from wms.timeutil import utcnow


@pytest.fixture
def bench(app, sandbox):
    make_carrier("SF", settings=sandbox.settings())
    make_cartons()
    make_station("PS-1")
    return picked_order()


def replay(client, events, station="PS-1"):
    response = client.post("/api/station/events", json={"station": station, "events": events})
    assert response.status_code == 200, response.data
    return response.get_json()["answers"]


def pack_events(order, weight=950):
    scans = [event("pack_scan", order_id=order.id, barcode=code, station="PS-1")
             for code in ("6901000000011", "6901000000011", "6901000000028")]
    return scans + [event("seal", order_id=order.id, carton="C2", weight_g=weight, station="PS-1")]


def test_the_station_page_ships_the_stations_and_the_message_catalogue(client, login, bench):
    login("packer")
    page = client.get("/station/").get_data(as_text=True)
    assert 'id="station-config"' in page and "PS-1" in page and "pack_wrong_item" in page
    assert "/static/station/station.js" in page


def test_pickers_cannot_open_the_station(client, login, bench):
    login("picker")
    assert client.get("/station/").status_code == 403
    assert client.post("/api/station/events", json={"station": "PS-1", "events": []}).status_code == 403


def test_an_offline_outbox_replays_in_order_and_a_second_replay_changes_nothing(client, login, bench, published):
    login("packer")
    events = pack_events(bench)
    answers = replay(client, events)
    assert [a["status"] for a in answers] == ["accepted"] * 4
    assert answers[-1]["code"] == "pack_sealed"
    again = replay(client, events)
    assert all(a["duplicate"] for a in again)
    parcel = db.session.query(Parcel).one()
    assert parcel.status == "labelled"
    ready = [e for e in published if e["event"] == "label.ready"]
    assert len(ready) == 1 and ready[0]["room"] == "station:PS-1"


def test_events_without_a_station_are_refused(client, login, bench):
    login("packer")
    response = client.post("/api/station/events", json={"events": []})
    assert response.status_code == 422 and response.get_json()["field"] == "station"


def test_print_jobs_are_listed_until_the_browser_printed_them(client, login, bench):
    login("packer")
    assert client.post("/api/station/PS-1/sign-in").get_json() == {"station": "PS-1"}
    replay(client, pack_events(bench))
    jobs = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    assert len(jobs) == 1 and jobs[0]["tracking_number"].startswith("SF")
    pdf = client.get(jobs[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    client.post(f"/api/station/PS-1/print-jobs/{jobs[0]['print_job_id']}/printed")
    assert client.get("/api/station/PS-1/print-jobs").get_json()["jobs"] == []
    reprint = client.post(f"/api/station/PS-1/parcels/{jobs[0]['parcel_id']}/reprint").get_json()
    assert reprint["status"] == "ready" and db.session.query(PrintJob).count() == 2


def test_a_label_sent_straight_to_the_network_printer_is_in_the_catch_up_list_until_it_is_old(
        client, login, bench, monkeypatch):
    sent = []
    monkeypatch.setattr(label_print_jobs, "send_zpl", lambda host, zpl, port, timeout: sent.append(zpl))
    find_station("PS-1").printer_host = "10.0.0.9"
    db.session.commit()
    login("packer")
    client.post("/api/station/PS-1/sign-in")
    replay(client, pack_events(bench))  # labelled and sent to the printer within the seal's request
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    parcel = db.session.query(Parcel).one()
    assert (job["status"], job["tracking_number"], job["parcel_id"]) == ("sent", parcel.tracking_number, parcel.id)
    assert len(sent) == 1 and db.session.get(PrintJob, job["print_job_id"]).status == "sent"  # read, not sent again
    too_old = utcnow() - label_print_jobs.SENT_CATCH_UP - timedelta(minutes=1)
    db.session.get(PrintJob, job["print_job_id"]).done_at = too_old
    db.session.commit()
    assert client.get("/api/station/PS-1/print-jobs").get_json()["jobs"] == []
    assert len(sent) == 1


def test_the_page_asks_where_a_sealed_parcels_label_stands_when_the_carrier_refused_it(client, login, bench, sandbox):
    login("packer")
    client.post("/api/station/PS-1/sign-in")
    sandbox.fail_next("address_rejected")  # the carrier refuses: a person must fix the address
    replay(client, pack_events(bench))
    parcel = db.session.query(Parcel).one()
    refused = client.get(f"/api/station/PS-1/parcels/{parcel.id}/label").get_json()
    assert (refused["status"], refused["failure_kind"]) == ("waybill_failed", "permanent")
    assert (refused["job"]["status"], refused["job"]["tracking_number"]) == ("queued", None)  # waits for a label
    assert "address_rejected" in refused["waybill_error"]


def test_a_labelled_parcel_answers_its_print_job_to_its_station_only(client, login, bench):
    make_station("PS-2")
    login("packer")
    client.post("/api/station/PS-1/sign-in")
    replay(client, pack_events(bench))
    parcel = db.session.query(Parcel).one()
    labelled = client.get(f"/api/station/PS-1/parcels/{parcel.id}/label").get_json()
    assert (labelled["status"], labelled["waybill_error"], labelled["failure_kind"]) == ("labelled", "", "")
    job = labelled["job"]
    assert (job["parcel_id"], job["status"], job["tracking_number"]) == (parcel.id, "ready", parcel.tracking_number)
    client.post(f"/api/station/PS-1/print-jobs/{job['print_job_id']}/printed")
    assert client.get(f"/api/station/PS-1/parcels/{parcel.id}/label").get_json()["job"]["status"] == "printed"
    client.post("/api/station/PS-2/sign-in")
    assert client.get(f"/api/station/PS-2/parcels/{parcel.id}/label").status_code == 403  # sealed at PS-1
    assert client.get(f"/api/station/PS-1/parcels/{parcel.id}/label").status_code == 403  # not signed in there
    client.post("/api/station/PS-1/sign-in")
    assert client.get("/api/station/PS-1/parcels/999999/label").status_code == 404


def test_lookup_finds_the_pack_task_by_order_number(client, login, bench):
    login("packer")
    body = client.get("/api/station/lookup?code=P1001").get_json()
    assert body["order_id"] == bench.id and body["suggested_carton"] == "C2"
    assert client.get("/api/station/lookup?code=nope").status_code == 404


def test_the_failed_queue_shows_the_reason_and_retry_gets_the_same_single_waybill(client, login, bench, sandbox):
    sandbox.fail_next("address_rejected")
    login("packer", "packer1")
    replay(client, pack_events(bench))
    client.post("/logout")
    login("supervisor")
    page = client.get("/shipping/waybills/failed").get_data(as_text=True)
    assert "address_rejected" in page and "P1001" in page
    parcel = db.session.query(Parcel).one()
    response = client.post(f"/shipping/parcels/{parcel.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "labelled" and len(sandbox.waybills) == 1


def test_admin_saves_a_carrier_and_a_bad_cutoff_changes_nothing(client, login, bench):
    login("admin")
    client.post("/shipping/carriers", data={"code": "ZTO", "name": "中通", "cutoffs": "16:00, 18:30",
                                            "adapter": "kuaidi100", "s.kuaidi100.base_cents": "5.00", "active": "1"})
    zto = db.session.query(Carrier).filter_by(code="ZTO").one()
    assert zto.cutoffs == ["16:00", "18:30"] and zto.settings == {"base_cents": 500, "adapter": "kuaidi100"}
    client.post("/shipping/carriers", data={"code": "ZTO", "name": "x", "cutoffs": "25:99", "settings": "{}"})
    db.session.expire_all()
    assert db.session.query(Carrier).filter_by(code="ZTO").one().name == "中通"
    assert "中通" in client.get("/shipping/carriers").get_data(as_text=True)


def test_a_reviewer_sees_the_rules_choice_and_changes_the_carrier(client, login, bench):
    make_carrier("ZTO", name="中通快递", settings={"base_cents": 100})
    reviewer = login("reviewer")
    page = client.get(f"/shipping/orders/{bench.id}/carrier").get_data(as_text=True)
    assert "ZTO" in page and "cheapest" in page
    reviewer.locale = "zh_CN"
    db.session.commit()
    chinese = client.get(f"/shipping/orders/{bench.id}/carrier").get_data(as_text=True)
    assert "最便宜" in chinese and "cheapest" not in chinese
    client.post(f"/shipping/orders/{bench.id}/carrier", data={"carrier_code": "ZTO"})
    db.session.expire_all()
    assert db.session.get(type(bench), bench.id).carrier_code == "ZTO"


def test_admin_sets_up_a_station_with_a_network_printer(client, login, app):
    login("admin")
    client.post("/station/setup/station", data={"code": "PS-9", "name": "Bench 9", "printer_host": "10.0.0.9",
                                                "printer_port": "9100", "paper": "76x130"})
    page = client.get("/station/setup").get_data(as_text=True)
    assert "PS-9" in page and "10.0.0.9:9100" in page


def test_a_packer_socket_joins_its_station_room_and_receives_label_ready(client, login, bench):
    login("packer")
    client.post("/api/station/PS-1/sign-in")
    socket = socketio.test_client(client.application, flask_test_client=client)
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "joined"
    replay(client, pack_events(bench))
    received = [m for m in socket.get_received() if m["name"] == "label.ready"]
    assert received and received[0]["args"][0]["tracking_number"].startswith("SF")


def test_a_picker_socket_may_not_join_a_station(client, login, bench):
    login("picker")
    socket = socketio.test_client(client.application, flask_test_client=client)
    assert socket.emit("join_station", {"station": "PS-1"}, callback=True)["status"] == "rejected"


def test_a_supervisor_finds_a_parcel_reprints_and_voids_its_label(client, login, bench, sandbox):
    login("packer", "packer1")
    replay(client, pack_events(bench))
    client.post("/logout")
    login("supervisor")
    parcel = db.session.query(Parcel).one()
    page = client.get(f"/shipping/parcels?q={parcel.tracking_number}").get_data(as_text=True)
    assert parcel.tracking_number in page and "Void label" in page
    client.post(f"/shipping/parcels/{parcel.id}/reprint")
    assert db.session.query(PrintJob).count() == 2
    client.post(f"/shipping/parcels/{parcel.id}/void", data={"reason": "wrong address"})
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "voided"
    assert sandbox.waybills[parcel.tracking_number]["status"] == "cancelled"
