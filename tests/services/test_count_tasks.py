"""A short pick closes its loop: the missing units leave the bin at once, the bin's other orders move
or wait, a count task is counted on the handheld, and the count releases the backorders it covers."""
import uuid

from tests.builders import make_order, make_user
from tests.builders_floor import assigned_task, pick_event, short_event
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory import counts
from wms.inventory.models import CountTask, Reservation, StockItem, StockMovement
from wms.inventory.services import allocate_orders, recompute_on_hand
from wms.orders.models import Order
from wms.picking import floor
from wms.picking.models import FloorEvent, PickLine
from wms.review.services import approve_order


def sku(code):
    return db.session.query(Sku).filter_by(code=code).one()


def stock(bin_id, sku_code):
    db.session.expire_all()
    return db.session.query(StockItem).filter_by(bin_id=bin_id, sku_id=sku(sku_code).id).one()


def reserved_bins(order_id):
    db.session.expire_all()
    return sorted((r.stock_item.bin_id, r.qty) for r in db.session.query(Reservation).filter_by(order_id=order_id))


def status(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def allocated(external_id, lines):
    order = make_order(external_id=external_id, lines=lines, status="approved")
    assert allocate_orders([order.id])["allocated"] == [order.id]
    return order.id


def count_event(task, qty, bin_code=None, barcode=None):
    return {"uuid": str(uuid.uuid4()), "kind": "count", "task_id": 0, "count_id": task.id, "qty": qty, "seq": 1,
            "bin": bin_code or task.bin.barcode, "barcode": barcode or task.sku.code}


def short_at_empty_bin():
    """H1 wants 3 x SKU-0 from its bin; the picker finds none. Returns (line, picker)."""
    task, picker = assigned_task((("H1", [("SKU-0", 3)]),))
    line = task.lines[0]
    return line, picker


def test_a_short_pick_takes_the_missing_units_out_of_the_bin_at_once_pending_a_count(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", pick_event(line, qty=1))
    answer = floor.apply_event(picker, "dev-1", short_event(line, found=1))
    assert answer["status"] == "accepted"
    task = db.session.query(CountTask).one()
    assert (task.bin_id, task.sku_id, task.status, task.missing_qty) == (line.bin_id, line.sku_id, "open", 2)
    assert stock(line.bin_id, "SKU-0").on_hand == 48 and stock(line.bin_id, "SKU-0").reserved == 0
    [row] = db.session.query(StockMovement).filter_by(kind="short").all()
    assert (row.bin_id, row.qty, row.reference) == (line.bin_id, -2, f"count:{task.id}")
    assert "pending count" in row.reason
    assert recompute_on_hand() == []


def test_a_second_short_at_the_same_bin_grows_the_open_count_task(app):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-0", 2)])))
    first, second = sorted(task.lines, key=lambda line: line.order_id)
    assert floor.apply_event(picker, "dev-1", short_event(first, found=0))["status"] == "accepted"
    assert floor.apply_event(picker, "dev-1", short_event(second, found=0))["status"] == "accepted"
    [count] = db.session.query(CountTask).all()
    assert count.missing_qty == 5
    assert stock(first.bin_id, "SKU-0").on_hand == 45


def test_an_allocated_order_reserved_in_the_bin_found_short_moves_to_another_bin(app):
    line, picker = short_at_empty_bin()
    other_bin = make_bin(db.session.get(type(line.bin), line.bin_id).warehouse, code="B-09-09-1", aisle=1)
    put_stock(other_bin, sku("SKU-0"), 20)
    h2 = allocated("H2", [("SKU-0", 5)])
    assert reserved_bins(h2) == [(line.bin_id, 5)]  # the fuller bin first
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    assert reserved_bins(h2) == [(other_bin.id, 5)]
    assert status(h2) == "allocated"
    assert stock(line.bin_id, "SKU-0").reserved == 0 and stock(other_bin.id, "SKU-0").reserved == 5
    assert any("moved off bin" in str(e.reason) for e in db.session.get(Order, h2).events)


def test_an_allocated_order_no_other_bin_can_serve_is_backordered_then_allocated_elsewhere(app):
    line, picker = short_at_empty_bin()
    h2 = allocated("H2", [("SKU-0", 5)])
    far = make_warehouse(code="BJ1", region="北京市", priority=200)
    put_stock(make_bin(far, code="A-01-01-1"), sku("SKU-0"), 10)
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    # backordered in the transaction of the short pick, then allocation found the other warehouse
    assert status(h2) == "allocated"
    assert [bin_id for bin_id, _ in reserved_bins(h2)] != [line.bin_id]
    assert [e.to_state for e in db.session.get(Order, h2).events][-2:] == ["backorder", "allocated"]


def test_an_allocated_order_with_no_stock_anywhere_else_waits_as_a_backorder(app):
    line, picker = short_at_empty_bin()
    h2 = allocated("H2", [("SKU-0", 5)])
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    assert status(h2) == "backorder" and reserved_bins(h2) == []
    assert stock(line.bin_id, "SKU-0").reserved == 0


def test_a_waved_order_still_to_pick_at_the_bin_moves_its_line_to_another_bin(app, published):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-0", 2)])))
    first, second = sorted(task.lines, key=lambda line: line.order_id)
    other_bin = make_bin(first.bin.warehouse, code="B-09-09-1", aisle=1)
    put_stock(other_bin, sku("SKU-0"), 20)
    floor.apply_event(picker, "dev-1", short_event(first, found=0))
    db.session.expire_all()
    moved = db.session.get(PickLine, second.id)
    assert moved.bin_id == other_bin.id and moved.status == "open"
    assert reserved_bins(second.order_id) == [(other_bin.id, 2)]
    assert status(second.order_id) == "waved"
    assert {"event": "task.assigned", "room": f"user:{picker.id}"}.items() <= next(
        e for e in published if e["event"] == "task.assigned").items()  # the handheld reloads its task
    # the picker picks it at the new bin
    answer = floor.apply_event(picker, "dev-1", pick_event(moved, qty=2, bin_code=other_bin.barcode))
    assert answer["status"] == "accepted", answer


def test_approving_the_short_held_order_allocates_from_another_bin_never_the_one_found_short(app):
    line, picker = short_at_empty_bin()
    other_bin = make_bin(line.bin.warehouse, code="B-09-09-1", aisle=1)
    put_stock(other_bin, sku("SKU-0"), 5)  # fewer than the bin found short still has on the books
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    order = db.session.get(Order, line.order_id)
    approve_order(order.id, actor=make_user("reviewer", "rev"), expected_version=order.version, reason="recount")
    assert status(order.id) == "allocated"
    assert reserved_bins(order.id) == [(other_bin.id, 3)]


def test_approving_the_short_held_order_with_no_other_bin_backorders_it(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    order = db.session.get(Order, line.order_id)
    approve_order(order.id, actor=make_user("reviewer", "rev"), expected_version=order.version, reason="recount")
    assert status(order.id) == "backorder" and reserved_bins(order.id) == []


def test_the_count_sets_the_stock_through_the_ledger_and_releases_the_backorders_it_covers(app, published):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    order = db.session.get(Order, line.order_id)
    approve_order(order.id, actor=make_user("reviewer", "rev"), expected_version=order.version, reason="recount")
    assert status(order.id) == "backorder"
    task = db.session.query(CountTask).one()
    counter = make_user("picker", "counter")
    answer = floor.apply_event(counter, "dev-2", count_event(task, 4))
    assert answer["status"] == "accepted" and answer["code"] == "count_recorded", answer
    assert answer["message"] == f"Count recorded: 4 x SKU-0 in bin {line.bin.code}"
    db.session.expire_all()
    task = db.session.get(CountTask, task.id)
    assert (task.status, task.counted_qty, task.counted_by_id) == ("done", 4, counter.id)
    count_row = db.session.query(StockMovement).filter_by(kind="count").one()
    assert (count_row.qty, count_row.reference) == (4 - 47, f"count:{task.id}")
    assert status(order.id) == "allocated" and reserved_bins(order.id) == [(line.bin_id, 3)]
    assert stock(line.bin_id, "SKU-0").on_hand == 4
    assert recompute_on_hand() == []
    assert any(e["event"] == "count.done" for e in published)


def test_a_count_below_what_a_backorder_needs_leaves_it_waiting(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    order = db.session.get(Order, line.order_id)
    approve_order(order.id, actor=make_user("reviewer", "rev"), expected_version=order.version, reason="recount")
    task = db.session.query(CountTask).one()
    assert floor.apply_event(picker, "dev-1", count_event(task, 2))["status"] == "accepted"
    assert status(order.id) == "backorder" and stock(line.bin_id, "SKU-0").on_hand == 2


def test_the_count_keeps_on_the_books_what_was_picked_out_of_the_bin_and_not_shipped(app):
    task, picker = assigned_task((("H1", [("SKU-0", 3)]), ("H2", [("SKU-0", 2)])))
    first, second = sorted(task.lines, key=lambda line: line.order_id)
    floor.apply_event(picker, "dev-1", pick_event(second, qty=2))  # H2's two units are in the tote
    floor.apply_event(picker, "dev-1", short_event(first, found=0))
    count = db.session.query(CountTask).one()
    assert floor.apply_event(picker, "dev-1", count_event(count, 10))["status"] == "accepted"
    item = stock(first.bin_id, "SKU-0")
    assert (item.on_hand, item.reserved) == (12, 2)
    assert recompute_on_hand() == []


def test_the_same_count_sent_three_times_counts_once(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    task = db.session.query(CountTask).one()
    event = count_event(task, 7)
    answers = [floor.apply_event(picker, "dev-1", dict(event)) for _ in range(3)]
    assert [a["status"] for a in answers] == ["accepted"] * 3
    assert [a.get("duplicate", False) for a in answers] == [False, True, True]
    assert db.session.query(StockMovement).filter_by(kind="count").count() == 1
    assert db.session.query(FloorEvent).filter_by(kind="count").count() == 1


def test_a_second_count_of_a_counted_bin_is_refused_and_changes_nothing(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    task = db.session.query(CountTask).one()
    floor.apply_event(picker, "dev-1", count_event(task, 7))
    again = floor.apply_event(make_user("picker", "other"), "dev-2", count_event(task, 30))
    assert again["status"] == "rejected" and again["code"] == "count_closed"
    assert again["message"] == f"SKU-0 in bin {line.bin.code} was already counted"
    assert stock(line.bin_id, "SKU-0").on_hand == 7


def test_a_wrong_bin_a_wrong_item_a_bad_quantity_or_an_unknown_task_is_refused_and_changes_nothing(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    task = db.session.query(CountTask).one()
    cases = {"wrong_bin": count_event(task, 5, bin_code="HZ1-NOPE"),
             "wrong_sku": count_event(task, 5, barcode="6900000000005"),
             "bad_count": count_event(task, -1),
             "too_many": count_event(task, 10**6 + 1),
             "unknown_count": {**count_event(task, 5), "count_id": task.id + 100}}
    for case, event in cases.items():
        answer = floor.apply_event(picker, "dev-1", event)
        code = "bad_count" if case == "too_many" else case
        assert (answer["status"], answer["code"]) == ("rejected", code), answer
    for hostile in ({**count_event(task, 5), "qty": True}, {**count_event(task, 5), "qty": "5"},
                    {**count_event(task, 5), "count_id": 2**40}, {**count_event(task, 5), "bin": "A\x00"}):
        assert floor.apply_event(picker, "dev-1", hostile)["status"] == "rejected", hostile
    db.session.expire_all()
    assert db.session.get(CountTask, task.id).status == "open"
    assert stock(line.bin_id, "SKU-0").on_hand == 47
    assert db.session.query(StockMovement).filter_by(kind="count").count() == 0


def test_the_open_count_tasks_list_what_the_counting_screen_needs(app):
    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    [task] = counts.open_count_tasks()
    assert task["bin"]["code"] == line.bin.code and task["bin"]["barcode"] == line.bin.barcode
    assert task["sku"]["code"] == "SKU-0" and task["sku"]["barcodes"] == ["6900000000000"]
    assert task["missing"] == 3 and task["status"] == "open"


def test_a_cycle_count_of_the_bin_from_the_stock_page_closes_its_count_task(app):
    from wms.inventory.services import count_bin

    line, picker = short_at_empty_bin()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    assert count_bin(line.bin_id, {line.sku_id: 6}, actor=make_user("admin", "boss")) == {line.sku_id: 6}
    db.session.expire_all()
    task = db.session.query(CountTask).one()
    assert (task.status, task.counted_qty) == ("done", 6)
    assert counts.open_count_tasks() == []


def test_a_held_order_that_kept_stock_in_the_bin_found_short_gives_it_back(app):
    line, picker = short_at_empty_bin()
    h2 = allocated("H2", [("SKU-0", 5)])
    order = db.session.get(Order, h2)
    order.transition_to("on_hold", reason="buyer asked to wait")  # as an older hold did: stock kept
    db.session.commit()
    floor.apply_event(picker, "dev-1", short_event(line, found=0))
    assert status(h2) == "on_hold" and reserved_bins(h2) == []
    assert stock(line.bin_id, "SKU-0").reserved == 0
    assert recompute_on_hand() == []
