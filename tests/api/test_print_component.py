"""Printing through a station's print component (CAINIAO protocol): the task the API hands the page,
sent to the sandbox component over a real WebSocket, its answer recorded back; the not-printed list
and its reprint; the batch print service; the station form's component settings."""
import json
import uuid

import pytest
from simple_websocket import Client

from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_packing import event, make_cartons, make_carrier, make_station, picked_order
from wms.extensions import db
from wms.shipping import print_component, print_queue
from wms.shipping.models import PackStation, PrintJob
from wms.shipping.print_sandbox import PRINTER, PrintSandbox

TEMPLATE = "https://cloudprint.cainiao.com/template/custom/wms-100x150"


@pytest.fixture
def component(tmp_path):
    box = PrintSandbox(tmp_path / "printed").start()
    yield box
    box.stop()


@pytest.fixture
def bench(app, sandbox, component):  # noqa: F811
    make_carrier("SF", settings=sandbox.settings())
    make_cartons()
    make_station("PS-1", print_component_url=component.url, print_component_template=TEMPLATE)
    return picked_order()


def seal(client, order):
    scans = [event("pack_scan", order_id=order.id, barcode=code, station="PS-1")
             for code in ("6901000000011", "6901000000011", "6901000000028")]
    events = scans + [event("seal", order_id=order.id, carton="C2", weight_g=950, station="PS-1")]
    answers = client.post("/api/station/events", json={"station": "PS-1", "events": events}).get_json()["answers"]
    assert [a["status"] for a in answers] == ["accepted"] * 4


def send_to_component(url, task, timeout=5):
    """What the page does: send the task, read until the component's final word on it (or its silence)."""
    ws = Client.connect(url + "/")
    try:
        ws.send(json.dumps(print_component.print_request(uuid.uuid4().hex, task["taskID"], task["documents"],
                                                         task["printer"])))
        outcomes = []
        while True:
            text = ws.receive(timeout)
            if text is None:
                return outcomes
            outcome = print_component.parse_message(text)
            outcomes.append(outcome)
            if outcome.task_id == task["taskID"] and outcome.final:
                return outcomes
    finally:
        ws.close()


def report(client, job_id, outcome, error=""):
    response = client.post(f"/api/station/PS-1/print-jobs/{job_id}/outcome", json={"outcome": outcome, "error": error})
    assert response.status_code == 200, response.data
    return response.get_json()


def packer_at_station(client, login):
    login("packer")
    assert client.post("/api/station/PS-1/sign-in").status_code == 200


def test_a_label_prints_through_the_component_and_the_server_records_it_printed(client, login, bench, component):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    task = job["task"]
    assert task["taskID"] == f"wms-{job['print_job_id']}" and task["printer"] == ""
    [document] = task["documents"]
    assert document["documentID"] == job["tracking_number"]
    assert document["contents"][0]["templateURL"] == TEMPLATE

    taken, notice = send_to_component(component.url, task)
    assert taken.cmd == "print" and taken.ok and not taken.final
    report(client, job["print_job_id"], "submitted")
    assert notice.cmd == "notifyPrintResult" and notice.ok and notice.final
    assert report(client, job["print_job_id"], "printed")["status"] == "printed"

    [written] = component.printed_files()
    assert written.name == f"{job['tracking_number']}.json" and written.parent.name == task["taskID"]
    data = json.loads(written.read_text(encoding="utf-8"))["contents"][0]["data"]
    assert data["waybillCode"] == job["tracking_number"] and data["orderNo"] == "P1001"
    assert "*" in data["recipient"]["name"] and "****" in data["recipient"]["mobile"]  # 隐私面单 as the label prints
    assert client.get("/api/station/PS-1/not-printed").get_json()["jobs"] == []


def test_paper_out_keeps_the_label_in_the_not_printed_list_until_a_reprint_prints(client, login, bench, component):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    component.fail_next("paper_out")
    taken, notice = send_to_component(component.url, job["task"])
    assert taken.ok and not notice.ok and "缺纸" in notice.message
    report(client, job["print_job_id"], "submitted")
    report(client, job["print_job_id"], "failed", notice.message)
    assert component.printed_files() == []

    [listed] = client.get("/api/station/PS-1/not-printed").get_json()["jobs"]
    assert listed["print_job_id"] == job["print_job_id"] and listed["status"] == "failed"
    assert "缺纸" in listed["error"] and listed["task"]["taskID"] == job["task"]["taskID"]

    again = client.post(f"/api/station/PS-1/parcels/{job['parcel_id']}/reprint").get_json()
    [listed] = client.get("/api/station/PS-1/not-printed").get_json()["jobs"]
    assert listed["print_job_id"] == again["print_job_id"] and listed["status"] == "ready"
    fresh = client.get(f"/api/station/PS-1/print-jobs/{again['print_job_id']}").get_json()
    assert send_to_component(component.url, fresh["task"])[-1].ok
    report(client, again["print_job_id"], "printed")
    assert client.get("/api/station/PS-1/not-printed").get_json()["jobs"] == []
    assert len(component.printed_files()) == 1


def test_a_task_the_component_never_confirms_stays_not_printed(client, login, bench, component):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    component.fail_next("silent")
    [taken] = send_to_component(component.url, job["task"], timeout=0.5)
    assert taken.ok and not taken.final
    report(client, job["print_job_id"], "submitted")
    [listed] = client.get("/api/station/PS-1/not-printed").get_json()["jobs"]
    assert listed["status"] == "submitted"
    assert client.get("/api/station/PS-1/print-jobs").get_json()["jobs"] == []  # not sent again by itself


def test_an_offline_printer_refuses_the_task_and_a_named_printer_must_exist(client, login, bench, component):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    component.fail_next("offline")
    [refused] = send_to_component(component.url, job["task"])
    assert refused.cmd == "print" and not refused.ok and refused.final and "脱机" in refused.message
    [refused] = send_to_component(component.url, {**job["task"], "printer": "No such printer"})
    assert not refused.ok and "无效的打印机" in refused.message
    assert report(client, job["print_job_id"], "failed", refused.message)["status"] == "failed"
    db.session.get(PackStation, 1).print_component_printer = PRINTER
    db.session.commit()
    assert send_to_component(component.url, client.get(
        f"/api/station/PS-1/print-jobs/{job['print_job_id']}").get_json()["task"])[-1].ok


def test_outcomes_are_checked_and_a_late_failure_does_not_undo_a_print(client, login, bench, published):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    url = f"/api/station/PS-1/print-jobs/{job['print_job_id']}/outcome"
    refused = client.post(url, json={"outcome": "lost"})
    assert refused.status_code == 422
    assert db.session.get(PrintJob, job["print_job_id"]).status == "ready"
    assert client.post("/api/station/PS-1/print-jobs/999999/outcome", json={"outcome": "printed"}).status_code == 404
    report(client, job["print_job_id"], "printed")
    assert report(client, job["print_job_id"], "failed", "late")["status"] == "printed"
    assert not [e for e in published if e["event"] == "print.failed"]


def test_a_failure_is_pushed_to_the_station_room(client, login, bench, published):
    packer_at_station(client, login)
    seal(client, bench)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    report(client, job["print_job_id"], "failed", "缺纸")
    [failed] = [e for e in published if e["event"] == "print.failed"]
    assert failed["room"] == "station:PS-1" and failed["payload"]["error"] == "缺纸"


def test_a_packer_elsewhere_cannot_report_this_stations_prints(client, make_user, bench):
    make_station("PS-2")
    make_user("packer", "other")
    client.post("/login", data={"username": "other", "password": "secret-pass"})
    assert client.post("/api/station/PS-2/sign-in").status_code == 200
    assert client.get("/api/station/PS-1/not-printed").status_code == 403
    assert client.post("/api/station/PS-1/print-jobs/1/outcome", json={"outcome": "printed"}).status_code == 403


def test_a_batch_prints_labels_in_the_order_given_and_an_unknown_parcel_refuses_it_all(app, bench, published, client, login):
    packer_at_station(client, login)
    seal(client, bench)
    parcel_id = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"][0]["parcel_id"]
    jobs = print_queue.print_parcels("PS-1", [parcel_id, parcel_id])
    assert [job.kind for job in jobs] == ["batch", "batch"] and jobs[0].id < jobs[1].id
    ready = [e["payload"]["print_job_id"] for e in published if e["event"] == "label.ready"]
    assert ready[-2:] == [jobs[0].id, jobs[1].id]
    before = db.session.query(PrintJob).count()
    from wms.errors import NotFound, ValidationFailed

    with pytest.raises(NotFound):
        print_queue.print_parcels("PS-1", [parcel_id, 999999])
    with pytest.raises(ValidationFailed):
        print_queue.print_parcels("PS-1", [])
    assert db.session.query(PrintJob).count() == before


def test_the_station_form_wants_a_websocket_address_and_a_template(client, login, app):
    login("admin")
    base = {"code": "PS-9", "paper": "100x150", "printer_port": "9100"}
    refused = client.post("/station/setup/station", data={**base, "print_component_url": "http://127.0.0.1:13528"})
    assert refused.status_code == 422 and "ws://" in refused.get_data(as_text=True)
    refused = client.post("/station/setup/station", data={**base, "print_component_url": "ws://127.0.0.1:13528"})
    assert refused.status_code == 422
    assert db.session.query(PackStation).filter_by(code="PS-9").count() == 0
    saved = client.post("/station/setup/station", data={**base, "print_component_url": "ws://127.0.0.1:13528",
                                                        "print_component_template": TEMPLATE})
    assert saved.status_code == 302
    station = db.session.query(PackStation).filter_by(code="PS-9").one()
    assert station.print_component_url == "ws://127.0.0.1:13528" and station.print_component_template == TEMPLATE
