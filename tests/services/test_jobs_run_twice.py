"""A job that runs twice - pushed again after Redis lost it, or a copy running while the first is
still at it - does no harm: one waybill per parcel, one label out of the printer."""
import socket
import threading

import pytest

from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_packing import make_carrier, make_station, picked_order
from wms.extensions import db
from wms.shipping import jobs, print_jobs, waybills
from wms.shipping.models import Parcel, PrintJob


@pytest.fixture
def carrier(app, sandbox):
    return make_carrier("SF", settings=sandbox.settings(timeout_s=2))


@pytest.fixture
def printer():
    """A network label printer on a local port: the labels it received."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    received = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
            received.append(b"".join(chunks))
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], received
    listener.close()


def seal(order):
    return waybills.seal_parcel(order.id, seal_uuid=f"seal-{order.id}", station_code="PS-1", carton_code="C2",
                                weight_g=900)


def test_a_waybill_job_run_again_while_the_first_run_waits_for_the_carrier_makes_one_waybill(
        app, carrier, sandbox, monkeypatch):
    from wms.shipping.carriers.kuaidi100 import Kuaidi100Adapter as Kuaidi100

    order = picked_order()
    app.config["RQ_SYNC"] = False  # the seal only records the job; this test runs it
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nobody there: the row just waits
    parcel_id = seal(order).id
    create = Kuaidi100.create_waybill
    answers = []

    def a_second_run_meanwhile(self, request):
        if not answers:
            answers.append("inner")
            answers.append(jobs.request_waybill(parcel_id))  # the copy Redis was given again
        return create(self, request)

    monkeypatch.setattr(Kuaidi100, "create_waybill", a_second_run_meanwhile)
    outer = jobs.request_waybill(parcel_id)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel_id)
    assert answers[1] == parcel.tracking_number and outer == "already"
    assert list(sandbox.waybills) == [parcel.tracking_number]
    assert jobs.request_waybill(parcel_id) == "already"  # and once more, afterwards
    assert len(sandbox.waybills) == 1


def test_a_print_job_run_again_while_the_label_is_being_sent_prints_one_label(carrier, printer, monkeypatch):
    port, received = printer
    make_station("PS-1", printer_host="127.0.0.1", printer_port=port)
    send = print_jobs.send_zpl
    again = []

    def a_second_run_meanwhile(host, zpl, port, timeout):
        if not again:
            again.append(jobs.send_to_printer(job_id))
        return send(host, zpl, port, timeout=timeout)

    order = picked_order()
    monkeypatch.setattr(print_jobs, "send_zpl", lambda *a, **k: None)  # the seal's own delivery: nothing
    parcel = seal(order)
    job = db.session.query(PrintJob).filter_by(parcel_id=parcel.id).one()
    job_id = job.id
    job.status = "ready"  # as if the first delivery had not happened yet
    db.session.commit()
    monkeypatch.setattr(print_jobs, "send_zpl", a_second_run_meanwhile)
    assert jobs.send_to_printer(job_id) == "sent"
    assert again == ["browser"]  # the copy found the job taken and printed nothing
    assert jobs.send_to_printer(job_id) == "browser"
    deadline = threading.Event()
    for _ in range(50):
        if received:
            break
        deadline.wait(0.05)
    assert len(received) == 1
