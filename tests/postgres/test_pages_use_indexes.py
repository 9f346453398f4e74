"""On PostgreSQL the searches and deep pages of a year of history are index lookups, never a scan.

Each service is run once while its statements are captured; each statement is then EXPLAINed with
sequential scans priced out (enable_seqscan = off), so the plan shows a Seq Scan on orders, parcels
or order_events only where no index can answer it - what the parcel search's OR across two tables,
an order number without its channel and the queue's OFFSET sort did before. Run with
TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<throwaway db> pytest tests/postgres
"""
import re

import pytest
from sqlalchemy import event

from tests.builders_pages import history
from tests.postgres import needs_postgres
from wms.extensions import db

pytestmark = needs_postgres

WATCHED = ("orders", "parcels", "order_events")


@pytest.fixture
def plans(app):
    """run(fn) -> the EXPLAIN text of each statement fn sent that reads a watched table."""
    history(4)

    def run(fn):
        seen = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                seen.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
        connection = db.session.connection().connection
        cursor = connection.cursor()
        cursor.execute("SET LOCAL enable_seqscan = off")
        explained = []
        for statement, parameters in seen:
            if any(re.search(rf"\b{table}\b", statement) for table in WATCHED):
                cursor.execute("EXPLAIN " + statement, parameters)
                explained.append("\n".join(row[0] for row in cursor.fetchall()))
        db.session.rollback()
        assert explained, "the service read none of the watched tables"
        return explained

    return run


def _scans(explained):
    return [line.strip() for plan in explained for line in plan.splitlines()
            if any(f"Seq Scan on {table} " in line + " " for table in WATCHED)]


def test_the_parcel_search_by_tracking_or_order_number_uses_indexes(plans):
    from wms.shipping.parcel_list import find_parcels

    for number in ("SF00000002", "S2"):
        explained = plans(lambda: find_parcels(number))
        assert _scans(explained) == []
        search = next(plan for plan in explained if "tracking_number" in plan)
        # both lookups probe their own index; an OR across the tables walked every parcel by id instead
        assert "parcels_tracking_number_key" in search and "ix_orders_external_id" in search, search


def test_an_order_number_without_its_channel_is_an_index_lookup(plans):
    from wms.aftersales.returns import find_returnable
    from wms.packing.services import find_order

    for lookup in (lambda: find_returnable("R1"), lambda: find_order("P1")):
        explained = plans(lookup)
        assert _scans(explained) == []
        assert "ix_orders_external_id" in explained[0], explained[0]


def test_a_deep_queue_page_walks_the_queue_index(plans):
    from wms.review import queue

    explained = plans(lambda: queue.queue_page(queue.QueueFilters(state="shipped", page=3, per_page=1)))
    assert _scans(explained) == []
    # the page's ids (a Limit at the top; the capped count is an Aggregate over a Limit)
    page_plan = next(plan for plan in explained if plan.startswith("Limit"))
    assert "ix_orders_desk_order" in page_plan
    assert "Sort" not in page_plan.split("ix_orders_desk_order")[0]
    # the total stops at COUNT_CAP + 1 index entries instead of counting every order of the state
    count_plan = next(plan for plan in explained if plan.startswith("Aggregate"))
    assert "Limit" in count_plan.split("Index")[0]


def test_the_exception_list_reads_only_open_exceptions(plans):
    from wms.tracking.services import exceptions_page

    explained = plans(lambda: exceptions_page())
    assert any("ix_tracked_parcels_open_exceptions" in plan for plan in explained)
    assert _scans(explained) == []


@pytest.mark.parametrize("text, index", [
    ("13800138000", "ix_orders_buyer_phone"),    # a whole phone, in each of its stored forms
    ("8000", "ix_orders_phone_last4"),           # its last four digits: right(buyer_phone, 4)
    ("张三", "ix_orders_buyer_name"),             # a name's start: LIKE '张三%' on pattern ops
    ("S1", "ix_orders_external_id"),             # an order number
])
def test_the_search_box_probes_each_key_on_its_own_index(plans, text, index):
    from wms.search.queries import find_orders

    explained = plans(lambda: find_orders(text))
    assert _scans(explained) == []
    assert any(index in plan for plan in explained), explained


def test_the_desk_search_asks_the_search_box_keys_not_a_wildcard(plans):
    from wms.review import queue

    explained = plans(lambda: queue.queue_page(queue.QueueFilters(state="on_hold", q="张三")))
    assert _scans(explained) == []
    assert any("ix_orders_buyer_name" in plan for plan in explained)
    assert not any("~~ '%" in plan for plan in explained)   # no LIKE '%...' left


def test_a_page_after_a_cursor_is_a_seek_in_the_queue_index(plans):
    from wms.orders.models import Order
    from wms.review import queue

    def pages():
        anchor = db.session.query(Order.id).filter_by(status="shipped").order_by(Order.id).first()[0]
        queue.queue_page(queue.QueueFilters(state="shipped", after=anchor, per_page=1))

    explained = plans(pages)
    assert _scans(explained) == []
    seeks = [plan for plan in explained if "ix_orders_desk_order" in plan and "created_at" in plan]
    assert seeks, explained
    # the cursor's (created_at, id) is an index condition (a seek), not a filter over the entries before it
    assert all("Index Cond" in plan and "ROW(created_at, id) >" in plan.replace("orders.", "") for plan in seeks[:1])
    assert all("Sort" not in plan.split("ix_orders_desk_order")[0] for plan in seeks)


def test_the_rules_pages_currency_warning_probes_an_index_per_currency(plans):
    from wms.review import settings

    explained = plans(settings.currencies_without_threshold)
    assert _scans(explained) == []
    assert any("ix_orders_currency_created" in plan for plan in explained)
