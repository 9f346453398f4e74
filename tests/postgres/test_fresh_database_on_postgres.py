"""On TEST_DATABASE_URL the tables are created once per session and emptied before each test
(tests/conftest.py): emptied means every table empty and ids from 1, as a schema built anew would be.
Run with TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
import sqlalchemy as sa

from tests.builders import make_channel, make_user
from tests.postgres import needs_postgres
from wms.extensions import db
from wms.orders.models import Channel

pytestmark = needs_postgres


def row_counts():
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_emptying_leaves_every_table_empty_and_ids_starting_at_one_again(app, session_schema):
    first_user = make_user(role="admin", username="ann").id
    make_user(role="picker", username="bob")
    db.session.delete(make_channel())  # a table left empty whose ids moved on all the same
    db.session.commit()
    assert row_counts()["users"] == 2 and row_counts()["channels"] == 0

    session_schema.prepare(db)

    assert set(row_counts().values()) == {0}
    assert make_user(role="admin", username="cid").id == first_user == 1
    assert make_channel().id == 1


def test_tables_a_test_dropped_are_built_again_before_the_next_one(app, session_schema):
    db.session.remove()
    db.drop_all()

    session_schema.prepare(db)

    assert set(row_counts()) == {table.name for table in db.metadata.sorted_tables}
    assert set(row_counts().values()) == {0}
    assert make_user(role="admin", username="ann").id == 1
