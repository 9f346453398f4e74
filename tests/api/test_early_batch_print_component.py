"""The waybill desk's batch print (批量打单) of labels requested before picking, through a station's print
component (the sandbox one, over a real WebSocket): one print job per early waybill, in pick-route
order, handed to the station like its own labels (no parcel yet); a label counts as printed (已打单) when
the component confirms it; paper out keeps it in the station's not-printed list until its reprint
prints; the label's PDF is a packer's only at the station it was sent to."""
import pytest
from sqlalchemy import select

from tests.api.test_print_component import TEMPLATE, report, send_to_component
from tests.builders_packing import make_station
from tests.builders_waybill_desk import allocated_orders, early_warehouse, sandbox_carrier, stocked
from wms.extensions import db
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import EarlyWaybill, PrintJob
from wms.shipping.print_sandbox import PrintSandbox
from wms.waybill_desk import batch_print
from wms.waybill_desk import services as desk


@pytest.fixture
def carrier_box():
    box = Sandbox().start()
    yield box
    box.stop()


@pytest.fixture
def component(tmp_path):
    box = PrintSandbox(tmp_path / "printed").start()
    yield box
    box.stop()


@pytest.fixture
def labels(app, carrier_box, component):
    """Three orders in stock with their early waybills issued; PS-1 prints through the component."""
    warehouse = early_warehouse()
    stocked(warehouse, (("SKU-A", 10), ("SKU-B", 10), ("SKU-C", 10)))
    sandbox_carrier(carrier_box)
    make_station("PS-1", print_component_url=component.url, print_component_template=TEMPLATE)
    make_station("PS-2")
    orders = [allocated_orders([ref], lines=((sku, 1),))[0] for ref, sku in (("T1", "SKU-C"), ("T2", "SKU-A"),
                                                                               ("T3", "SKU-B"))]
    desk.request_waybills([order.id for order in orders])
    return [order.id for order in orders]


def early_rows():
    db.session.expire_all()
    return {row.order_id: row for row in db.session.scalars(select(EarlyWaybill))}


def desk_prints(client, login, order_ids, station="PS-1"):
    login("supervisor")
    response = client.post("/waybill-desk/print", data={"scope": "selected", "order_ids": order_ids,
                                                        "station": station, "tab": "in_stock"})
    assert response.status_code == 302, response.data


def packer_at(client, login, station="PS-1"):
    login("packer")
    assert client.post(f"/api/station/{station}/sign-in").status_code == 200


def test_a_batch_goes_to_the_stations_component_in_pick_order_and_counts_as_printed_when_it_confirms(
        client, login, labels, component, published):
    walk = [row.order_id for row in batch_print.labels_in_walk_order(order_ids=labels)]
    assert walk == [labels[1], labels[2], labels[0]]   # SKU-A's bin comes first on the walk, then B, then C
    desk_prints(client, login, labels)
    rows = early_rows()
    ready = [event for event in published if event["event"] == "label.ready"]
    assert [event["payload"]["tracking_number"] for event in ready] == [rows[o].tracking_number for o in walk]
    assert {event["room"] for event in ready} == {"station:PS-1"}
    assert all(row.printed_at is None for row in rows.values())   # sent, not confirmed yet

    packer_at(client, login)
    jobs = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    assert [job["tracking_number"] for job in jobs] == [rows[o].tracking_number for o in walk]
    assert {job["parcel_id"] for job in jobs} == {None} and {job["kind"] for job in jobs} == {"batch"}
    for job in jobs:
        [document] = job["task"]["documents"]
        assert document["documentID"] == job["tracking_number"]
        assert job["pdf_url"] == f"/shipping/early-waybills/{rows[job['order_id']].id}/label.pdf"
        assert send_to_component(component.url, job["task"])[-1].ok
        assert report(client, job["print_job_id"], "printed")["status"] == "printed"
    assert sorted(path.stem for path in component.printed_files()) == sorted(row.tracking_number for row in rows.values())
    assert all(row.printed_at is not None for row in early_rows().values())
    assert desk.tab_counts() == {"in_stock": 0, "out_of_stock": 0, "printed": 3}
    assert client.get("/api/station/PS-1/not-printed").get_json()["jobs"] == []


def test_paper_out_keeps_an_early_label_not_printed_until_its_reprint_prints(client, login, labels, component):
    desk_prints(client, login, labels[:1])
    packer_at(client, login)
    [job] = client.get("/api/station/PS-1/print-jobs").get_json()["jobs"]
    component.fail_next("paper_out")
    assert not send_to_component(component.url, job["task"])[-1].ok
    report(client, job["print_job_id"], "failed", "缺纸 (paper out)")
    [listed] = client.get("/api/station/PS-1/not-printed").get_json()["jobs"]
    assert (listed["print_job_id"], listed["parcel_id"], listed["status"]) == (job["print_job_id"], None, "failed")
    assert early_rows()[labels[0]].printed_at is None and desk.tab_counts()["in_stock"] == 3

    again = client.post(f"/api/station/PS-1/print-jobs/{job['print_job_id']}/reprint")
    assert again.status_code == 200, again.data
    again = again.get_json()
    [listed] = client.get("/api/station/PS-1/not-printed").get_json()["jobs"]
    assert listed["print_job_id"] == again["print_job_id"] and listed["status"] == "ready"
    fresh = client.get(f"/api/station/PS-1/print-jobs/{again['print_job_id']}").get_json()
    assert send_to_component(component.url, fresh["task"])[-1].ok
    report(client, again["print_job_id"], "printed")
    assert client.get("/api/station/PS-1/not-printed").get_json()["jobs"] == []
    assert early_rows()[labels[0]].printed_at is not None and len(component.printed_files()) == 1


def test_an_early_labels_pdf_is_a_packers_only_at_the_station_it_was_sent_to(client, login, labels):
    desk_prints(client, login, labels[:1])
    row = early_rows()[labels[0]]
    packer_at(client, login, "PS-2")
    assert client.get(f"/shipping/early-waybills/{row.id}/label.pdf").status_code == 403
    assert client.post("/api/station/PS-1/print-jobs/1/reprint").status_code == 403
    assert client.post("/api/station/PS-1/sign-in").status_code == 200   # the same packer moves to PS-1
    response = client.get(f"/shipping/early-waybills/{row.id}/label.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/shipping/early-waybills/999/label.pdf").status_code == 404


def test_a_label_being_voided_is_refused_and_the_batch_creates_no_job(client, login, labels):
    row = early_rows()[labels[0]]
    row.void_wanted = True
    db.session.commit()
    from wms.errors import IllegalTransition
    from wms.shipping import print_queue

    with pytest.raises(IllegalTransition, match="no label to print"):
        print_queue.print_early_labels("PS-1", [early_rows()[o].id for o in labels])
    db.session.rollback()
    assert db.session.scalars(select(PrintJob)).all() == []
