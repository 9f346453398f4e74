"""Carrier status normalisation and the auto-complete / backoff rules (pure)."""
from datetime import datetime, timedelta

import pytest

from wms.tracking import statuses as s


@pytest.mark.parametrize("code, expected", [
    (0, s.IN_TRANSIT), (1, s.IN_TRANSIT), (2, s.EXCEPTION), (3, s.DELIVERED), (4, s.RETURNED),
    (5, s.OUT_FOR_DELIVERY), (6, s.RETURNED), (7, s.IN_TRANSIT), (8, s.IN_TRANSIT), (10, s.IN_TRANSIT),
    (11, s.IN_TRANSIT), (12, s.IN_TRANSIT), (13, s.EXCEPTION), (14, s.EXCEPTION),
])
def test_every_kuaidi100_main_state_maps_to_one_of_ours(code, expected):
    assert s.normalise(code) == expected
    assert s.normalise(str(code)) == expected


@pytest.mark.parametrize("code, expected", [
    ("1001", s.IN_TRANSIT), ("103", s.IN_TRANSIT), ("204", s.EXCEPTION), ("301", s.DELIVERED),
    ("304", s.DELIVERED), ("401", s.RETURNED), ("501", s.OUT_FOR_DELIVERY), ("601", s.RETURNED),
])
def test_kuaidi100_sub_states_map_through_their_main_state(code, expected):
    assert s.normalise(code) == expected


@pytest.mark.parametrize("word, expected", [
    ("Delivered", s.DELIVERED), ("signed", s.DELIVERED), ("已签收", s.DELIVERED),
    ("Out for delivery", s.OUT_FOR_DELIVERY), ("派件中", s.OUT_FOR_DELIVERY),
    ("in_transit", s.IN_TRANSIT), ("Picked up", s.IN_TRANSIT), ("Exception", s.EXCEPTION),
    ("拒签", s.EXCEPTION), ("Returned to sender", s.RETURNED), ("退回", s.RETURNED),
])
def test_common_words_map_to_our_statuses(word, expected):
    assert s.normalise(word) == expected


@pytest.mark.parametrize("raw", [None, "", "  ", 9, 99, "9999", "banana", True])
def test_unknown_codes_and_words_are_none_not_a_guess(raw):
    assert s.normalise(raw) is None


def test_auto_complete_waits_the_configured_days_and_never_over_an_open_problem():
    shipped = datetime(2026, 11, 1, 8, 0)
    assert not s.auto_complete_due(shipped, shipped + timedelta(days=14, seconds=-1), 14)
    assert s.auto_complete_due(shipped, shipped + timedelta(days=14), 14)
    assert not s.auto_complete_due(shipped, shipped + timedelta(days=30), 14, last_status=s.EXCEPTION)
    assert not s.auto_complete_due(shipped, shipped + timedelta(days=30), 0)
    assert not s.auto_complete_due(None, shipped, 14)


def test_retry_delay_doubles_and_is_capped():
    assert [s.retry_delay_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert s.retry_delay_seconds(50) == 6 * 3600
