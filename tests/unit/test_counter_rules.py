"""Which counter keys a change moves (wms.counters.rules): pure, hand-checkable."""
from datetime import datetime

from wms.counters import rules


def test_a_status_change_moves_one_order_from_one_key_to_another():
    assert rules.order_deltas(("waved", "sf"), ("picking", "sf")) == {"waved|sf": -1, "picking|sf": 1}
    assert rules.order_deltas(None, ("imported", None)) == {"imported|": 1}
    assert rules.order_deltas(("packed", "sf"), ("packed", "sf")) == {}
    assert rules.split_order_key("imported|") == ("imported", "")


def test_many_orders_of_one_carrier_move_their_count_at_once():
    assert rules.moved_deltas("yto", "labelled", "shipped", 3) == {"labelled|yto": -3, "shipped|yto": 3}
    assert rules.moved_deltas("yto", "packed", "packed", 3) == {}


def test_hold_codes_count_only_while_on_hold_and_once_per_code():
    reasons = [{"code": "address"}, {"code": "address"}, {"code": "risk"}]
    assert rules.hold_codes("on_hold", reasons) == ("address", "risk")
    assert rules.hold_codes("approved", reasons) == ()
    assert rules.hold_deltas(("address",), ("shortage",)) == {"address": -1, "shortage": 1}


def test_only_a_move_into_shipped_counts_as_shipping():
    assert rules.goes_out("labelled", "shipped") and rules.goes_out(None, "shipped")
    assert not rules.goes_out("shipped", "shipped") and not rules.goes_out("shipped", "delivered")


def test_merge_adds_deltas_key_by_key():
    total = {"a": 1}
    rules.merge(total, {"a": -1, "b": 2})
    assert total == {"a": 0, "b": 2}


def test_shipped_day_is_the_warehouse_local_date():
    assert rules.local_day(datetime(2026, 11, 21, 17, 0), "Asia/Shanghai") == "2026-11-22"
    assert rules.local_day(datetime(2026, 11, 21, 15, 59), "Asia/Shanghai") == "2026-11-21"
    assert rules.minute_of(datetime(2026, 11, 21, 15, 59, 42, 7)) == datetime(2026, 11, 21, 15, 59)
