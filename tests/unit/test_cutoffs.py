"""Carrier cut-offs: local times of day turned into the next UTC instant."""
from datetime import datetime

from wms.shipping.cutoffs import next_cutoff


def test_the_next_cutoff_today_is_converted_from_shanghai_time_to_utc():
    # 09:00 UTC is 17:00 in Shanghai: the 18:00 truck is next, at 10:00 UTC
    assert next_cutoff(["12:00", "18:00"], datetime(2026, 11, 22, 9, 0), "Asia/Shanghai") == datetime(2026, 11, 22, 10, 0)


def test_after_the_last_truck_the_next_cutoff_is_tomorrow_morning():
    assert next_cutoff(["12:00", "18:00"], datetime(2026, 11, 22, 11, 0), "Asia/Shanghai") == datetime(2026, 11, 23, 4, 0)


def test_a_carrier_without_cutoffs_has_none():
    assert next_cutoff([], datetime(2026, 11, 22), "Asia/Shanghai") is None
