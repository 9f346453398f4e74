"""Every list and search page and API runs the same few SQL statements whatever the rows it shows.

Each page is asked, as the role that uses it, once with N rows of history and once with 3N: a page
that loads each row's order, SKU or bin one by one (the stock page ran 882 statements, the parcels
list 102) runs more with more rows; here both counts must be equal and at most MAX_STATEMENTS.
"""
import pytest
from sqlalchemy import event

from tests.builders_pages import history

MAX_STATEMENTS = 30
N = 3

PAGES = [
    ("supervisor", "/shipping/parcels"),
    ("supervisor", "/shipping/parcels?q=SF00000001"),
    ("supervisor", "/shipping/parcels?q=S1"),
    ("supervisor", "/shipping/waybills/failed"),
    ("supervisor", "/tracking/exceptions"),
    ("supervisor", "/inventory/stock"),
    ("supervisor", "/inventory/stock?q=SKU&below=1"),
    ("supervisor", "/aftersales/intercepts"),
    ("reviewer", "/aftersales/returns"),
    ("reviewer", "/aftersales/returns?order=R1"),
    ("reviewer", "/review/"),
    ("reviewer", "/review/?state=shipped"),
    ("reviewer", "/api/review/queue"),
    ("packer", "/api/station/queue"),
    ("admin", "/catalog/skus"),
]


@pytest.fixture
def statements(db):
    """count() -> SQL statements sent since the last call."""
    seen = []

    def listener(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)

    def count():
        n = len(seen)
        seen.clear()
        return n

    yield count
    event.remove(db.engine, "before_cursor_execute", listener)


def test_each_page_runs_the_same_few_statements_for_n_and_3n_rows(client, make_user, statements):
    for role in {role for role, _ in PAGES}:
        make_user(role=role, username=f"{role}1")
    history(N)
    small = _counts_as_roles(client, statements)
    history(2 * N, start=N)
    large = _counts_as_roles(client, statements)
    for path in small:
        assert small[path] <= MAX_STATEMENTS, (path, small[path])
        assert large[path] == small[path], (path, small[path], large[path])


def _counts_as_roles(client, statements):
    counts = {}
    for role, path in PAGES:
        assert client.post("/login", data={"username": f"{role}1", "password": "secret-pass"}).status_code == 302
        assert client.get(path).status_code == 200, (role, path)
        statements()
        response = client.get(path)
        counts[path] = statements()
        assert response.status_code == 200, (role, path)
        client.post("/logout")
    return counts
