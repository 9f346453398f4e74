"""A reviewer sees two orders of one buyer to one address flagged (not held) on the queue and merges
them with one click (the button sits in the bulk-approve form, whose guard must let it through)."""
import pytest
from playwright.sync_api import expect

from tests.e2e.handheld import wait_until


@pytest.fixture(scope="module")
def twins(live_server):
    return live_server.seed("tests.e2e.seed_review_twins")


def _log_in(page, username, password="secret-pass"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_twins_are_merged_from_the_flagged_queue_with_one_click(live_server, new_context, twins):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, twins["reviewer"])
    page.goto("/review/?state=flagged&q=TW-")
    rows = page.locator("#queue-table tbody tr[data-id]")
    expect(rows).to_have_count(2)
    expect(page.locator("#flag-counts")).to_contain_text("2")
    wait_until(page, "() => document.getElementById('live-status').textContent !== ''")  # review.js is running
    expect(rows.locator("button.merge-twins")).to_have_count(2)
    page.locator(f"tr[data-id='{twins['orders'][1]}'] button.merge-twins").click()
    expect(page.locator(".flash.success")).to_contain_text("Merged TW-2 into TW-1")
    expect(page.locator("#queue-table tbody tr[data-id]")).to_have_count(0)
    with live_server.db() as db:
        status = dict(db.execute("SELECT external_id, status FROM orders WHERE external_id LIKE 'TW-%'").fetchall())
    assert status["TW-2"] == "cancelled" and status["TW-1"] != "cancelled"
