"""Presales in the browser: the review desk shows a presale waiting apart from the backorders (its own
chip with a count, its own filter, the day it ships from), its timeline says it waits; on its ship-from
date the release allocates it, and the desk and its timeline say so."""
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def presale(live_server):
    return live_server.seed("tests.e2e.seed_presale")


def _log_in(page, username, password="secret-pass"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_the_desk_shows_a_presale_apart_from_backorders_and_its_date_releases_it(live_server, new_context, presale):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, presale["supervisor"])

    page.goto(f"/review/?state=&channel={presale['channel']}")
    page.click("#presale-waiting")
    table = page.locator("#queue-table")
    expect(table).to_contain_text("PSE2E-1")
    expect(table).not_to_contain_text("PSE2E-2")
    expect(page.locator("tr", has_text="PSE2E-1")).to_contain_text("Presale: ships from")
    expect(page.locator("#presale-waiting b")).to_have_text("1")

    page.click("#backorder-waiting")
    expect(page.locator("#queue-table")).to_contain_text("PSE2E-2")
    expect(page.locator("#queue-table")).not_to_contain_text("PSE2E-1")

    page.goto(f"/review/orders/{presale['presale']}")
    expect(page.locator(".timeline")).to_contain_text("waits as a presale until")

    released = live_server.seed("tests.e2e.seed_presale_release")
    assert released == {"released": [presale["presale"]], "allocated": [presale["presale"]]}

    page.reload()
    expect(page.locator(".timeline")).to_contain_text("presale released: its ship-from date came")
    expect(page.locator(".timeline")).to_contain_text("stock reserved in PSE2E")
    page.goto(f"/review/?state=presale&channel={presale['channel']}")
    expect(page.locator("#queue-table")).not_to_contain_text("PSE2E-1")
    expect(page.locator("#presale-waiting b")).to_have_text("0")
    with live_server.db() as db:
        status = db.execute("SELECT status FROM orders WHERE external_id = 'PSE2E-1'").fetchone()[0]
    assert status == "allocated"
