"""The 店小秘 flow's pure rules: which flow an order follows, its 待打单 tab, and the order labels print in."""
import pytest

from wms.errors import ValidationFailed
from wms.shipping import waybill_timing as timing
from wms.waybill_desk.route_order import OrderPlace, Stop, in_walk_order, serpentine_key


def test_a_channels_own_setting_wins_over_its_warehouses():
    assert timing.effective("at_seal", "after_allocation") == "after_allocation"
    assert timing.effective("after_allocation", "at_seal") == "at_seal"


def test_a_channel_without_a_setting_follows_its_warehouse_and_nothing_set_means_at_seal():
    assert timing.effective("after_allocation", "") == "after_allocation"
    assert timing.effective("", "") == "at_seal"
    assert timing.effective("garbage", "") == "at_seal"


@pytest.mark.parametrize("value", ["", "sometimes", None, "AT_SEAL"])
def test_a_warehouse_setting_must_be_one_of_the_two_flows(value):
    with pytest.raises(ValidationFailed):
        timing.checked(value)


def test_a_channel_may_say_as_its_warehouse():
    assert timing.checked("", allow_inherit=True) == ""
    assert timing.checked(" after_allocation ") == "after_allocation"


@pytest.mark.parametrize("status, tab", [("allocated", "in_stock"), ("waved", "in_stock"), ("picked", "in_stock"),
                                         ("backorder", "out_of_stock"), ("packed", None), ("cancelled", None),
                                         ("approved", None)])
def test_the_tab_of_an_order_comes_from_its_allocation(status, tab):
    assert timing.stock_tab(status) == tab


def test_the_walk_goes_up_even_aisles_and_down_odd_ones():
    up_near, up_far = Stop(0, 0, 1.0), Stop(0, 0, 9.0)
    down_far, down_near = Stop(0, 1, 9.0), Stop(0, 1, 1.0)
    assert sorted([down_near, up_far, down_far, up_near], key=serpentine_key) == [up_near, up_far, down_far, down_near]


def test_waved_orders_come_first_by_task_and_route_then_by_their_first_bin_then_those_without_stock():
    places = [OrderPlace(1),                                           # 缺货: no bins
              OrderPlace(2, bins=[Stop(0, 3, 2.0), Stop(0, 0, 5.0)]),  # first bin: aisle 0
              OrderPlace(3, bins=[Stop(0, 1, 2.0)]),
              OrderPlace(4, task_id=7, seq=3), OrderPlace(5, task_id=7, seq=1), OrderPlace(6, task_id=2, seq=9)]
    assert in_walk_order(places) == [6, 5, 4, 2, 3, 1]
