"""wms.orders.next_steps: every state has the step that moves it on, unless its facts say nothing can."""
import pytest

from wms.orders import states
from wms.orders.next_steps import Facts, is_stranded, next_steps


def codes(**facts):
    return [step.code for step in next_steps(Facts(**facts))]


@pytest.mark.parametrize("status, expected", [
    (states.IMPORTED, ["review", "approve"]), (states.ON_HOLD, ["approve"]), (states.FINANCE_REVIEW, ["finance"]), (states.APPROVED, ["allocate"]),
    (states.BACKORDER, ["allocate"]), (states.PICKED, ["pack"]), (states.SHIPPED, ["track", "complete"]),
    (states.DELIVERED, ["complete"]),
])
def test_each_state_without_stock_names_the_step_that_moves_it(status, expected):
    facts = {"reserved": 2, "wanted": 2} if status == states.PICKED else {}
    assert codes(status=status, **facts) == expected


def test_a_replacement_held_for_the_returned_goods_waits_for_the_returns_dock_first():
    held = Facts(states.ON_HOLD, hold_codes=("awaiting_return",))
    assert codes(status=states.ON_HOLD, hold_codes=("awaiting_return",)) == ["receive_return", "approve"]
    assert not is_stranded(held)
    assert codes(status=states.ON_HOLD, hold_codes=("manual",)) == ["approve"]


def test_an_allocated_order_waits_for_a_wave_only_while_its_reservation_covers_it():
    assert codes(status=states.ALLOCATED, reserved=3, wanted=3) == ["wave"]
    assert is_stranded(Facts(states.ALLOCATED, reserved=0, wanted=3))
    assert is_stranded(Facts(states.ALLOCATED, reserved=2, wanted=3))


def test_a_waved_or_picking_order_needs_open_pick_lines():
    assert codes(status=states.WAVED, reserved=1, wanted=1, open_pick_lines=1) == ["pick"]
    assert is_stranded(Facts(states.PICKING, reserved=1, wanted=1, open_pick_lines=0))


def test_a_packed_order_moves_by_its_parcel():
    packed = {"status": states.PACKED, "reserved": 1, "wanted": 1}
    assert codes(**packed, parcel="sealed") == ["waybill"]
    assert codes(**packed, parcel="waybill_failed") == ["retry_waybill"]
    assert codes(**packed) == ["pack"]   # every parcel voided: it seals again
    assert is_stranded(Facts(**packed, parcel="labelled"))


def test_a_labelled_order_ships_only_with_a_labelled_parcel():
    assert codes(status=states.LABELLED, reserved=1, wanted=1, parcel="labelled") == ["ship"]
    assert is_stranded(Facts(states.LABELLED, reserved=1, wanted=1, parcel=None))


def test_stock_held_by_an_order_that_cannot_use_it_is_a_stranding():
    assert is_stranded(Facts(states.ON_HOLD, reserved=2, wanted=2))
    assert is_stranded(Facts(states.IMPORTED, reserved=1, wanted=1))
    assert not is_stranded(Facts(states.APPROVED, reserved=2, wanted=2))   # allocation settles it


@pytest.mark.parametrize("status", sorted(states.TERMINAL))
def test_a_terminal_order_has_no_step_and_is_not_stranded(status):
    assert next_steps(Facts(status)) == () and not is_stranded(Facts(status))


def test_every_step_has_a_chinese_name():
    import json
    from pathlib import Path

    from wms.orders.next_steps import STEPS

    catalogue = json.loads((Path(__file__).parents[2] / "wms/translations/zh_CN/orders.json").read_text("utf-8"))
    assert [step.text for step in STEPS.values() if step.text not in catalogue] == []
