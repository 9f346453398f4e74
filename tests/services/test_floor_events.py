"""Handheld events: exactly once, re-checked, conflicts answered, short picks to review."""
import threading

from tests.builders import make_user
from tests.builders_floor import assigned_task, pick_event, short_event
from wms.extensions import db
from wms.inventory.models import Reservation
from wms.orders.models import Order
from wms.picking import floor, line_events, services
from wms.picking.models import CountTask, FloorEvent, PickLine, PickTask, Wave


def line_of(task, sku_code):
    return next(line for line in task.lines if line.sku.code == sku_code)


def test_the_same_event_sent_three_times_has_one_effect_and_the_same_answer(app):
    task, picker = assigned_task()
    event = pick_event(line_of(task, "SKU-0"), qty=2)
    answers = [floor.apply_event(picker, "dev-1", dict(event)) for _ in range(3)]
    assert [a["status"] for a in answers] == ["accepted"] * 3
    assert [a.get("duplicate", False) for a in answers] == [False, True, True]
    db.session.expire_all()
    assert db.session.get(PickLine, line_of(task, "SKU-0").id).picked_qty == 2
    assert db.session.query(FloorEvent).count() == 1


def test_picking_every_unit_moves_order_task_and_wave_forward(app, published):
    task, picker = assigned_task()
    a, b = line_of(task, "SKU-0"), line_of(task, "SKU-1")
    first = floor.apply_event(picker, "dev-1", pick_event(a, qty=1))
    assert first["code"] == "picked"
    assert first["task"] == {"id": task.id, "status": "in_progress", "lines": 2, "done": 0}
    assert db.session.get(PickTask, task.id).status == "in_progress"
    assert db.session.get(Wave, task.wave_id).status == "picking"
    assert db.session.get(Order, a.order_id).status == "picking"
    floor.apply_event(picker, "dev-1", pick_event(a, qty=2))
    last = floor.apply_event(picker, "dev-1", pick_event(b, qty=1, barcode="SKU-1"))  # SKU code works as a barcode
    assert last["code"] == "line_done" and last["task"] == {"id": task.id, "status": "done", "lines": 2, "done": 2}
    db.session.expire_all()
    order = db.session.get(Order, a.order_id)
    assert order.status == "picked"
    assert [e.to_state for e in order.events][-2:] == ["picking", "picked"]
    assert db.session.get(PickTask, task.id).wave.status == "done"
    assert any(e["event"] == "order.state_changed" and e["payload"]["to"] == "picked" for e in published)


def test_a_wrong_bin_a_wrong_item_and_too_many_are_rejected_with_what_was_expected(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    wrong_bin = floor.apply_event(picker, "dev-1", pick_event(line, bin_code="HZ1-A-99-99-1"))
    assert wrong_bin["status"] == "rejected" and wrong_bin["code"] == "wrong_bin"
    assert line.bin.code in wrong_bin["message"]
    wrong_sku = floor.apply_event(picker, "dev-1", pick_event(line, barcode="6900000000001"))
    assert wrong_sku["code"] == "wrong_sku" and "SKU-0" in wrong_sku["message"]
    too_many = floor.apply_event(picker, "dev-1", pick_event(line, qty=4))
    assert too_many["code"] == "too_many" and "3" in too_many["message"]
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 0


def test_malformed_events_are_rejected_and_change_nothing(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    for bad in [{}, {"uuid": "short"}, {"uuid": "x" * 20, "kind": "pick"}, "nonsense",
                {**pick_event(line), "qty": "2"}, {**pick_event(line), "qty": 0}, {**pick_event(line), "kind": "fly"}]:
        answer = floor.apply_event(picker, "dev-1", bad)
        assert answer["status"] == "rejected", bad
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 0


def test_a_reassigned_task_rejects_the_old_devices_events(app):
    task, picker = assigned_task()
    other = make_user("picker", "picker2")
    services.assign_task(task.id, other.id)
    answer = floor.apply_event(picker, "dev-1", pick_event(line_of(task, "SKU-0")))
    assert answer["status"] == "rejected" and answer["code"] == "task_not_yours"
    assert floor.apply_event(other, "dev-2", pick_event(line_of(task, "SKU-0")))["status"] == "accepted"


def test_a_cancelled_order_tells_the_picker_to_put_the_items_back(app):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    order = db.session.get(Order, line.order_id)
    order.transition_to("cancelled", reason="buyer refunded")
    db.session.commit()
    answer = floor.apply_event(picker, "dev-1", pick_event(line, qty=2))
    assert answer["code"] == "order_cancelled"
    assert answer["message"] == f"Order H1 was cancelled: put 2 x SKU-0 back to bin {line.bin.code}"


def test_a_short_pick_holds_the_order_with_what_was_found_raises_a_count_and_lets_the_task_go_on(app, published):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-1", 2)])))
    short_line, other_line = line_of(task, "SKU-0"), line_of(task, "SKU-1")
    floor.apply_event(picker, "dev-1", pick_event(short_line, qty=1))
    answer = floor.apply_event(picker, "dev-1", short_event(short_line, found=1, reason="bin empty"))
    assert answer["status"] == "accepted" and answer["line"]["status"] == "short"
    db.session.expire_all()
    order = db.session.get(Order, short_line.order_id)
    assert order.status == "on_hold"
    [reason] = order.hold_reasons
    assert (reason["code"], reason["detail"]) == (
        "shortage", f"SKU-0: expected 3, found 1 at {short_line.bin.code} (bin empty)")
    assert db.session.query(Reservation).filter_by(order_id=order.id).count() == 0
    count = db.session.query(CountTask).one()
    assert (count.bin_id, count.sku_id) == (short_line.bin_id, short_line.sku_id)
    assert any(e["event"] == "shortage.flagged" and e["room"] == "role:reviewer" for e in published)
    # the rest of the task goes on
    assert floor.apply_event(picker, "dev-1", pick_event(other_line, qty=2))["task"]["status"] == "done"


def test_a_short_pick_that_is_not_short_is_refused(app):
    task, picker = assigned_task()
    answer = floor.apply_event(picker, "dev-1", short_event(line_of(task, "SKU-0"), found=3))
    assert answer["code"] == "short_too_many"
    assert db.session.get(Order, line_of(task, "SKU-0").order_id).status == "waved"


def test_two_devices_racing_on_the_last_unit_never_pick_it_twice(app):
    task, picker = assigned_task((("H1", [("SKU-1", 1)]),))
    line = task.lines[0]
    events = [pick_event(line), pick_event(line)]
    barrier = threading.Barrier(2)
    answers = []

    def run(event):
        with app.app_context():
            from wms.auth.models import User

            user = db.session.get(User, picker.id)
            barrier.wait()
            answers.append(floor.apply_event(user, "dev", event))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(e,)) for e in events]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(a["status"] for a in answers) == ["accepted", "rejected"]
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 1


def test_an_order_cancelled_between_the_line_read_and_the_first_pick_is_rejected_and_nothing_is_picked(
        app, monkeypatch):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    read = line_events.load_line

    def read_then_cancel(conn, line_id, barcode=""):
        seen = read(conn, line_id, barcode)  # the order is still waved here...
        db.session.execute(Order.__table__.update().where(Order.id == seen["order_id"]).values(status="cancelled"))
        return seen  # ...and cancelled by someone else before the pick lands

    monkeypatch.setattr(line_events, "load_line", read_then_cancel)
    answer = floor.apply_event(picker, "dev-1", pick_event(line, qty=2))
    assert answer["status"] == "rejected" and answer["code"] == "order_cancelled"
    assert "put 2 x SKU-0 back" in answer["message"]
    db.session.expire_all()
    assert db.session.get(PickLine, line.id).picked_qty == 0
    assert db.session.get(PickTask, task.id).status == "assigned"
    assert db.session.query(FloorEvent).filter_by(accepted=False).count() == 1


def test_a_first_pick_on_an_order_another_picker_already_started_is_accepted_once(app, monkeypatch):
    task, picker = assigned_task()
    line = line_of(task, "SKU-0")
    read = line_events.load_line

    def read_then_other_picker_starts(conn, line_id, barcode=""):
        seen = read(conn, line_id, barcode)
        db.session.execute(Order.__table__.update().where(Order.id == seen["order_id"]).values(status="picking"))
        return seen

    monkeypatch.setattr(line_events, "load_line", read_then_other_picker_starts)
    answer = floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    assert answer["status"] == "accepted"
    db.session.expire_all()
    order = db.session.get(Order, line.order_id)
    assert order.status == "picking" and not [e for e in order.events if e.to_state == "picking"]
    assert db.session.get(PickLine, line.id).picked_qty == 1
