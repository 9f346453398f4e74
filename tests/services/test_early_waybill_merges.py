"""A merge or split on the review desk changes what an order holds, so a waybill requested before picking
(the 店小秘 flow) whose label shows the old contents is voided with the carrier (the Kuaidi100 sandbox,
over real HTTP): the orders merged away need none, the target and a split's original go back to the
waybill desk for a new one. A label still waiting for its void is neither printed, packed with nor
written back to the platform."""
import pytest
from sqlalchemy import select

from tests.builders import make_user
from tests.builders_waybill_desk import allocated_orders, early_warehouse, sandbox_carrier, stocked
from wms.errors import IllegalTransition
from wms.extensions import db
from wms.orders.models import Order
from wms.review import services as review
from wms.shipping import early_voids, early_waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import EarlyWaybill
from wms.waybill_desk import services as desk


@pytest.fixture
def sandbox():
    box = Sandbox(hang_s=1.0).start()
    yield box
    box.stop()


@pytest.fixture
def floor(app, sandbox):
    """An early-flow warehouse where SKU-A is in stock and SKU-B and SKU-C are not (their orders wait as 缺货,
    still editable on the review desk)."""
    warehouse = early_warehouse()
    stocked(warehouse, (("SKU-A", 10), ("SKU-B", 0), ("SKU-C", 0)))
    sandbox_carrier(sandbox)
    return make_user("reviewer")


def rows():
    db.session.expire_all()
    return db.session.scalars(select(EarlyWaybill).order_by(EarlyWaybill.id)).all()


def waiting_refs():
    return sorted(order.external_id for order in desk.waiting_for_waybill()[0])


def test_a_merge_voids_the_waybills_of_both_orders_and_the_target_waits_for_a_new_one(floor, sandbox):
    target, other = allocated_orders(["T1", "T2"], lines=(("SKU-B", 1),))
    desk.request_waybills([target.id, other.id])
    numbers = [row.tracking_number for row in rows()]
    target = db.session.get(Order, target.id)
    review.merge_orders(target.id, [other.id], actor=floor, expected_version=target.version)
    assert [(row.status, row.live_order_id) for row in rows()] == [("voided", None), ("voided", None)]
    assert [sandbox.waybills[number]["status"] for number in numbers] == ["cancelled", "cancelled"]
    assert len([m for m, _p in sandbox.requests if m == "cancel"]) == 2
    assert waiting_refs() == ["T1"]
    target = db.session.get(Order, target.id)
    assert "voided: the order's contents changed" in " ".join(event.reason for event in target.events)
    desk.request_waybills([target.id])
    fresh = rows()[-1]
    assert (fresh.order_id, fresh.status, fresh.weight_g) == (target.id, "issued", 600)
    assert fresh.tracking_number not in numbers


def test_merging_into_an_order_without_a_waybill_voids_the_absorbed_orders_only(floor, sandbox):
    target, other = allocated_orders(["T1", "T2"], lines=(("SKU-B", 1),))
    desk.request_waybills([other.id])
    [row] = rows()
    target = db.session.get(Order, target.id)
    review.merge_orders(target.id, [other.id], actor=floor, expected_version=target.version)
    [row] = rows()
    assert (row.order_id, row.status) == (other.id, "voided")
    assert sandbox.waybills[row.tracking_number]["status"] == "cancelled"
    assert "voided" not in " ".join(event.reason for event in db.session.get(Order, target.id).events)


def test_a_split_voids_the_originals_waybill_and_both_orders_wait_for_their_own(floor, sandbox):
    [order] = allocated_orders(["T1"], lines=(("SKU-B", 2), ("SKU-C", 1)))
    desk.request_waybills([order.id])
    [row] = rows()
    order = db.session.get(Order, order.id)
    line = next(line for line in order.lines if line.sku_code == "SKU-C")
    part = review.split_order(order.id, {line.id: 1}, actor=floor, expected_version=order.version)
    [row] = rows()
    assert (row.status, row.live_order_id) == ("voided", None)
    assert sandbox.waybills[row.tracking_number]["status"] == "cancelled"
    assert sorted(o.external_id for o in db.session.scalars(select(Order))) == ["T1", "T1-S1"]
    assert db.session.get(Order, part.id).status in ("approved", "backorder", "allocated")
    assert "T1" in waiting_refs()


def test_a_split_that_fails_its_checks_voids_nothing(floor, sandbox):
    [order] = allocated_orders(["T1"], lines=(("SKU-B", 2),))
    desk.request_waybills([order.id])
    order = db.session.get(Order, order.id)
    with pytest.raises(Exception, match="leave something"):
        review.split_order(order.id, {order.lines[0].id: 2}, actor=floor, expected_version=order.version)
    db.session.rollback()
    [row] = rows()
    assert (row.status, row.void_wanted, row.live_order_id) == ("issued", False, order.id)
    assert [m for m, _p in sandbox.requests if m == "cancel"] == []


def test_a_label_whose_void_the_carrier_refused_is_not_printed_packed_with_or_written_back(floor, sandbox):
    target, other = allocated_orders(["T1", "T2"], lines=(("SKU-B", 1),))
    desk.request_waybills([target.id, other.id])
    first = rows()[0]
    number = first.tracking_number
    first.tracking_number = "SF-UNKNOWN"   # the carrier does not know it: it refuses the cancel
    db.session.commit()
    target = db.session.get(Order, target.id)
    review.merge_orders(target.id, [other.id], actor=floor, expected_version=target.version)
    first = rows()[0]
    assert (first.status, first.void_wanted, first.live_order_id) == ("issued", True, target.id)
    assert [pending.id for pending in early_voids.voids_pending()] == [first.id]
    assert desk.to_print("out_of_stock") == [] and desk.tab_counts()["out_of_stock"] == 0
    with pytest.raises(IllegalTransition, match="voided"):
        early_waybills.order_for_tracking("SF-UNKNOWN")
    with pytest.raises(Exception, match="no waybill yet"):
        desk.virtual_ship([target.id])
    assert early_waybills.take_for_seal(target.id) is None
    db.session.rollback()
    first = rows()[0]
    first.tracking_number = number
    db.session.commit()
    assert early_voids.void_early(first.id) == "voided"
    assert sandbox.waybills[number]["status"] == "cancelled" and waiting_refs() == ["T1"]


def test_allocation_splitting_a_waiting_order_voids_its_waybill_by_a_job(floor, sandbox):
    """A 缺货 order with its early waybill; once split shipments are allowed and another warehouse has the rest,
    allocation splits it (inventory cannot import shipping: it enqueues the void by name) and the label showing
    both lines is voided with the carrier; a second run of the job finds nothing to void."""
    from tests.builders_inventory import make_bin, put_stock
    from wms.catalog.models import Sku
    from wms.inventory.services import allocate_orders, set_allocation_settings
    from wms.shipping.early_voids import void_after_split

    [order] = allocated_orders(["AS1"], lines=(("SKU-A", 1), ("SKU-B", 1)))
    assert order.status == "backorder"
    desk.request_waybills([order.id])
    [number] = [row.tracking_number for row in rows()]
    other = early_warehouse("SH1", region="上海市")
    sku_b = db.session.scalar(select(Sku).where(Sku.code == "SKU-B"))
    put_stock(make_bin(other, code="B-01-01-1"), sku_b, 5)
    set_allocation_settings("distance", True)
    allocate_orders([order.id])
    assert [(row.status, row.live_order_id) for row in rows()] == [("voided", None)]
    assert sandbox.waybills[number]["status"] == "cancelled"
    order = db.session.get(Order, order.id)
    assert "voided: the order's contents changed" in " ".join(event.reason for event in order.events)
    assert void_after_split(order.id, "auto-split") == "none"      # idempotent: nothing live left
    assert len([m for m, _p in sandbox.requests if m == "cancel"]) == 1
