"""Wave planning: filters, urgency order, limits, single vs multi, the automatic rule."""
from datetime import datetime, timedelta

from wms.picking.waves import (
    AutoWaveRule, Candidate, WaveFilter, WaveLimits, auto_wave_due, plan_wave,
)

T0 = datetime(2026, 11, 22, 8, 0)


def c(order_id, units=1, lines=1, **kw):
    return Candidate(order_id=order_id, units=units, lines=lines, **kw)


def test_orders_are_taken_by_earliest_cutoff_then_priority_then_age():
    orders = [
        c(1, created_at=T0, cutoff=T0 + timedelta(hours=5)),
        c(2, created_at=T0, cutoff=T0 + timedelta(hours=2)),
        c(3, created_at=T0, cutoff=T0 + timedelta(hours=5), priority=9),
        c(4, created_at=T0 - timedelta(hours=1), cutoff=T0 + timedelta(hours=5)),
        c(5, created_at=T0),  # no carrier cut-off: last
    ]
    plan = plan_wave(orders, WaveFilter(), WaveLimits())
    assert [o.order_id for o in plan.single] == [2, 3, 4, 1, 5]


def test_single_item_orders_and_multi_item_orders_are_split():
    plan = plan_wave([c(1, units=1), c(2, units=3, lines=2), c(3, units=2, lines=1)], WaveFilter(), WaveLimits())
    assert [o.order_id for o in plan.single] == [1]
    assert [o.order_id for o in plan.multi] == [2, 3]


def test_the_filter_keeps_only_matching_carrier_priority_zone_and_type():
    orders = [c(1, carrier="SF", priority=1, zones=frozenset({"A"})),
              c(2, carrier="YTO", priority=1, zones=frozenset({"A"})),
              c(3, carrier="SF", priority=0, zones=frozenset({"A"})),
              c(4, carrier="SF", priority=1, zones=frozenset({"A", "B"})),
              c(5, carrier="SF", priority=1, zones=frozenset({"A"}), units=2, lines=2)]
    wave_filter = WaveFilter(carriers=frozenset({"SF"}), min_priority=1, zones=frozenset({"A"}), order_type="single")
    assert [o.order_id for o in plan_wave(orders, wave_filter, WaveLimits()).orders] == [1]


def test_cutoff_filter_excludes_orders_without_a_cutoff():
    orders = [c(1, cutoff=T0), c(2)]
    plan = plan_wave(orders, WaveFilter(cutoff_before=T0 + timedelta(minutes=1)), WaveLimits())
    assert [o.order_id for o in plan.orders] == [1]


def test_wave_limits_on_orders_and_lines_are_respected_and_the_rest_counted_as_skipped():
    orders = [c(i, units=3, lines=3, created_at=T0 + timedelta(minutes=i)) for i in range(10)]
    plan = plan_wave(orders, WaveFilter(), WaveLimits(max_orders=5, max_lines=10))
    assert [o.order_id for o in plan.orders] == [0, 1, 2]
    assert plan.skipped == 7


def test_the_automatic_rule_fires_on_time_or_on_backlog_but_never_on_nothing():
    rule = AutoWaveRule(enabled=True, every_minutes=30, at_orders=100)
    assert auto_wave_due(rule, T0, None, 5)
    assert not auto_wave_due(rule, T0, T0 - timedelta(minutes=10), 5)
    assert auto_wave_due(rule, T0, T0 - timedelta(minutes=31), 5)
    assert auto_wave_due(rule, T0, T0 - timedelta(minutes=1), 100)
    assert not auto_wave_due(rule, T0, None, 0)
    assert not auto_wave_due(AutoWaveRule(enabled=False), T0, None, 500)
