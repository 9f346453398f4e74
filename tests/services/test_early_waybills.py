"""The 店小秘 flow against the Kuaidi100 sandbox over real HTTP: waybills requested in bulk after
allocation, the failure queue (fix and retry, change carrier), 有货 / 缺货 and a receipt moving an order,
the station opening an order by its label and sealing without a second label, voids on cancel and
intercept, 虚拟发货."""
import pytest
from sqlalchemy import select

from tests.builders_packing import make_carrier
from tests.builders_waybill_desk import allocated_orders, early_warehouse, sandbox_carrier, stocked
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.shipping import early_voids, early_waybills, waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import EarlyWaybill, Parcel, PrintJob
from wms.waybill_desk import services as desk


@pytest.fixture
def sandbox():
    box = Sandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def floor(app, sandbox):
    """An early-flow warehouse with SKU-A in stock (10) and SKU-B out of stock, carrier SF on the sandbox."""
    warehouse = early_warehouse()
    bins = stocked(warehouse, (("SKU-A", 10), ("SKU-B", 0)))
    sandbox_carrier(sandbox)
    return warehouse, bins


def rows():
    db.session.expire_all()
    return db.session.scalars(select(EarlyWaybill).order_by(EarlyWaybill.id)).all()


def nowhere(order):
    """An order the carrier refuses, whichever of a batch's requests is answered first: no address at all."""
    order.province = order.city = order.district = order.address = ""
    db.session.commit()


def to_picked(order):
    for state in (states.WAVED, states.PICKING, states.PICKED):
        order.transition_to(state, reason="test")
    db.session.commit()


def test_a_bulk_request_gets_every_order_its_waybill_and_label_with_its_own_id_as_the_key(floor, sandbox):
    orders = allocated_orders(["T1", "T2", "T3"])
    batch = desk.request_waybills([order.id for order in orders])
    assert desk.waiting_for_waybill()[1] == 0
    assert early_waybills.batch_progress(batch.id) == {"batch_id": batch.id, "total": 3, "requesting": 0,
                                                       "failed": 0, "issued": 3, "done": 3}
    found = rows()
    assert [row.status for row in found] == ["issued"] * 3
    assert sorted(param["orderId"] for _method, param in sandbox.requests) == sorted(f"E{row.id}" for row in found)
    assert all(open(row.label_pdf_path, "rb").read().startswith(b"%PDF") for row in found)
    assert all(f"^FD{row.tracking_number}^FS" in row.label_zpl for row in found)
    assert {order.status for order in db.session.scalars(select(Order))} == {"allocated"}


def test_one_refusal_lands_in_the_failure_queue_in_the_carriers_words_and_a_retry_after_the_fix_succeeds(
        floor, sandbox):
    bad, good = allocated_orders(["T1", "T2"])
    nowhere(bad)
    batch = desk.request_waybills([bad.id, good.id])
    progress = early_waybills.batch_progress(batch.id)
    assert (progress["issued"], progress["failed"], progress["done"]) == (1, 1, 2)
    [failed] = early_waybills.failure_queue()
    assert failed.order_id == bad.id and failed.error == "address_rejected: 收件地址不能为空 (address missing)"
    early_waybills.retry(failed.id, {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                     "address": "文三路 90 号 1 幢 101 室", "buyer_phone": "13800138000"})
    assert [row.status for row in rows()] == ["issued", "issued"]
    assert early_waybills.failure_queue() == []
    assert db.session.get(Order, bad.id).address == "文三路 90 号 1 幢 101 室"
    assert len(sandbox.waybills) == 2


def test_a_fix_that_is_too_long_is_refused_and_changes_nothing(floor, sandbox):
    [order] = allocated_orders(["T1"])
    sandbox.fail_next("address_rejected")
    desk.request_waybills([order.id])
    [failed] = early_waybills.failure_queue()
    with pytest.raises(ValidationFailed) as refused:
        early_waybills.retry(failed.id, {"buyer_name": "李四", "address": "x" * 501})
    assert refused.value.details["field"] == "address"
    db.session.rollback()
    order = db.session.get(Order, order.id)
    assert rows()[0].status == "failed" and (order.buyer_name, order.address) == ("张三", "文三路 90 号 1 幢 101 室")


def test_a_timeout_then_a_retry_yields_exactly_one_waybill(floor, sandbox):
    sandbox.fail_next("timeout")
    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    [row] = rows()
    assert row.status == "failed" and row.error.startswith("timeout")
    early_waybills.retry(row.id)
    [row] = rows()
    assert row.status == "issued" and list(sandbox.waybills) == [row.tracking_number]


def test_changing_the_carrier_of_a_failure_drops_it_and_asks_the_other_carrier(floor, sandbox):
    make_carrier("YTO", "圆通", settings=sandbox.settings(kuaidicom="yuantong", timeout_s=0.5))
    sandbox.fail_next("quota")
    [order] = allocated_orders(["T1"])
    batch = desk.request_waybills([order.id])
    [failed] = early_waybills.failure_queue()
    assert failed.error.startswith("quota_exceeded")
    with pytest.raises(ValidationFailed):
        early_waybills.change_carrier(failed.id, "NOPE")
    early_waybills.change_carrier(failed.id, "YTO")
    old, new = rows()
    assert (old.status, old.live_order_id) == ("dropped", None)
    assert (new.status, new.carrier_code, new.batch_id) == ("issued", "YTO", batch.id)
    assert db.session.get(Order, order.id).carrier_code == "YTO"
    assert early_waybills.batch_progress(batch.id)["issued"] == 1


def test_an_order_is_never_requested_twice_and_a_refused_batch_writes_nothing(floor, sandbox):
    first, second = allocated_orders(["T1", "T2"])
    desk.request_waybills([first.id])
    with pytest.raises(ValidationFailed, match="already requested for T1"):
        desk.request_waybills([second.id, first.id])
    assert len(rows()) == 1 and len(sandbox.waybills) == 1


def test_orders_of_a_warehouse_that_requests_at_seal_are_refused_by_the_desk(app, sandbox):
    warehouse = early_warehouse(timing="at_seal")
    stocked(warehouse)
    sandbox_carrier(sandbox)
    [order] = allocated_orders(["T1"])
    assert desk.waiting_for_waybill()[1] == 0
    with pytest.raises(ValidationFailed, match="get their waybill at seal: T1"):
        desk.request_waybills([order.id])
    order.channel.waybill_timing = "after_allocation"   # this store works the other way
    db.session.commit()
    assert desk.waiting_for_waybill()[1] == 1
    desk.request_waybills()
    assert [row.status for row in rows()] == ["issued"]


def test_waiting_orders_split_into_in_stock_and_out_of_stock_and_a_receipt_moves_one(floor, sandbox):
    from wms.inventory import services as inventory

    warehouse, bins = floor
    in_stock = allocated_orders(["T1"])[0]
    short = allocated_orders(["T2"], lines=(("SKU-B", 2),))[0]
    assert short.status == "backorder"
    desk.request_waybills()   # every order waiting, 缺货 ones too
    assert [row.order_id for row in desk.to_print("in_stock")] == [in_stock.id]
    assert [row.order_id for row in desk.to_print("out_of_stock")] == [short.id]
    sku, bin_ = bins["SKU-B"]
    inventory.receive_stock(warehouse.id, [(sku.id, bin_.id, 5)], "PO-1")
    db.session.expire_all()
    assert sorted(row.order_id for row in desk.to_print("in_stock")) == [in_stock.id, short.id]
    assert desk.to_print("out_of_stock") == []
    assert desk.tab_counts() == {"in_stock": 2, "out_of_stock": 0, "printed": 0}


def test_the_station_opens_an_order_by_its_label_only_when_it_is_ready_to_pack(floor, sandbox):
    from wms.packing import services as packing

    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    [row] = rows()
    with pytest.raises(IllegalTransition, match="not ready to pack"):
        packing.find_order(row.tracking_number)
    to_picked(db.session.get(Order, order.id))
    assert packing.find_order(row.tracking_number).id == order.id
    with pytest.raises(NotFound):
        packing.find_order("SF-NOT-A-LABEL")


def test_sealing_reuses_the_early_waybill_without_a_second_request_or_label(floor, sandbox, published):
    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    to_picked(db.session.get(Order, order.id))
    asked = len(sandbox.requests)
    parcel = waybills.seal_parcel(order.id, seal_uuid="seal-1", station_code="PS-1", carton_code="C1", weight_g=400)
    db.session.expire_all()
    [row] = rows()
    parcel = db.session.get(Parcel, parcel.id)
    assert (parcel.status, parcel.tracking_number, parcel.label_pdf_path) == ("labelled", row.tracking_number,
                                                                              row.label_pdf_path)
    assert (row.status, row.parcel_id, row.live_order_id) == ("used", parcel.id, None)
    assert db.session.get(Order, order.id).status == "labelled"
    assert len(sandbox.requests) == asked and db.session.scalars(select(PrintJob)).all() == []
    assert not any(event["event"] == "label.ready" for event in published)


def test_a_seal_while_the_waybill_is_being_requested_is_refused(floor, sandbox):
    [order] = allocated_orders(["T1"])
    db.session.add(EarlyWaybill(order_id=order.id, live_order_id=order.id, carrier_code="SF"))
    to_picked(db.session.get(Order, order.id))
    with pytest.raises(IllegalTransition, match="still being requested"):
        waybills.seal_parcel(order.id, seal_uuid="seal-1", station_code="PS-1", carton_code="C1", weight_g=400)


def test_a_seal_after_a_failure_drops_it_and_requests_at_seal_as_before(floor, sandbox):
    [order] = allocated_orders(["T1"])
    sandbox.fail_next("quota")
    desk.request_waybills([order.id])
    to_picked(db.session.get(Order, order.id))
    parcel = waybills.seal_parcel(order.id, seal_uuid="seal-1", station_code="PS-1", carton_code="C1", weight_g=400)
    db.session.expire_all()
    assert rows()[0].status == "dropped"
    assert db.session.get(Parcel, parcel.id).status == "labelled"
    assert [param["orderId"] for _m, param in sandbox.requests][-1] == f"P{parcel.id}"


def test_an_intercepted_order_voids_its_early_waybill_with_the_carrier_exactly_once(floor, sandbox):
    from wms.aftersales.services import intercept_order

    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    [row] = rows()
    intercept_order(order.id, "buyer cancelled on the platform")
    [row] = rows()
    assert (row.status, row.live_order_id) == ("voided", None)
    assert sandbox.waybills[row.tracking_number]["status"] == "cancelled"
    cancels = [m for m, _p in sandbox.requests if m == "cancel"]
    assert early_voids.void_early(row.id) == "skipped"
    assert [m for m, _p in sandbox.requests if m == "cancel"] == cancels == ["cancel"]


def test_a_desk_cancel_of_a_backorder_voids_its_waybill_and_drops_a_failed_one(floor, sandbox):
    from wms.review import services as review

    short, other = allocated_orders(["T1", "T2"], lines=(("SKU-B", 1),))
    nowhere(other)
    desk.request_waybills([other.id, short.id])
    for order in (short, other):
        order = db.session.get(Order, order.id)
        review.cancel_order(order.id, reason="buyer asked", actor=None, expected_version=order.version)
    failed, issued = rows()
    assert (failed.order_id, failed.status, issued.status) == (other.id, "dropped", "voided")
    assert sandbox.waybills[issued.tracking_number]["status"] == "cancelled"


def test_a_cancel_while_the_request_is_in_flight_voids_the_number_it_gets(floor, sandbox):
    [order] = allocated_orders(["T1"])
    row = EarlyWaybill(order_id=order.id, live_order_id=order.id, carrier_code="SF")
    db.session.add(row)
    db.session.commit()
    assert early_voids.void_for_order(order.id) == "requesting"
    db.session.commit()
    early_waybills.request_early(row.id)
    [row] = rows()
    assert row.status == "voided"
    assert sandbox.waybills[row.tracking_number]["status"] == "cancelled"


def test_a_refused_void_stays_visible_and_the_retry_voids_it(floor, sandbox):
    from wms.aftersales.services import intercept_order

    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    [row] = rows()
    number = row.tracking_number
    row.tracking_number = "SF-UNKNOWN"   # the carrier does not know it: it refuses the cancel
    db.session.commit()
    intercept_order(order.id, "buyer cancelled")
    [row] = rows()
    assert row.status == "issued" and row.error.startswith("void refused: carrier_error")
    assert [pending.id for pending in early_voids.voids_pending()] == [row.id]
    row.tracking_number = number
    db.session.commit()
    assert early_voids.void_early(row.id) == "voided"
    assert early_voids.voids_pending() == [] and sandbox.waybills[number]["status"] == "cancelled"


def test_an_order_with_an_early_waybill_keeps_its_carrier(floor, sandbox):
    from wms.shipping import carrier_services

    make_carrier("YTO", "圆通", settings=sandbox.settings(kuaidicom="yuantong"))
    [order] = allocated_orders(["T1"])
    desk.request_waybills([order.id])
    with pytest.raises(IllegalTransition, match="requested before picking"):
        carrier_services.change_carrier(order.id, "YTO")
    db.session.rollback()
    assert db.session.get(Order, order.id).carrier_code == "SF"
