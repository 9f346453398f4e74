"""No order is ever stranded (issue 14, item 5): every desk, floor, channel and job action lands an
order where the flow continues; a random walk over all of them keeps stock, next steps and the
wall's counters right after every step (tests/flow_machine.py)."""
import pytest

from tests.flow_machine import OrderFlow, settings_for

TestOrderFlowOnSqlite = OrderFlow.TestCase
TestOrderFlowOnSqlite.settings = settings_for(max_examples=10, steps=40)
