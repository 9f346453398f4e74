"""The wall TV in Chromium: an order alerted as past its promised ship-by shows in the deadlines panel,
and the panel keeps the 1080p wall free of scrollbars."""
import re

import pytest
from playwright.sync_api import expect

TV = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1, "has_touch": False}


@pytest.fixture(scope="module")
def ship_by_seed(live_server):
    return live_server.seed("tests.e2e.seed_ship_by")


def test_the_tv_lists_an_order_about_to_breach_its_ship_by(new_context, ship_by_seed):
    assert ship_by_seed["alerted"]
    page = new_context(**TV).new_page()
    page.goto(f"/wall/tv/{ship_by_seed['key']}")
    expect(page.locator('[data-w="status"]')).to_have_text("Live")
    expect(page.locator('[data-w="due-alerts"]')).to_contain_text(ship_by_seed["order"])
    expect(page.locator('[data-w="due-overdue"]')).to_have_text(re.compile(r"^[1-9]\d*\+?$"))
    expect(page.locator('[data-w="due-soon-label"]')).to_have_text("Due within 2 h")
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes[0] <= 1920 and sizes[1] <= 1080  # no scrollbars on a 1080p TV
