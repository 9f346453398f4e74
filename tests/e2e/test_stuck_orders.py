"""The stuck-order watch in Chromium: the wall desk's exception panel counts an order that has not
moved, its label opens the supervisor's list (in Chinese), and the list's button moves the order on."""
import pytest
from playwright.sync_api import expect

from tests.e2e.handheld import seeded


@pytest.fixture(scope="module")
def stuck_seed(live_server):
    seeded(live_server)
    return live_server.seed("tests.e2e.seed_stuck")


def test_a_stuck_order_is_counted_on_the_wall_and_moved_on_from_the_list(new_context, live_server, stuck_seed):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    page.goto("/login")
    page.fill("input[name=username]", stuck_seed["supervisor"])
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.goto("/wall/desk")
    expect(page.locator('[data-w="ex-stuck"]')).not_to_have_text("–")
    assert int(page.locator('[data-w="ex-stuck"]').inner_text()) >= 1
    page.locator('[data-w="ex-stuck-label"] a').click()
    expect(page.locator("h1")).to_have_text("滞留订单")
    row = page.locator(f'#stuck tr[data-order="{stuck_seed["order"]}"]')
    expect(row).to_contain_text("STUCK-1")
    row.locator('button[data-step="allocate"]').click()
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator(f'#stuck tr[data-order="{stuck_seed["order"]}"]')).to_have_count(0)
    status = live_server.db().execute("SELECT status FROM orders WHERE id = ?", (stuck_seed["order"],)).fetchone()
    assert status["status"] == "allocated"
