"""The review queue's pager: cursors that seek (the same rows in the same order as counted pages),
a last page walked from the end, and a count that stops at COUNT_CAP."""
import re
from datetime import datetime, timedelta

import pytest

from tests.builders import make_order
from wms.review import queue

START = datetime(2026, 1, 5, 8, 0)


@pytest.fixture
def history(db, login):
    """23 completed orders: three priorities, created_at ties broken by id, inserted out of order."""
    login("reviewer")
    made = []
    for i in range(23):
        made.append(make_order(external_id=f"H-{i:02d}", status="completed", priority=(i * 7) % 3,
                               created_at=START + timedelta(minutes=(i * 5) % 4)))
    return made


def _expected(orders):
    ordered = sorted(orders, key=lambda o: (-o.priority, o.created_at, o.id))
    return [o.external_id for o in ordered]


def _page(client, **args):
    return client.get("/api/review/queue", query_string={"state": "completed", **args}).get_json()


def _ids(page):
    return [row["external_id"] for row in page["rows"]]


def test_next_cursors_walk_the_queue_order_and_match_the_counted_pages(client, monkeypatch, history):
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    walked, page, seen = [], _page(client), 0
    while True:
        walked += _ids(page)
        seen += 1
        counted = _page(client, page=seen)   # the same page asked by number (OFFSET)
        assert _ids(counted) == _ids(page) and page["page"] == seen
        if page["after"] is None:
            break
        page = _page(client, after=page["after"], page=seen + 1)
    assert walked == _expected(history) and seen == 5
    assert (page["total"], page["pages"], page["total_capped"]) == (23, 5, False)


def test_previous_cursors_walk_back_to_the_first_page(client, monkeypatch, history):
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    last = _page(client, last="1")
    assert _ids(last) == _expected(history)[-5:] and last["after"] is None and last["page"] == 5
    back, page = [], last
    while page["before"] is not None:
        page = _page(client, before=page["before"], page=page["page"] - 1)
        back = _ids(page) + back
    assert back == _expected(history)[:-5] and page["page"] == 1


def test_past_the_cap_the_total_says_more_than_and_the_pages_are_not_counted(client, monkeypatch, history):
    monkeypatch.setattr(queue, "COUNT_CAP", 10)
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    page = _page(client)
    assert (page["total"], page["total_capped"], page["pages"]) == (10, True, None)
    assert _ids(page) == _expected(history)[:5]
    last = _page(client, last="1")
    assert last["page"] is None and _ids(last) == _expected(history)[-5:]
    html = client.get("/review/?state=completed").get_data(as_text=True)
    assert "More than 10 orders" in html and "Page 1 of" not in html and ">Page 1<" in html


def test_the_pages_links_lead_to_the_next_and_previous_pages(client, monkeypatch, history):
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    expected = _expected(history)
    html = client.get("/review/?state=completed").get_data(as_text=True)
    assert "Page 1 of 5" in html and 'rel="prev"' not in html
    following = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second = client.get(following).get_data(as_text=True)
    assert "Page 2 of 5" in second and "state=completed" in following and "after=" in following
    assert all(number in second for number in expected[5:10]) and expected[4] not in second
    back = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    first_again = client.get(back).get_data(as_text=True)
    assert all(number in first_again for number in expected[:5]) and "Page 1 of 5" in first_again


def test_a_page_number_past_the_end_shows_the_last_page(client, monkeypatch, history):
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    page = _page(client, page=99)
    assert (page["page"], _ids(page)) == (5, _expected(history)[-3:]) and page["before"] is not None


def test_a_cursor_typed_by_hand_gives_the_first_page_and_the_api_refuses_it(client, monkeypatch, history):
    monkeypatch.setattr(queue, "PER_PAGE", 5)
    expected = _expected(history)
    for cursor in ("abc", "0", "99999999999999999999", "-3"):
        response = client.get(f"/review/?state=completed&after={cursor}")
        assert response.status_code == 200
        assert all(number in response.get_data(as_text=True) for number in expected[:5])
    assert _ids(_page(client, after=2_000_000_000)) == expected[:5]   # no such order: the first page
    for cursor in ("abc", "0"):
        refused = client.get("/api/review/queue", query_string={"state": "completed", "after": cursor})
        assert refused.status_code == 422 and refused.get_json()["error"] == "validation_failed"
