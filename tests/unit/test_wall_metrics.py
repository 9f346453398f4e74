"""Wall arithmetic and the push throttle: pure, hand-checkable."""
from datetime import datetime, timedelta

from wms.dashboard import metrics
from wms.dashboard.push import LocalStore, Throttle

NOW = datetime(2026, 11, 22, 6, 30, 20)


def test_a_status_change_moves_one_order_from_one_key_to_another():
    assert metrics.order_deltas(("waved", "sf"), ("picking", "sf")) == {"waved|sf": -1, "picking|sf": 1}
    assert metrics.order_deltas(None, ("imported", None)) == {"imported|": 1}
    assert metrics.order_deltas(("packed", "sf"), ("packed", "sf")) == {}


def test_hold_codes_count_only_while_on_hold_and_once_per_code():
    reasons = [{"code": "address"}, {"code": "address"}, {"code": "risk"}]
    assert metrics.hold_codes("on_hold", reasons) == ("address", "risk")
    assert metrics.hold_codes("approved", reasons) == ()
    assert metrics.hold_deltas(("address",), ("shortage",)) == {"address": -1, "shortage": 1}


def test_pick_rates_keep_the_last_sixty_minutes_only():
    buckets = [(NOW.replace(second=0) - timedelta(minutes=59), 1, 5, 2), (NOW.replace(second=0), 2, 7, 3),
               (NOW.replace(second=0) - timedelta(minutes=60), 1, 100, 100)]
    rates = metrics.pick_rates(buckets, NOW, {1: "Li", 2: "Wang"})
    assert (rates["units"], rates["lines"]) == (12, 5)
    assert [p["name"] for p in rates["pickers"]] == ["Wang", "Li"]
    assert rates["series"][0] == 5 and rates["series"][-1] == 7 and sum(rates["series"]) == 12


def test_a_near_cut_off_with_orders_waiting_is_critical_and_an_empty_one_is_ok():
    open_counts = metrics.open_by_carrier({"picked|sf": 3, "labelled|sf": 1, "shipped|sf": 9, "picked|yto": 0})
    board = metrics.cutoff_board([("sf", "SF", NOW + timedelta(minutes=20)), ("yto", "YTO", NOW + timedelta(minutes=5)),
                                  ("zto", "ZTO", NOW + timedelta(minutes=90)), ("ems", "EMS", None)],
                                 {**open_counts, "zto": {"to_pick": 2}}, NOW)
    levels = {row["carrier"]: (row["level"], row["open"]) for row in board}
    assert levels == {"sf": ("critical", 4), "yto": ("ok", 0), "zto": ("at_risk", 2)}
    assert board[0]["carrier"] == "yto"  # soonest first


def test_shipped_day_is_the_warehouse_local_date():
    assert metrics.local_day(datetime(2026, 11, 21, 17, 0), "Asia/Shanghai") == "2026-11-22"
    assert metrics.local_day(datetime(2026, 11, 21, 15, 59), "Asia/Shanghai") == "2026-11-21"


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_a_burst_pushes_once_at_once_and_once_when_the_second_is_over():
    clock = Clock()
    throttle = Throttle(LocalStore(clock), interval_ms=1000)
    decisions = [throttle.changed() for _ in range(50)]
    assert decisions[0] == "push" and decisions[1] == "schedule" and set(decisions[2:]) == {"pending"}
    clock.t += throttle.wait_ms() / 1000
    assert throttle.trailing() == "push"
    clock.t += 1.0
    assert throttle.changed() == "push"  # a quiet second later the next change goes out at once


def test_no_trailing_push_when_nothing_changed_after_the_first():
    clock = Clock()
    throttle = Throttle(LocalStore(clock), interval_ms=1000)
    assert throttle.changed() == "push"
    clock.t += 1.0
    assert throttle.trailing() == "idle"


def test_trailing_waits_again_when_another_process_pushed_first():
    clock = Clock()
    store = LocalStore(clock)
    a, b = Throttle(store), Throttle(store)
    assert a.changed() == "push"
    assert b.changed() == "schedule"
    clock.t += 1.0
    assert a.changed() == "push"      # a new second: process a pushed (and cleared dirty)
    b_store_dirty_again = b.changed()  # a change lands during a's second
    assert b_store_dirty_again in ("schedule", "pending")
    assert b.trailing() == "again"     # b's slot was taken: it waits for the next second
    clock.t += 1.0
    assert b.trailing() == "push"


def test_process_gate_asks_the_shared_store_once_per_trailing_push():
    from wms.dashboard.push import ProcessGate

    gate = ProcessGate()
    assert gate.should_ask()          # the first change asks Redis (and starts the trailing task)
    assert not any(gate.should_ask() for _ in range(500))  # the burst only marks the gate
    assert gate.take_dirty() and not gate.take_dirty()     # handed over once, at the trailing push
    assert gate.finish()              # nothing new since: the trailing task ends
    assert gate.should_ask()          # and the next change asks again


def test_process_gate_keeps_the_trailing_task_alive_for_a_change_during_its_last_step():
    from wms.dashboard.push import ProcessGate

    gate = ProcessGate()
    gate.should_ask()
    gate.take_dirty()
    assert not gate.should_ask()      # a change lands after the hand-over...
    assert not gate.finish()          # ...so the task goes round again instead of dropping it
    assert gate.take_dirty() and gate.finish()


def test_process_gate_after_a_failed_ask_asks_again():
    from wms.dashboard.push import ProcessGate

    gate = ProcessGate()
    gate.should_ask()
    gate.asked_failed()
    assert gate.should_ask()
