"""Seal -> waybill over real HTTP to the Kuaidi100 sandbox -> label; failures, retry, reprint, void."""
import socket
import threading

import pytest

from tests.builders_packing import make_carrier, make_station, picked_order
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.shipping import carrier_services, print_jobs, waybill_failures, waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import Parcel, PrintJob


@pytest.fixture
def sandbox():
    box = Sandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def carrier(app, sandbox):
    return make_carrier("SF", settings=sandbox.settings(timeout_s=0.3, sender={"name": "华东仓", "phone": "021-5555",
                                                                                 "province": "上海市", "address": "张江路 1 号"}))


def seal(order, uuid="seal-0001", station="PS-1"):
    return waybills.seal_parcel(order.id, seal_uuid=uuid, station_code=station, carton_code="C2", weight_g=900)


def test_sealing_gets_one_waybill_renders_the_label_and_tells_the_station(carrier, sandbox, published):
    order = picked_order()
    parcel = seal(order)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "labelled" and parcel.tracking_number.startswith("SF")
    assert db.session.get(Order, order.id).status == "labelled"
    assert len(sandbox.waybills) == 1
    method, param = sandbox.requests[0]
    assert (method, param["orderId"], param["kuaidicom"]) == ("order", f"P{parcel.id}", "shunfeng")
    assert param["recMan"]["printAddr"].startswith("浙江省杭州市西湖区")
    assert open(parcel.label_pdf_path, "rb").read().startswith(b"%PDF")
    assert f"^FD{parcel.tracking_number}^FS" in parcel.label_zpl
    ready = [e for e in published if e["event"] == "label.ready"]
    assert ready and ready[0]["room"] == "station:PS-1" and ready[0]["payload"]["tracking_number"] == parcel.tracking_number
    assert db.session.query(PrintJob).one().status == "ready"


def test_a_second_request_for_a_labelled_parcel_never_asks_the_carrier_again(carrier, sandbox):
    parcel = seal(picked_order())
    assert waybills.request_waybill(parcel.id) == "already"
    assert len(sandbox.requests) == 1


def test_timeout_then_retry_yields_exactly_one_waybill(carrier, sandbox, published):
    sandbox.fail_next("timeout")
    order = picked_order()
    parcel = seal(order)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "waybill_failed" and parcel.waybill_error.startswith("timeout")
    assert parcel in waybill_failures.waybill_failed_queue()
    assert any(e["event"] == "waybill.failed" and e["room"] == "role:supervisor" for e in published)
    waybill_failures.retry_waybill(parcel.id)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "labelled"
    assert len(sandbox.waybills) == 1 and list(sandbox.waybills) == [parcel.tracking_number]
    assert [m for m, _ in sandbox.requests] == ["order", "order"]


def test_address_rejected_lands_in_the_failed_queue_and_a_retry_after_the_fix_succeeds(carrier, sandbox):
    sandbox.fail_next("address_rejected")
    parcel = seal(picked_order())
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "waybill_failed" and parcel.waybill_error.startswith("address_rejected")
    assert db.session.get(Order, parcel.order_id).status == "packed"
    waybill_failures.retry_waybill(parcel.id)
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "labelled"


def test_quota_exceeded_is_a_failure_with_its_reason(carrier, sandbox):
    sandbox.fail_next("quota")
    parcel = seal(picked_order())
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).waybill_error.startswith("quota_exceeded")
    assert sandbox.waybills == {}


def test_retry_of_a_parcel_that_did_not_fail_is_refused(carrier, sandbox):
    parcel = seal(picked_order())
    with pytest.raises(IllegalTransition):
        waybill_failures.retry_waybill(parcel.id)


def test_sealing_twice_is_refused_and_changes_nothing(carrier, sandbox):
    order = picked_order()
    seal(order)
    with pytest.raises(IllegalTransition, match="already has a sealed parcel"):
        seal(order, uuid="seal-0002")
    assert db.session.query(Parcel).count() == 1


def test_void_cancels_at_the_carrier_and_the_order_goes_back_to_packed(carrier, sandbox):
    parcel = seal(picked_order())
    waybills.void_label(parcel.id, reason="intercepted")
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "voided"
    assert sandbox.waybills[parcel.tracking_number]["status"] == "cancelled"
    assert db.session.get(Order, parcel.order_id).status == "packed"
    again = waybills.seal_parcel(parcel.order_id, seal_uuid="seal-0003", station_code="PS-1", carton_code="C2", weight_g=900)
    db.session.expire_all()
    again = db.session.get(Parcel, again.id)
    assert again.status == "labelled" and again.tracking_number != parcel.tracking_number


def test_void_refused_by_the_carrier_changes_nothing(carrier, sandbox):
    parcel = seal(picked_order())
    sandbox.waybills.clear()
    with pytest.raises(ValidationFailed, match="refused to cancel"):
        waybills.void_label(parcel.id)
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "labelled"


def test_reprint_sends_label_ready_again(carrier, sandbox, published):
    parcel = seal(picked_order())
    published.clear()
    job = print_jobs.reprint(parcel.id)
    assert job.kind == "reprint"
    assert [e["payload"]["print_job_id"] for e in published if e["event"] == "label.ready"] == [job.id]


def test_the_carrier_is_changeable_until_the_label_exists(carrier, sandbox):
    make_carrier("ZTO", name="中通快递", settings=sandbox.settings("zhongtong"))
    sandbox.fail_next("quota")
    parcel = seal(picked_order())
    carrier_services.change_carrier(parcel.order_id, "ZTO")
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).carrier_code == "ZTO"
    waybill_failures.retry_waybill(parcel.id)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.tracking_number.startswith("ZT")
    with pytest.raises(IllegalTransition, match="label exists"):
        carrier_services.change_carrier(parcel.order_id, "SF")


def test_choose_carrier_sets_the_cheapest_serving_carrier(app, sandbox):
    make_carrier("SF", settings={"base_cents": 1200}, cutoffs=())
    make_carrier("ZTO", settings={"base_cents": 500}, cutoffs=())
    order = picked_order(carrier_code=None)
    choice = carrier_services.choose_carrier(order.id)
    assert choice.code == "ZTO" and db.session.get(Order, order.id).carrier_code == "ZTO"


def test_zpl_goes_to_the_stations_network_printer(carrier, sandbox):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = []

    def accept():
        conn, _ = listener.accept()
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
        received.append(b"".join(chunks).decode("utf-8"))
        conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    make_station("PS-1", printer_host="127.0.0.1", printer_port=listener.getsockname()[1])
    parcel = seal(picked_order())
    thread.join(5)
    listener.close()
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert received and received[0].startswith("^XA") and f"^FD{parcel.tracking_number}^FS" in received[0]
    assert "^BQN" in received[0] and "^GFA" in received[0]
    assert db.session.query(PrintJob).one().status == "sent"


def test_an_unreachable_printer_marks_the_job_failed_and_tells_the_station(carrier, sandbox, published):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here
    make_station("PS-1", printer_host="127.0.0.1", printer_port=port)
    seal(picked_order())
    job = db.session.query(PrintJob).one()
    assert job.status == "failed" and "unreachable" in job.error
    assert any(e["event"] == "print.failed" for e in published)


def test_a_parcel_whose_carrier_is_not_set_up_lands_in_the_failed_queue(carrier, sandbox):
    order = picked_order(carrier_code="NOPE")
    parcel = seal(order)
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "waybill_failed" and "NOPE is not set up" in parcel.waybill_error
    assert sandbox.requests == []


def test_a_label_for_a_virtual_shipping_channel_queues_the_tracking_write_back(carrier, sandbox):
    from wms.tracking.models import WritebackTask

    order = picked_order()
    order.channel.platform, order.channel.virtual_shipping = "shopify", True  # 虚拟发货
    order.channel.settings = {"base_url": "http://127.0.0.1:9", "access_token": "x"}  # unreachable: the task waits
    db.session.commit()
    parcel = seal(order)
    db.session.expire_all()
    task = db.session.query(WritebackTask).filter_by(order_id=order.id).one()
    assert task.tracking_number == db.session.get(Parcel, parcel.id).tracking_number


def test_a_label_for_a_normal_channel_waits_for_handover_to_write_back(carrier, sandbox):
    from wms.tracking.models import WritebackTask

    order = picked_order()
    seal(order)
    assert db.session.query(WritebackTask).filter_by(order_id=order.id).count() == 0
