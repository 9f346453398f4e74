"""The put wall's rule (wms.putwall.sorting), stateful: any sequence of scans, cancellations, short
picks and clears keeps every scanned unit in exactly one slot or reported, and a slot is complete
exactly when all its order's units are in it."""
from collections import Counter

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from wms.putwall import sorting

SKUS = (1, 2, 3)


class WallMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.slots = []
        self.picked = Counter()
        self.reported = 0
        self.cleared = 0
        self.scanned = 0

    @rule(needs=st.lists(st.dictionaries(st.sampled_from(SKUS), st.integers(1, 3), min_size=1), min_size=1, max_size=4))
    @precondition(lambda self: not self.slots)
    def release(self, needs):
        self.slots = [sorting.Slot(n + 1, f"S{n + 1}", order_id=100 + n, order_ref=f"O{n}", needs=dict(need))
                      for n, need in enumerate(needs)]
        self.picked = sum((Counter(need) for need in needs), Counter())

    @rule(sku=st.sampled_from(SKUS + (9,)))
    def scan(self, sku):
        self.scanned += 1
        before = {s.number: dict(s.put) for s in self.slots}
        placed = sorting.place(self.slots, sku, self.picked[sku])
        if isinstance(placed, sorting.Refusal):
            self.reported += 1
            assert {s.number: dict(s.put) for s in self.slots} == before
            return
        slot = placed.slot
        assert slot.wants(sku) > 0
        assert not any(s.wants(sku) for s in self.slots if s.number < slot.number)  # first come, first served
        slot.put[sku] = slot.put.get(sku, 0) + 1

    @rule(data=st.data(), why=st.sampled_from((sorting.CANCELLED, sorting.HELD)))
    @precondition(lambda self: any(s.order_id for s in self.slots))
    def stop(self, data, why):
        slot = data.draw(st.sampled_from([s for s in self.slots if s.order_id]))
        slot.stopped = why

    @rule(data=st.data())
    @precondition(lambda self: any(sorting.can_clear(s) for s in self.slots))
    def clear(self, data):
        slot = data.draw(st.sampled_from([s for s in self.slots if sorting.can_clear(s)]))
        self.cleared += sum(sorting.clear(slot).values())
        assert slot.status == sorting.FREE

    @invariant()
    def every_unit_is_in_one_slot_or_reported(self):
        in_slots = sum(s.units_in() for s in self.slots)
        assert in_slots + self.cleared + self.reported == self.scanned

    @invariant()
    def no_slot_holds_more_than_its_order_needs(self):
        for slot in self.slots:
            assert all(slot.put.get(sku, 0) <= qty for sku, qty in slot.needs.items())
            assert set(slot.put) <= set(slot.needs)

    @invariant()
    def a_slot_is_complete_iff_all_its_units_are_in_it(self):
        for slot in self.slots:
            full = bool(slot.needs) and all(slot.put.get(k, 0) == q for k, q in slot.needs.items())
            assert (slot.status == sorting.COMPLETE) == (full and not slot.stopped and slot.order_id is not None)


WallMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestWallMachine = WallMachine.TestCase


def test_a_unit_for_a_stopped_order_only_is_refused_with_the_order_named():
    slot = sorting.Slot(1, "S1", order_id=1, order_ref="O1", needs={5: 1}, stopped=sorting.HELD)
    refusal = sorting.place([slot], 5, 1)
    assert refusal == sorting.Refusal("wall_order_stopped", {"order": "O1", "why": sorting.HELD})


def test_lights_say_pack_for_a_complete_slot_and_take_out_for_a_stopped_one():
    done = sorting.Slot(1, "S1", order_id=1, needs={5: 1}, put={5: 1})
    stopped = sorting.Slot(2, "S2", order_id=2, needs={5: 2}, put={5: 1}, stopped=sorting.CANCELLED)
    assert sorting.light_for(done) == ("blue", "PACK", False)
    assert sorting.light_for(stopped) == ("red", "1", True)
    assert sorting.light_for(sorting.Slot(3, "S3")) == ("off", "", False)
