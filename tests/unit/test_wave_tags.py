"""Waves filtered by tags (include any of, exclude all of) and ordered priority first when asked."""
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wms.picking.waves import Candidate, WaveFilter, WaveLimits, plan_wave

T0 = datetime(2026, 11, 22, 8, 0)


def c(order_id, tags=(), **kw):
    return Candidate(order_id=order_id, units=1, lines=1, tags=frozenset(tags), **kw)


def test_a_wave_takes_orders_with_one_of_the_included_tags_and_none_of_the_excluded():
    orders = [c(1, {"vip"}), c(2, {"vip", "fragile"}), c(3, {"gift"}), c(4)]
    chosen = plan_wave(orders, WaveFilter(include_tags=frozenset({"vip", "gift"}),
                                          exclude_tags=frozenset({"fragile"})), WaveLimits())
    assert [o.order_id for o in chosen.orders] == [1, 3]
    only_out = plan_wave(orders, WaveFilter(exclude_tags=frozenset({"vip"})), WaveLimits())
    assert [o.order_id for o in only_out.orders] == [3, 4]


def test_priority_first_puts_the_highest_priority_before_the_earliest_ship_by():
    orders = [c(1, ship_by=T0, priority=0), c(2, ship_by=T0 + timedelta(hours=9), priority=5),
              c(3, ship_by=T0 + timedelta(hours=1), priority=5)]
    assert [o.order_id for o in plan_wave(orders, WaveFilter(), WaveLimits()).orders] == [1, 3, 2]
    assert [o.order_id for o in plan_wave(orders, WaveFilter(priority_first=True), WaveLimits()).orders] == [3, 2, 1]


tag_sets = st.frozensets(st.sampled_from(["vip", "gift", "fragile"]), max_size=3)


@given(st.lists(tag_sets, max_size=12), tag_sets, tag_sets)
def test_a_tag_filter_never_takes_an_order_against_it(order_tags, include, exclude):
    orders = [c(i, tags) for i, tags in enumerate(order_tags)]
    chosen = plan_wave(orders, WaveFilter(include_tags=include or None, exclude_tags=exclude or None), WaveLimits())
    for o in chosen.orders:
        assert (not include or o.tags & include) and not (o.tags & exclude)
    assert len(chosen.orders) == sum(1 for o in orders if (not include or o.tags & include) and not o.tags & exclude)
