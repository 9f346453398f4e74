"""Waybill failures that can be dealt with (issue 21 item 5), over real HTTP to the Kuaidi100 sandbox: temporary
ones are asked again by the job itself, permanent ones wait for a person, who retries, fixes and retries (carrier,
address), types a number made elsewhere (手动填写运单号) or voids the parcel - each audited."""
import pytest
from sqlalchemy import select

from tests.builders_packing import make_carrier, picked_order
from wms import failures, worker
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order, OrderEvent
from wms.shipping import waybill_failures, waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import Parcel
from wms.worker import QueuedJob


@pytest.fixture
def sandbox():
    box = Sandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def carriers(app, sandbox):
    sender = {"name": "华东仓", "phone": "021-5555", "province": "上海市", "address": "张江路 1 号"}
    return (make_carrier("SF", settings=sandbox.settings(timeout_s=0.3, sender=sender)),
            make_carrier("YTO", name="圆通速递", settings=sandbox.settings("yuantong", timeout_s=0.3, sender=sender)))


def seal(order, uuid="seal-wbf-1", station="PS-1"):
    return waybills.seal_parcel(order.id, seal_uuid=uuid, station_code=station, carton_code="C2", weight_g=900)


def parcel_of(parcel_id):
    db.session.expire_all()
    return db.session.get(Parcel, parcel_id)


def said(order_id):
    return [e.reason for e in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id)
                                                 .order_by(OrderEvent.id))]


def waybill_job():
    return db.session.scalars(select(QueuedJob).where(QueuedJob.func == "wms.shipping.jobs.request_waybill")
                              .order_by(QueuedJob.id.desc())).first()


def test_a_temporary_failure_is_marked_so_and_the_job_asks_again_by_itself(carriers, sandbox, published):
    sandbox.fail_next("error")  # the carrier's 500
    parcel = seal(picked_order())
    failed = parcel_of(parcel.id)
    assert failed.status == "waybill_failed" and failed.waybill_failure_kind == failures.TEMPORARY
    job = waybill_job()
    assert job.status == "failed" and job.retry_at is not None  # the outbox pushes it again when due
    heard = [e for e in published if e["event"] == "waybill.failed"]
    assert heard and heard[0]["payload"]["failure_kind"] == "temporary"
    worker.retry_job(job.id)  # what the sweep does at retry_at
    worker.run_job(job.id)
    done = parcel_of(parcel.id)
    assert done.status == "labelled" and done.tracking_number and len(sandbox.waybills) == 1


def test_a_permanent_refusal_waits_for_a_person_and_is_not_asked_again(carriers, sandbox):
    sandbox.fail_next("address_rejected")
    parcel = seal(picked_order())
    failed = parcel_of(parcel.id)
    assert failed.waybill_failure_kind == failures.PERMANENT
    job = waybill_job()
    assert job.status == "done" and job.retry_at is None
    assert [m for m, _ in sandbox.requests] == ["order"]


def test_fix_and_retry_with_another_carrier_and_a_corrected_address(carriers, sandbox):
    sandbox.fail_next("address_rejected")
    order = picked_order()
    parcel = seal(order)
    waybill_failures.fix_and_retry_waybill(parcel.id, carrier_code="YTO", address={"address": "西湖区文三路 90 号 3 幢",
                                                                           "buyer_phone": "13900001111"}, actor="boss")
    done = parcel_of(parcel.id)
    assert done.status == "labelled" and done.carrier_code == "YTO" and done.waybill_failure_kind == ""
    method, param = sandbox.requests[-1]
    assert param["kuaidicom"] == "yuantong" and "文三路 90 号" in param["recMan"]["printAddr"]
    order = db.session.get(Order, order.id)
    assert order.carrier_code == "YTO" and order.buyer_phone == "13900001111"
    timeline = said(order.id)
    assert "carrier changed from SF to YTO" in timeline
    assert any(t.startswith("address corrected for the waybill") and "13900001111" in t for t in timeline)


def test_fix_and_retry_with_nothing_changed_or_a_blank_address_is_refused_and_changes_nothing(carriers, sandbox):
    sandbox.fail_next("address_rejected")
    order = picked_order()
    parcel = seal(order)
    with pytest.raises(ValidationFailed):
        waybill_failures.fix_and_retry_waybill(parcel.id, carrier_code="SF", address={"address": order.address})
    with pytest.raises(ValidationFailed) as blank:
        waybill_failures.fix_and_retry_waybill(parcel.id, address={"address": "  "})
    assert blank.value.details["field"] == "address"
    with pytest.raises(ValidationFailed):
        waybill_failures.fix_and_retry_waybill(parcel.id, carrier_code="NOPE")
    still = parcel_of(parcel.id)
    assert (still.status, still.carrier_code) == ("waybill_failed", "SF")
    assert db.session.get(Order, order.id).address == order.address


def test_a_number_typed_by_hand_labels_the_parcel_for_handover_and_is_audited(carriers, sandbox, published):
    sandbox.fail_next("quota")
    order = picked_order()
    parcel = seal(order)
    waybill_failures.ship_by_hand(parcel.id, carrier_code="YTO", tracking_number="YT8800000001",
                          reason="quota used up: written on YTO's paper form", actor="boss")
    done = parcel_of(parcel.id)
    assert (done.status, done.tracking_number, done.carrier_code) == ("labelled", "YT8800000001", "YTO")
    assert done not in waybill_failures.waybill_failed_queue()
    order = db.session.get(Order, order.id)
    assert order.status == "labelled" and order.carrier_code == "YTO"
    assert "waybill YT8800000001 (YTO) typed by hand: quota used up: written on YTO's paper form" in said(order.id)
    assert any(e["event"] == "waybill.resolved" for e in published)
    from wms.handover import services as handover

    manifest = handover.open_manifest("YTO")
    handover.scan_parcel(manifest.id, "YT8800000001")
    assert parcel_of(parcel.id).status == "manifested"


def test_a_number_typed_by_hand_needs_a_reason_a_known_carrier_and_a_free_number(carriers, sandbox):
    sandbox.fail_next("quota")
    other = seal(picked_order(external_id="P2001"), uuid="seal-wbf-2")
    sandbox.fail_next("quota")
    parcel = seal(picked_order(external_id="P2002"), uuid="seal-wbf-3")
    taken = parcel_of(other.id)
    assert taken.status == "waybill_failed"
    waybill_failures.ship_by_hand(other.id, carrier_code="SF", tracking_number="SF1200000001", reason="paper waybill")
    for kwargs in ({"carrier_code": "SF", "tracking_number": "SF1200000002", "reason": " "},
                   {"carrier_code": "NOPE", "tracking_number": "SF1200000002", "reason": "paper"},
                   {"carrier_code": "SF", "tracking_number": "SF 12", "reason": "paper"},
                   {"carrier_code": "SF", "tracking_number": "SF1200000001", "reason": "paper"}):
        with pytest.raises(ValidationFailed):
            waybill_failures.ship_by_hand(parcel.id, **kwargs)
    still = parcel_of(parcel.id)
    assert still.status == "waybill_failed" and still.tracking_number is None


def test_voiding_a_failed_parcel_lets_the_order_be_sealed_again(carriers, sandbox):
    sandbox.fail_next("address_rejected")
    order = picked_order()
    parcel = seal(order)
    waybill_failures.void_failed_parcel(parcel.id, "buyer asked for another carrier: reseal", actor="boss")
    assert parcel_of(parcel.id).status == "voided"
    assert db.session.get(Order, order.id).status == "packed"
    assert any("buyer asked for another carrier: reseal" in t for t in said(order.id))
    again = seal(order, uuid="seal-wbf-9")
    assert parcel_of(again.id).status == "labelled"


def test_a_resolved_parcel_cannot_be_resolved_twice(carriers, sandbox):
    sandbox.fail_next("quota")
    parcel = seal(picked_order())
    waybill_failures.void_failed_parcel(parcel.id, "resealed")
    with pytest.raises(IllegalTransition):
        waybill_failures.ship_by_hand(parcel.id, carrier_code="SF", tracking_number="SF1200000009", reason="late")
    with pytest.raises(IllegalTransition):
        waybill_failures.void_failed_parcel(parcel.id, "again")
    with pytest.raises(IllegalTransition):
        waybill_failures.fix_and_retry_waybill(parcel.id, carrier_code="YTO")
    assert parcel_of(parcel.id).status == "voided"
