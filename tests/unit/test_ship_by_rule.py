"""The channel's ship-by rule (承诺发货时间): cut-offs in the warehouse's zone, midnight, DST zones."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.errors import ValidationFailed
from wms.orders.ship_by import (ShipByRule, cutoff_text, is_due_soon, parse_rule, parse_window, promised)

ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe", "Asia/Kolkata")
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))
minutes = st.integers(min_value=0, max_value=24 * 60 - 1)
hours = st.integers(min_value=1, max_value=24 * 30)


def local(utc_naive, zone):
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))


def test_paid_before_four_in_shanghai_ships_by_midnight_the_same_day():
    rule = ShipByRule(cutoff_minute=16 * 60, within_hours=48)
    paid = datetime(2026, 11, 11, 7, 59)  # 15:59 in Shanghai
    assert promised(rule, paid, "Asia/Shanghai") == datetime(2026, 11, 11, 16, 0)  # 24:00 Shanghai


def test_paid_at_four_in_shanghai_ships_within_48_hours():
    rule = ShipByRule(cutoff_minute=16 * 60, within_hours=48)
    paid = datetime(2026, 11, 11, 8, 0)  # 16:00 in Shanghai
    assert promised(rule, paid, "Asia/Shanghai") == paid + timedelta(hours=48)


def test_paid_just_after_local_midnight_counts_for_the_new_local_day():
    rule = ShipByRule(cutoff_minute=16 * 60)
    paid = datetime(2026, 11, 10, 16, 1)  # 00:01 on the 11th in Shanghai, still the 10th in UTC
    assert promised(rule, paid, "Asia/Shanghai") == datetime(2026, 11, 11, 16, 0)


def test_a_cutoff_without_hours_gives_later_payments_the_end_of_the_next_day():
    rule = ShipByRule(cutoff_minute=16 * 60)
    assert promised(rule, datetime(2026, 11, 11, 9, 0), "Asia/Shanghai") == datetime(2026, 11, 12, 16, 0)


def test_a_berlin_day_that_loses_an_hour_ends_at_its_real_midnight():
    rule = ShipByRule(cutoff_minute=12 * 60)
    paid = datetime(2026, 3, 29, 8, 0)  # 10:00 CEST on the day clocks went forward
    assert promised(rule, paid, "Europe/Berlin") == datetime(2026, 3, 29, 22, 0)  # 24:00 CEST


def test_no_rule_gives_no_ship_by():
    assert promised(ShipByRule(), datetime(2026, 1, 1), "Asia/Shanghai") is None


@settings(max_examples=300)
@given(paid=moments, cutoff=minutes, within=st.none() | hours, zone=st.sampled_from(ZONES))
def test_the_promise_is_never_before_payment_and_same_day_promises_end_a_local_day(paid, cutoff, within, zone):
    ship_by = promised(ShipByRule(cutoff, within), paid, zone)
    assert ship_by > paid
    paid_local = local(paid, zone)
    if paid_local.hour * 60 + paid_local.minute < cutoff:
        end = local(ship_by, zone)
        assert (end.hour, end.minute, end.second) == (0, 0, 0)
        assert end.date() == paid_local.date() + timedelta(days=1)
    elif within is not None:
        assert ship_by - paid == timedelta(hours=within)
    else:
        assert local(ship_by, zone).date() == paid_local.date() + timedelta(days=2)


@given(paid=moments, within=hours, zone=st.sampled_from(ZONES))
def test_hours_only_rules_ignore_the_zone(paid, within, zone):
    assert promised(ShipByRule(None, within), paid, zone) == paid + timedelta(hours=within)


@given(paid=moments, earlier=minutes, later=minutes, within=hours)
def test_an_order_shipping_same_day_under_an_earlier_cutoff_does_so_under_a_later_one(paid, earlier, later, within):
    earlier, later = sorted((earlier, later))
    early = promised(ShipByRule(earlier, within), paid, "Asia/Shanghai")
    if early != paid + timedelta(hours=within):
        assert promised(ShipByRule(later, within), paid, "Asia/Shanghai") == early


@given(minute=minutes)
def test_a_cutoff_reads_back_as_it_was_typed(minute):
    assert parse_rule(cutoff_text(minute), "").cutoff_minute == minute


@pytest.mark.parametrize("cutoff, within, field", [
    ("25:00", "", "ship_cutoff"), ("16", "", "ship_cutoff"), ("4pm", "", "ship_cutoff"), ("16:7", "", "ship_cutoff"),
    ("", "0", "ship_within_hours"), ("", "-3", "ship_within_hours"), ("", "1.5", "ship_within_hours"),
    ("", "721", "ship_within_hours"), ("", "abc", "ship_within_hours")])
def test_a_bad_rule_is_refused_naming_its_field(cutoff, within, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_rule(cutoff, within)
    assert refused.value.details["field"] == field


def test_a_blank_rule_is_no_rule_and_a_blank_window_the_default():
    assert not parse_rule(" ", "").is_set
    assert parse_window("") == 2 and parse_window("6") == 6
    with pytest.raises(ValidationFailed):
        parse_window("1000")


def test_due_soon_includes_overdue_and_the_window_edge_but_not_beyond():
    now = datetime(2026, 1, 1, 12)
    assert is_due_soon(now - timedelta(hours=5), now, 2)
    assert is_due_soon(now + timedelta(hours=2), now, 2)
    assert not is_due_soon(now + timedelta(hours=2, seconds=1), now, 2)
    assert not is_due_soon(None, now, 2)


def test_waves_take_the_earliest_ship_by_first_then_cutoff_and_orders_without_one_last():
    from wms.picking import waves

    day = datetime(2026, 11, 11)
    candidates = [
        waves.Candidate(order_id=1, units=1, lines=1, priority=9, cutoff=day),                        # no ship-by
        waves.Candidate(order_id=2, units=1, lines=1, ship_by=day + timedelta(hours=5), cutoff=day),
        waves.Candidate(order_id=3, units=1, lines=1, ship_by=day + timedelta(hours=1),
                        cutoff=day + timedelta(hours=3)),
        waves.Candidate(order_id=4, units=1, lines=1, ship_by=day + timedelta(hours=5),
                        cutoff=day - timedelta(hours=1)),
    ]
    plan = waves.plan_wave(candidates, waves.WaveFilter(), waves.WaveLimits())
    assert [c.order_id for c in plan.orders] == [3, 4, 2, 1]
