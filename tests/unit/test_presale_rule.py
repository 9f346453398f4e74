"""The presale release rule (wms.orders.presale): held before its ship-from time, released on it or,
in stock mode, on its stock; hand-checked cases and properties."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wms.orders import presale

NOW = datetime(2026, 12, 7, 8, 0)
times = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1))
modes = st.sampled_from(presale.MODES)
# a loaded machine (shared cores) must not fail a property on time: timings are never the assertion
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_a_date_is_its_local_midnight_in_utc():
    assert presale.local_midnight(date(2026, 12, 20), "Asia/Shanghai") == datetime(2026, 12, 19, 16, 0)


def test_the_ship_from_is_the_latest_of_the_order_and_its_skus():
    own = datetime(2026, 12, 10, 0, 0)
    assert presale.ship_from(own, [date(2026, 12, 20), None], "UTC") == datetime(2026, 12, 20)
    assert presale.ship_from(own, [date(2026, 12, 1)], "UTC") == own
    assert presale.ship_from(None, [None], "UTC") is None


def test_before_its_date_it_waits_and_on_it_it_is_released():
    ship_from = NOW + timedelta(hours=1)
    assert presale.should_hold(ship_from, None, NOW, presale.RELEASE_ON_DATE, True)
    assert presale.release_reason(ship_from, None, NOW, presale.RELEASE_ON_DATE, True) is None
    assert presale.release_reason(ship_from, None, ship_from, presale.RELEASE_ON_DATE, False) == presale.BY_DATE


def test_in_stock_mode_its_stock_releases_it_early():
    ship_from = NOW + timedelta(days=9)
    assert not presale.should_hold(ship_from, None, NOW, presale.RELEASE_ON_STOCK, True)
    assert presale.should_hold(ship_from, None, NOW, presale.RELEASE_ON_STOCK, False)
    assert presale.release_reason(ship_from, None, NOW, presale.RELEASE_ON_STOCK, True) == presale.BY_STOCK


def test_stock_is_complete_only_when_every_sku_is_covered():
    assert presale.stock_complete({1: 2, 2: 1}, {1: 2, 2: 5})
    assert not presale.stock_complete({1: 2, 2: 1}, {1: 1, 2: 5})
    assert not presale.stock_complete({None: 1}, {})
    assert not presale.stock_complete({}, {1: 9})


def test_the_mode_is_date_or_stock():
    assert presale.parse_mode("") == "date" and presale.parse_mode(" stock ") == "stock"
    with pytest.raises(ValueError):
        presale.parse_mode("soon")


@relaxed
@given(times, times, modes, st.booleans())
def test_a_released_order_is_never_held_nor_released_again(ship_from, now, mode, complete):
    released = ship_from - timedelta(days=1)
    assert not presale.should_hold(ship_from, released, now, mode, complete)
    assert presale.release_reason(ship_from, released, now, mode, complete) is None


@relaxed
@given(times, times, modes, st.booleans())
def test_an_order_is_held_or_released_never_both(ship_from, now, mode, complete):
    held = presale.should_hold(ship_from, None, now, mode, complete)
    reason = presale.release_reason(ship_from, None, now, mode, complete)
    assert held != (reason is not None)


@relaxed
@given(times, times, st.booleans())
def test_in_date_mode_stock_changes_nothing(ship_from, now, complete):
    assert presale.release_reason(ship_from, None, now, "date", complete) == presale.release_reason(
        ship_from, None, now, "date", not complete)
    assert (presale.release_reason(ship_from, None, now, "date", complete) is not None) == (now >= ship_from)


@relaxed
@given(times, st.one_of(st.none(), times))
def test_a_presales_ship_by_counts_from_no_earlier_than_its_ship_from(ship_from, paid):
    start = presale.ship_by_start(paid, ship_from)
    assert start >= ship_from and (paid is None or start >= paid)


@relaxed
@given(st.one_of(st.none(), times), st.one_of(st.none(), times))
def test_the_later_ship_by_is_never_earlier_than_either(current, promised):
    result = presale.later_ship_by(current, promised)
    for value in (current, promised):
        assert value is None or result >= value
