"""The order-flow state machine (tests/flow_machine.py) on PostgreSQL: row locks, SKIP LOCKED and the
one-statement paths of the floor and allocation under the same random walk of desk, floor, channel
and job actions. Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db>."""
from tests.flow_machine import OrderFlow, settings_for
from tests.postgres import needs_postgres

TestOrderFlowOnPostgres = needs_postgres(OrderFlow.TestCase)
TestOrderFlowOnPostgres.settings = settings_for(max_examples=6, steps=30)
