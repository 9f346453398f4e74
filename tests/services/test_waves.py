"""Releasing waves: batches in route order, tote slots, orders waved, assignment races."""
import pytest

from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.errors import ConcurrentUpdate, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.picking import services, waves
from wms.picking.models import PickLine, PickTask


def test_release_creates_tasks_whose_lines_follow_the_route_and_name_bin_sku_qty_and_slot(app, published):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("A1", [("SKU-0", 2), ("SKU-5", 1)]), ("A2", [("SKU-3", 1), ("SKU-1", 4)]),
                               ("A3", [("SKU-2", 1)])])
    wave = services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.1)

    assert wave.orders_count == 3
    assert {o.status for o in db.session.scalars(db.select(Order))} == {"waved"}
    tasks = db.session.scalars(db.select(PickTask).order_by(PickTask.id)).all()
    kinds = sorted(t.kind for t in tasks)
    assert kinds == ["multi", "single"]
    multi = next(t for t in tasks if t.kind == "multi")
    lines = multi.lines
    assert [line.seq for line in lines] == list(range(1, len(lines) + 1))
    assert sum(line.qty for line in lines) == 8
    assert {line.tote_slot for line in lines} == {1, 2}
    # walking order: along the route, never back to an earlier aisle in a 1-block S-free optimum here
    assert all(line.bin_id and line.sku_id for line in lines)
    single = next(t for t in tasks if t.kind == "single")
    assert [(line.qty, line.tote_slot) for line in single.lines] == [(1, None)]
    assert any(e["event"] == "wave.released" for e in published)
    assert orders[0].events[-1].to_state == "waved"


def test_the_route_order_of_a_task_is_the_exact_routers_order(app):
    from wms.picking.routing import route
    from wms.picking.layout import Location

    warehouse, _ = stocked_warehouse()
    allocated_orders([("B1", [("SKU-0", 1), ("SKU-1", 1), ("SKU-2", 1), ("SKU-3", 1), ("SKU-4", 1), ("SKU-5", 1)])])
    services.release_wave(warehouse.id, time_budget=0.05)
    task = db.session.scalars(db.select(PickTask)).one()
    layout = services.layout_of(warehouse)
    visited = [Location(*line.bin.location_args()) for line in task.lines]
    assert route(layout, visited).length == pytest.approx(task.distance_m, abs=0.1)
    from wms.picking.routing import tour_length
    assert tour_length(layout, visited) == pytest.approx(task.distance_m, abs=0.1)


def test_releasing_with_nothing_to_pick_is_a_clear_error(app):
    warehouse, _ = stocked_warehouse()
    with pytest.raises(ValidationFailed, match="No allocated orders"):
        services.release_wave(warehouse.id)


def test_the_filter_limits_the_wave_to_one_carrier(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("C1", [("SKU-0", 1)]), ("C2", [("SKU-1", 1)])])
    orders[0].carrier_code = "SF"
    db.session.commit()
    wave = services.release_wave(warehouse.id, wave_filter=waves.WaveFilter(carriers=frozenset({"SF"})))
    assert wave.orders_count == 1
    assert db.session.get(Order, orders[1].id).status == "allocated"


def test_two_pickers_asking_for_work_never_get_the_same_task(app, published):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("D1", [("SKU-0", 2)]), ("D2", [("SKU-1", 2)])])
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=1))
    first, second, third = make_user("picker", "p1"), make_user("picker", "p2"), make_user("picker", "p3")
    a = services.assign_next_task(first, "dev-1")
    b = services.assign_next_task(second, "dev-2")
    assert a.id != b.id and {a.picker_id, b.picker_id} == {first.id, second.id}
    assert services.assign_next_task(third) is None
    assert services.assign_next_task(first).id == a.id  # asking again returns my task
    assert [e["room"] for e in published if e["event"] == "task.assigned"] == [f"user:{first.id}", f"user:{second.id}"]


def test_reassigning_a_task_withdraws_it_from_the_first_picker_live(app, published):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("E1", [("SKU-0", 2)])])
    services.release_wave(warehouse.id)
    first, second = make_user("picker", "p1"), make_user("picker", "p2")
    task = services.assign_next_task(first)
    version = task.version
    services.assign_task(task.id, second.id, actor=make_user("supervisor", "boss"), expected_version=version)
    events = [(e["event"], e["room"]) for e in published if e["event"].startswith("task.")]
    assert ("task.withdrawn", f"user:{first.id}") in events and ("task.assigned", f"user:{second.id}") in events
    with pytest.raises(ConcurrentUpdate):
        services.assign_task(task.id, first.id, expected_version=version)


def test_cancelling_an_unstarted_wave_returns_its_orders_to_allocated(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("F1", [("SKU-0", 1)])])
    wave = services.release_wave(warehouse.id)
    services.cancel_wave(wave.id)
    assert db.session.get(Order, orders[0].id).status == "allocated"
    assert {t.status for t in wave.tasks} == {"cancelled"}
    assert db.session.query(PickLine).count() == 1


def test_an_order_too_heavy_for_one_cart_gets_a_cart_of_its_own(app):
    warehouse, skus = stocked_warehouse()
    skus[0].weight_g = 20_000
    db.session.commit()
    allocated_orders([("HEAVY", [("SKU-0", 2)]), ("LIGHT", [("SKU-1", 2)])])
    wave = services.release_wave(warehouse.id, limits=waves.WaveLimits(max_batch_weight_g=25_000))
    assert wave.orders_count == 2
    tasks = db.session.scalars(db.select(PickTask)).all()
    assert sorted(t.orders_count for t in tasks) == [1, 1]
