"""Every desk path lands an order where the flow continues (issue 14, item 5): hold and approve at each
state, cancel with stock, split and merge, a short pick approved again, a stranded order from before."""
import pytest

from tests.builders import make_order, make_user
from tests.builders_floor import assigned_task, pick_event, short_event
from tests.builders_inventory import make_bin, put_stock
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.inventory.models import Reservation, StockItem, Warehouse
from wms.inventory.services import allocate_orders
from wms.orders import next_steps
from wms.orders.models import Order
from wms.picking import floor, waves
from wms.picking import services as picking
from wms.picking.models import PickLine
from wms.review import services
from wms.review.progress import order_facts


@pytest.fixture
def boss(app):
    return make_user("supervisor", "boss")


def fresh(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id)


def reserved_units():
    return sum(item.reserved for item in db.session.query(StockItem)), sum(r.qty for r in db.session.query(Reservation))


def hold_then_approve(order_id, boss):
    services.hold_order(order_id, reason="call the buyer", actor=boss, expected_version=fresh(order_id).version)
    held = fresh(order_id)
    assert held.status == "on_hold" and db.session.query(Reservation).filter_by(order_id=order_id).count() == 0
    services.approve_order(order_id, actor=boss, expected_version=held.version, reason="buyer confirmed")
    return fresh(order_id)


def test_an_allocated_order_held_and_approved_again_is_allocated_again(app, boss):
    stocked_warehouse()
    (order,) = allocated_orders([("P1", [("SKU-0", 2)])])
    again = hold_then_approve(order.id, boss)
    assert again.status == "allocated" and reserved_units() == (2, 2)
    assert next_steps.next_steps(order_facts([order.id])[order.id])[0].code == "wave"


def test_a_waved_order_held_leaves_its_task_and_is_waved_again_after_approval(app, boss, published):
    task, picker = assigned_task((("H1", [("SKU-0", 2), ("SKU-1", 1)]),))
    line = next(line for line in task.lines if line.qty == 2)
    held_id = line.order_id
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))   # picking: one of two in the tote
    again = hold_then_approve(held_id, boss)
    lines = db.session.query(PickLine).filter_by(order_id=held_id).all()
    assert {line.status for line in lines} == {"cancelled"}
    told = [e for e in published if e["event"] == "order.held"]
    assert told and told[0]["room"] == f"user:{picker.id}" and told[0]["payload"]["lines"][0]["qty"] == 1
    assert again.status == "allocated" and not next_steps.is_stranded(order_facts([held_id])[held_id])


def test_a_short_picked_order_approved_again_is_picked_to_the_end(app, boss):
    task, picker = assigned_task((("H1", [("SKU-0", 2), ("SKU-1", 1)]),))
    line = next(line for line in task.lines if line.sku.code == "SKU-0")
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    order_id = line.order_id
    put_stock(make_bin(db.session.get(Warehouse, task.warehouse_id), code="B-09-09-1", aisle=1), line.sku, 5)
    services.approve_order(order_id, actor=boss, expected_version=fresh(order_id).version, reason="other bin")
    assert fresh(order_id).status == "allocated"
    picking.release_wave(task.warehouse_id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    task = picking.assign_next_task(picker, "dev-1")
    db.session.expire_all()
    for open_line in db.session.query(PickLine).filter_by(task_id=task.id, status="open").all():
        floor.apply_event(picker, "dev-1", pick_event(open_line, qty=open_line.qty))
    assert fresh(order_id).status == "picked"   # the earlier pass's short line no longer keeps it picking


def test_cancelling_a_held_order_that_still_holds_stock_gives_the_stock_back(app, boss):
    stocked_warehouse()
    (order,) = allocated_orders([("P1", [("SKU-0", 2)])])
    order = fresh(order.id)
    order.transition_to("on_hold", reason="from before this fix")  # held with its stock, the old way
    db.session.commit()
    services.cancel_order(order.id, reason="buyer gone", actor=boss, expected_version=fresh(order.id).version)
    assert fresh(order.id).status == "cancelled" and reserved_units() == (0, 0)


def test_an_approved_order_still_holding_its_stock_is_allocated_with_it(app):
    stocked_warehouse()
    (order,) = allocated_orders([("P1", [("SKU-0", 2)])])
    stranded = fresh(order.id)
    stranded.transition_to("on_hold", reason="old hold")
    db.session.commit()
    stranded.transition_to("approved", reason="old approve")  # how orders were stranded before
    db.session.commit()
    summary = allocate_orders([order.id])
    assert summary["allocated"] == [order.id] and summary["failed"] == []
    assert fresh(order.id).status == "allocated" and reserved_units() == (2, 2)


def test_an_approved_order_whose_lines_changed_since_is_allocated_afresh(app):
    stocked_warehouse()
    (order,) = allocated_orders([("P1", [("SKU-0", 2)])])
    stranded = fresh(order.id)
    stranded.transition_to("on_hold", reason="old hold")
    stranded.transition_to("approved", reason="old approve")
    db.session.commit()
    db.session.query(Reservation).filter_by(order_id=order.id).update({"qty": 1})  # no longer covers the line
    db.session.query(StockItem).filter(StockItem.reserved > 0).update({"reserved": 1})
    db.session.commit()
    assert allocate_orders([order.id])["allocated"] == [order.id]
    assert fresh(order.id).status == "allocated" and reserved_units() == (2, 2)


def test_splitting_an_approved_order_sends_the_new_part_to_allocation(app, boss):
    stocked_warehouse()
    order = make_order(external_id="P9", lines=(("SKU-0", 1), ("SKU-1", 2)), status="approved")
    line = next(line for line in order.lines if line.sku_code == "SKU-1")
    part = services.split_order(order.id, {line.id: 1}, actor=boss, expected_version=order.version)
    assert fresh(part.id).status == "allocated" and fresh(order.id).status == "allocated"


def test_a_held_order_that_was_on_the_floor_can_be_split_and_merged(app, boss):
    task, picker = assigned_task((("H1", [("SKU-0", 2), ("SKU-1", 1)]), ("H2", [("SKU-2", 1)])))
    order_id = db.session.query(Order).filter_by(external_id="H1").one().id
    services.hold_order(order_id, reason="check", actor=boss, expected_version=fresh(order_id).version)
    whole = next(line for line in fresh(order_id).lines if line.qty == 1)
    part = services.split_order(order_id, {whole.id: 1}, actor=boss, expected_version=fresh(order_id).version)
    assert [line.sku_code for line in fresh(part.id).lines] == [whole.sku_code]
    assert db.session.query(PickLine).filter_by(order_id=order_id).count() >= 2  # the floor's record stays
