"""The after-sales case state table and refund rule (wms.aftersales.case_states), as properties."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from wms.aftersales import case_states as cs
from wms.errors import IllegalTransition


@given(st.sampled_from(cs.KINDS), st.sampled_from(cs.STATES), st.sampled_from(cs.STATES))
def test_a_transition_is_allowed_exactly_when_the_kinds_table_has_it(kind, current, new):
    allowed = new in cs.TRANSITIONS[kind].get(current, ())
    assert cs.can_transition(kind, current, new) is allowed
    if allowed:
        cs.check_transition(kind, current, new)
    else:
        with pytest.raises(IllegalTransition):
            cs.check_transition(kind, current, new)


def test_terminal_states_lead_nowhere_and_every_live_state_can_close():
    for kind, table in cs.TRANSITIONS.items():
        assert not any(state in table for state in cs.TERMINAL)
        assert all(cs.CLOSED in nexts for nexts in table.values())


@given(st.sampled_from(cs.KINDS))
def test_every_kind_reaches_an_end_from_open_along_its_main_flow(kind):
    ends = [state for state in (cs.REFUNDED, cs.DONE) if cs.path_to(kind, cs.OPEN, state)]
    assert ends and all(cs.can_transition(kind, a, b) for a, b in zip(
        [cs.OPEN] + cs.path_to(kind, cs.OPEN, ends[0]), cs.path_to(kind, cs.OPEN, ends[0])))


@given(st.integers(-10, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_a_refund_is_allowed_only_when_positive_and_within_what_is_left(amount, paid, already):
    problem = cs.refund_problem(amount, paid, already)
    assert (problem is None) == (0 < amount <= paid - already)


class RefundTotals(RuleBasedStateMachine):
    """Refunds recorded and withdrawn in any order: the total recorded never passes what was paid."""

    @initialize(paid=st.integers(0, 5_000))
    def start(self, paid):
        self.paid, self.recorded = paid, []

    @rule(amount=st.integers(-5, 3_000))
    def record(self, amount):
        if cs.refund_problem(amount, self.paid, sum(self.recorded)) is None:
            self.recorded.append(amount)

    @precondition(lambda self: self.recorded)
    @rule(index=st.integers(0, 50))
    def withdraw(self, index):
        self.recorded.pop(index % len(self.recorded))

    @invariant()
    def never_above_paid(self):
        assert 0 <= sum(self.recorded) <= self.paid


TestRefundTotals = RefundTotals.TestCase


class CaseLife(RuleBasedStateMachine):
    """A case moved by any allowed step stays in its kind's table and stops at a terminal state."""

    @initialize(kind=st.sampled_from(cs.KINDS))
    def start(self, kind):
        self.kind, self.state = kind, cs.first_state(kind)

    @rule(new=st.sampled_from(cs.STATES))
    def step(self, new):
        if cs.can_transition(self.kind, self.state, new):
            self.state = new
        else:
            with pytest.raises(IllegalTransition):
                cs.check_transition(self.kind, self.state, new)

    @invariant()
    def known_state(self):
        assert self.state in cs.STATES
        assert self.state in cs.TERMINAL or self.state in cs.TRANSITIONS[self.kind]


TestCaseLife = CaseLife.TestCase
