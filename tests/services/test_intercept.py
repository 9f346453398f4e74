"""Intercepts (拦截): a channel cancellation acted on wherever the order is."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_order
from tests.builders_floor import assigned_task, pick_event
from tests.builders_handover import advance, labelled_orders, make_carrier, shipped_orders
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.aftersales import services
from wms.aftersales.models import INTERCEPT_DONE, INTERCEPT_OPEN
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Reservation
from wms.orders import states
from wms.orders.models import Order
from wms.picking import floor
from wms.picking.models import LINE_CANCELLED, PickLine


def reload(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def reserved(order):
    return db.session.scalar(select(func.coalesce(func.sum(Reservation.qty), 0)).where(Reservation.order_id == order.id))


def test_an_order_at_the_desk_is_simply_cancelled(app):
    order = make_order(status="approved")
    intercept = services.intercept_order(order.id, "refunded", source="channel")
    assert reload(order).status == states.CANCELLED and intercept.action == "cancelled"


def test_an_allocated_order_is_cancelled_and_its_stock_freed(app):
    stocked_warehouse()
    (order,) = allocated_orders([("A1", [("SKU-0", 2)])])
    assert reserved(order) == 2
    services.intercept_order(order.id, "refunded")
    assert reload(order).status == states.CANCELLED and reserved(order) == 0


def test_a_waved_order_leaves_its_wave_and_the_picker_is_told(app, published):
    task, picker = assigned_task()
    order_id = task.lines[0].order_id
    intercept = services.intercept_order(order_id, "refunded")
    db.session.expire_all()
    assert intercept.action == "left_wave" and intercept.put_back == []
    assert {line.status for line in db.session.scalars(select(PickLine))} == {LINE_CANCELLED}
    assert any(p["event"] == "order.intercepted" and p["room"] == f"user:{picker.id}" for p in published)
    assert db.session.get(Order, order_id).status == states.CANCELLED


def test_during_picking_the_picker_is_told_what_to_put_back_and_where(app, published):
    task, picker = assigned_task()
    first = task.lines[0]
    assert floor.apply_event(picker, "dev-1", pick_event(first, qty=1))["status"] == "accepted"
    order_id, sku, bin_code = first.order_id, first.sku.code, first.bin.code
    intercept = services.intercept_order(order_id, "buyer cancelled")
    assert intercept.action == "put_back"
    assert intercept.put_back == [{"sku": sku, "qty": 1, "bin": bin_code}]
    pushed = [p for p in published if p["event"] == "order.intercepted" and p["room"] == f"user:{picker.id}"]
    assert pushed and pushed[0]["payload"]["lines"] == [{"sku": sku, "qty": 1, "bin": bin_code}]
    assert f"put 1 x {sku} back to bin {bin_code}" in pushed[0]["payload"]["message"]
    db.session.expire_all()
    second = db.session.get(PickLine, task.lines[1].id)
    answer = floor.apply_event(picker, "dev-1", pick_event(second, qty=1))
    assert answer["status"] == "rejected"


def test_a_packed_order_tells_the_packers(app, published):
    stocked_warehouse()
    (order,) = allocated_orders([("P1", [("SKU-0", 1)])])
    advance(order, states.PACKED)
    services.intercept_order(order.id, "refunded")
    assert reload(order).status == states.CANCELLED
    assert any(p["event"] == "order.intercepted" and p["room"] == "role:packer" for p in published)


def test_a_labelled_order_has_its_waybill_voided(app, monkeypatch):
    make_carrier("SF")
    orders, parcels = labelled_orders(1)
    voided = []
    monkeypatch.setattr(services, "_void_label", lambda parcel_id, reason: voided.append(parcel_id))
    intercept = services.intercept_order(orders[0].id, "refunded")
    db.session.expire_all()
    assert voided == [parcels[0].id]
    assert intercept.action == "waybill_voided" and intercept.status == INTERCEPT_DONE
    assert reload(orders[0]).status == states.CANCELLED and reserved(orders[0]) == 0


def test_a_waybill_the_carrier_will_not_void_stays_open_for_a_supervisor(app, monkeypatch):
    make_carrier("SF")
    orders, _parcels = labelled_orders(1)

    def refuse(parcel_id, reason):
        raise RuntimeError("carrier says already collected")

    monkeypatch.setattr(services, "_void_label", refuse)
    services.intercept_order(orders[0].id, "refunded")
    db.session.expire_all()
    (open_one,) = services.open_intercepts()
    assert "already collected" in open_one.detail and reload(orders[0]).status == states.CANCELLED


def test_a_shipped_order_is_flagged_for_interception_with_the_carrier(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    intercept = services.intercept_order(orders[0].id, "refunded")
    assert intercept.action == "carrier_intercept" and intercept.status == INTERCEPT_OPEN
    assert reload(orders[0]).status == states.SHIPPED
    assert [i.order_id for i in services.open_intercepts()] == [orders[0].id]
    services.resolve_intercept(intercept.id, actor="boss", note="SF will return it")
    assert services.open_intercepts() == []


def test_intercepting_twice_does_it_once(app):
    order = make_order(status="approved")
    first = services.intercept_order(order.id, "refunded")
    assert services.intercept_order(order.id, "refunded again").id == first.id


def test_a_cancellation_needs_a_reason(app):
    order = make_order(status="approved")
    with pytest.raises(ValidationFailed):
        services.intercept_order(order.id, "  ")
    assert reload(order).status == states.APPROVED
