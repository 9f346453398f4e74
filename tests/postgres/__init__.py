"""The PostgreSQL suite: what only a PostgreSQL server shows (row locks, prepared statements, COPY,
several processes). It needs a throwaway database: `TEST_DATABASE_URL=postgresql://... make
test-postgres` (.ci/run creates one and runs it); under plain `make test` it is skipped."""
import os

import pytest

needs_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the PostgreSQL suite: set TEST_DATABASE_URL=postgresql://... (make test-postgres, .ci/run)")
