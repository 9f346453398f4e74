"""No order is ever stranded (issue 14, item 5): every desk, floor, channel, job and after-sales action
lands an order where the flow continues; a random walk over all of them keeps stock, next steps, the
wall's counters and the after-sales refunds and returns right after every step (tests/flow_machine.py;
issue 21: conservation holds through after-sales)."""
import pytest

from tests.flow_machine import OrderFlow, settings_for

TestOrderFlowOnSqlite = OrderFlow.TestCase
TestOrderFlowOnSqlite.settings = settings_for(max_examples=10, steps=40)
