"""Bad input to the JSON API on PostgreSQL, whose driver refuses NUL bytes and unpaired surrogates:
the same tests as tests/api/test_api_bad_input.py, collected here.
Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
from tests.api.test_api_bad_input import *  # noqa: F401,F403 - collected here, on PostgreSQL
from tests.postgres import needs_postgres

pytestmark = needs_postgres
