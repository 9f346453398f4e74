"""The put wall: a wave released to it as one pick-all cart, the sorter's scans (exactly once), the
exception paths (wrong scans, no open slot, short picks, cancelled orders), clearing, and the pack
station opening a complete slot's order by its code."""
from types import SimpleNamespace

import pytest

from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from tests.builders_putwall import clear, make_wall, pick_everything, put, slots, wall_with_wave
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.packing import services as packing
from wms.picking.models import PickTask, Wave
from wms.putwall import releasing, wall_setup
from wms.putwall.models import PutWallItem, PutWallSlot

B0, B1, B2 = "6900000000000", "6900000000001", "6900000000002"  # SKU-0, SKU-1, SKU-2


@pytest.fixture
def sorter(app):
    return make_user("packer", "sorter1")


def test_a_wave_released_to_a_wall_is_one_cart_with_each_order_in_its_own_slot(app):
    wall, wave, task, _picker, orders = wall_with_wave()
    assert db.session.query(PickTask).filter_by(wave_id=wave.id).count() == 1
    assert task.kind == "wall" and {line.tote_slot for line in task.lines} == {None}
    shown = slots(wall)
    assert [shown[c]["order"] for c in ("PW1-A01", "PW1-A02", "PW1-A03")] == ["W1", "W2", "W3"]
    assert shown["PW1-A01"]["total"] == 3 and shown["PW1-A01"]["status"] == "sorting"
    assert all(shown[c]["status"] == "free" for c in ("PW1-B01", "PW1-B02", "PW1-B03"))
    assert all(o.status == "waved" for o in db.session.query(Order).filter(Order.id.in_([o.id for o in orders])))


def test_a_wall_takes_no_more_orders_than_it_has_free_slots(app):
    wall, wave, *_ = wall_with_wave(rows=1, columns=2)
    assert wave.orders_count == 2
    assert db.session.query(Order).filter_by(status="allocated").count() == 1
    with pytest.raises(ValidationFailed, match="Every slot of wall PW1 is taken"):
        releasing.release_to_wall(wall.id, time_budget=0.05)


def test_a_unit_goes_to_the_first_slot_needing_it_and_the_last_one_completes_the_slot(app, sorter):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker)
    first = put(sorter, wall, B0)
    assert first["status"] == "accepted" and first["slot"] == "PW1-A01" and first["code"] == "wall_put"
    assert put(sorter, wall, B0)["slot"] == "PW1-A01"
    assert put(sorter, wall, B0)["slot"] == "PW1-A02"   # W1 has its two: W2 is next
    assert slots(wall)["PW1-A02"]["status"] == "complete"
    last = put(sorter, wall, B1)
    assert last["code"] == "wall_slot_complete" and last["slot"] == "PW1-A01"
    assert slots(wall)["PW1-A01"]["status"] == "complete"


def test_a_scan_replayed_is_answered_as_before_and_puts_nothing_twice(app, sorter):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker)
    first = put(sorter, wall, B0, event_uuid="wall-evt-0001")
    again = put(sorter, wall, B0, event_uuid="wall-evt-0001")
    assert again["duplicate"] is True and again["slot"] == first["slot"]
    assert slots(wall)["PW1-A01"]["units"] == 1


def test_unknown_barcodes_and_items_for_no_order_on_the_wall_are_refused_and_change_nothing(app, sorter):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker)
    unknown = put(sorter, wall, "NOPE-123")
    assert unknown["status"] == "rejected" and unknown["code"] == "wall_unknown_item" and "NOPE-123" in unknown["message"]
    elsewhere = put(sorter, wall, "6900000000005")   # SKU-5: no order of this wall has it
    assert elsewhere["code"] == "wall_not_on_wall"
    assert sum(s["units"] for s in slots(wall).values()) == 0


def test_more_units_than_were_picked_are_refused(app, sorter):
    wall, *_ = wall_with_wave()   # nothing picked yet
    answer = put(sorter, wall, B2)
    assert answer["code"] == "wall_not_picked" and answer["values"]["picked"] == 0


def test_a_unit_whose_slots_are_all_full_has_no_open_slot(app, sorter):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker)
    put(sorter, wall, B2)
    db.session.execute(PutWallItem.__table__.update().values(put_qty=0))  # the slot was emptied by hand: not picked again
    db.session.commit()
    put(sorter, wall, B2)
    answer = put(sorter, wall, B2)
    assert answer["code"] in ("wall_no_open_slot", "wall_not_picked")
    assert slots(wall)["PW1-A03"]["units"] == 1


def test_a_short_pick_stops_its_slot_and_its_units_are_refused_then_cleared(app, sorter):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker, short={"W3": 0})
    shown = slots(wall)
    assert shown["PW1-A03"]["status"] == "stopped" and shown["PW1-A03"]["stopped"] == "on_hold"
    answer = put(sorter, wall, B2)
    assert answer["code"] in ("wall_order_held", "wall_not_picked")


def test_an_order_cancelled_in_its_slot_is_shown_stopped_its_units_refused_and_the_slot_cleared(app, sorter):
    wall, _wave, task, picker, orders = wall_with_wave()
    pick_everything(task, picker)
    put(sorter, wall, B0)
    order = db.session.get(Order, orders[0].id)
    order.transition_to("cancelled", reason="buyer refunded")
    db.session.commit()
    shown = slots(wall)
    assert shown["PW1-A01"]["status"] == "stopped" and shown["PW1-A01"]["stopped"] == "cancelled"
    refused = put(sorter, wall, B1)   # only W1 wanted SKU-1
    assert refused["code"] == "wall_order_cancelled" and "W1" in refused["message"]
    assert put(sorter, wall, B0)["slot"] == "PW1-A02"   # W1's SKU-0 goes to W2 now
    cleared = clear(sorter, wall, "PW1-A01")
    assert cleared["status"] == "accepted" and cleared["values"]["units"] == 1
    assert slots(wall)["PW1-A01"]["status"] == "free"


def test_only_a_stopped_slot_is_cleared(app, sorter):
    wall, *_ = wall_with_wave()
    answer = clear(sorter, wall, "PW1-A01")
    assert answer["code"] == "wall_slot_not_stopped"
    assert clear(sorter, wall, "PW9-Z99")["code"] == "wall_unknown_slot"
    assert slots(wall)["PW1-A01"]["order"] == "W1"


def test_a_picker_may_not_sort_and_an_unknown_wall_is_refused(app, sorter):
    wall, _wave, _task, picker, _orders = wall_with_wave()
    assert put(picker, wall, B0)["code"] == "wall_forbidden"
    assert put(sorter, SimpleNamespace(code="XX"), B0)["code"] == "wall_unknown"


def test_the_station_opens_a_complete_slots_order_by_its_code_and_refuses_an_incomplete_one(app, sorter):
    wall, _wave, task, picker, orders = wall_with_wave()
    pick_everything(task, picker)
    put(sorter, wall, B2)
    assert packing.find_order("PW1-A03").external_id == "W3"
    with pytest.raises(IllegalTransition, match="PW1-A01 is not ready to pack"):
        packing.find_order("PW1-A01")
    with pytest.raises(NotFound, match="PW1-B01 is empty"):
        packing.find_order("PW1-B01")


def test_a_packed_order_frees_its_slot_for_the_next_wave(app, sorter):
    wall, _wave, task, picker, orders = wall_with_wave(rows=1, columns=3)
    pick_everything(task, picker)
    put(sorter, wall, B2)
    order = db.session.get(Order, orders[2].id)
    order.transition_to("packed", reason="sealed")
    db.session.commit()
    assert slots(wall)["PW1-A03"]["status"] == "free"
    allocated_orders([("W4", [("SKU-3", 1)])], channel=order.channel)
    wave = releasing.release_to_wall(wall.id, time_budget=0.05)
    assert wave.orders_count == 1 and slots(wall)["PW1-A03"]["order"] == "W4"


def test_a_wall_is_validated_and_keeps_its_size_while_it_holds_orders(app):
    warehouse, _ = stocked_warehouse()
    with pytest.raises(ValidationFailed):
        wall_setup.save_wall({"code": "PW 1", "warehouse_id": str(warehouse.id), "rows": "2", "columns": "2"})
    with pytest.raises(ValidationFailed):
        wall_setup.save_wall({"code": "PW1", "warehouse_id": str(warehouse.id), "rows": "0", "columns": "2"})
    with pytest.raises(ValidationFailed):
        wall_setup.save_wall({"code": "PW1", "warehouse_id": "999", "rows": "2", "columns": "2"})
    assert db.session.query(PutWallSlot).count() == 0
    allocated_orders([("W1", [("SKU-0", 1)])])
    wall = make_wall(warehouse, rows=1, columns=2)
    releasing.release_to_wall(wall.id, time_budget=0.05)
    with pytest.raises(ValidationFailed, match="has orders in its slots"):
        wall_setup.save_wall({"code": "PW1", "warehouse_id": str(warehouse.id), "rows": "3", "columns": "3"})
    assert db.session.query(PutWallSlot).count() == 2


def test_no_matching_order_releases_nothing_to_the_wall(app):
    warehouse, _ = stocked_warehouse()
    wall = make_wall(warehouse)
    with pytest.raises(ValidationFailed, match="No allocated orders"):
        releasing.release_to_wall(wall.id, time_budget=0.05)
    assert db.session.query(Wave).count() == 0 and all(s["status"] == "free" for s in slots(wall).values())


def test_slots_go_to_the_wave_s_most_urgent_orders_first_not_by_order_id(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("U1", [("SKU-0", 1)]), ("U2", [("SKU-1", 1)]), ("U3", [("SKU-2", 1)])])
    by_ref = {o.external_id: o for o in orders}
    db.session.get(Order, by_ref["U3"].id).priority = 9   # the newest order, most urgent
    db.session.get(Order, by_ref["U2"].id).priority = 5
    db.session.commit()
    wall = make_wall(warehouse, rows=1, columns=3)
    releasing.release_to_wall(wall.id, time_budget=0.05)
    shown = slots(wall)
    assert [shown[c]["order"] for c in ("PW1-A01", "PW1-A02", "PW1-A03")] == ["U3", "U2", "U1"]
