"""Hostile floor events on PostgreSQL, where NUL bytes, lone surrogates and integers past 2^31 are
refused by the server itself and the common scan takes the one-statement path (wms.picking.quick):
the same tests as tests/api/test_hostile_events.py, collected here.
Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
from tests.api.test_hostile_events import *  # noqa: F401,F403 - collected here, on PostgreSQL
from tests.postgres import needs_postgres

pytestmark = needs_postgres
