"""The order transition table, exhaustively: every pair of states is allowed or IllegalTransition."""
import itertools

import pytest

from wms.errors import IllegalTransition
from wms.orders import states

ALLOWED = {
    ("imported", "approved"), ("imported", "on_hold"), ("imported", "cancelled"),
    ("on_hold", "approved"), ("on_hold", "cancelled"),
    ("imported", "finance_review"), ("on_hold", "finance_review"),
    ("finance_review", "approved"), ("finance_review", "on_hold"), ("finance_review", "cancelled"),
    ("approved", "allocated"), ("approved", "backorder"), ("approved", "on_hold"), ("approved", "cancelled"),
    ("backorder", "allocated"), ("backorder", "on_hold"), ("backorder", "cancelled"),
    ("allocated", "waved"), ("allocated", "backorder"), ("allocated", "on_hold"), ("allocated", "cancelled"),
    ("waved", "picking"), ("waved", "allocated"), ("waved", "on_hold"), ("waved", "cancelled"),
    ("picking", "picked"), ("picking", "on_hold"), ("picking", "cancelled"),
    ("picked", "packed"), ("picked", "on_hold"), ("picked", "cancelled"),
    ("packed", "labelled"), ("packed", "on_hold"), ("packed", "cancelled"),
    ("labelled", "shipped"), ("labelled", "packed"), ("labelled", "cancelled"),
    ("shipped", "delivered"), ("shipped", "completed"), ("shipped", "returned"),
    ("delivered", "completed"), ("delivered", "returned"),
    ("completed", "returned"),
}


@pytest.mark.parametrize("current,new", list(itertools.product(states.ALL_STATES, repeat=2)))
def test_every_pair_of_states_is_either_allowed_or_an_illegal_transition(current, new):
    if (current, new) in ALLOWED:
        states.check_transition(current, new)
        assert states.can_transition(current, new)
    else:
        with pytest.raises(IllegalTransition) as raised:
            states.check_transition(current, new)
        assert current in raised.value.message and new in raised.value.message


def test_an_unknown_state_is_an_illegal_transition_not_a_key_error():
    with pytest.raises(IllegalTransition):
        states.check_transition("imported", "teleported")


def test_cancelled_and_returned_are_terminal():
    assert states.TRANSITIONS[states.CANCELLED] == set()
    assert states.TRANSITIONS[states.RETURNED] == set()
