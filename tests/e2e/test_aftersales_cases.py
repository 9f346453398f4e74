"""After-sales cases in Chromium against a real server: a return-and-refund case opened on a delivered order,
its parcel found at receiving by the return tracking number, graded resellable and restocked, the refund marked
done; an exchange opened on the same order makes its linked replacement order (free, on hold for the goods)."""
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def seeded(live_server):
    return live_server.seed("tests.e2e.seed_aftersales_cases")


def _log_in(page):
    page.goto("/login")
    page.fill("input[name=username]", "cases-super")
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")


def _open_case(page, kind, qty_input, reason, tracking="", refund=""):
    page.goto("/aftersales/cases/new?order=CASE-E2E-1")
    form = page.locator("#case-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name^=qty_]").nth(qty_input).fill("1")
    form.locator("input[name=reason]").fill(reason)
    if tracking:
        form.locator("input[name=return_carrier]").fill("SF")
        form.locator("input[name=return_tracking_number]").fill(tracking)
    if refund:
        form.locator("input[name=refund]").fill(refund)
    form.locator("button.primary").click()


def test_a_return_and_refund_is_received_by_its_tracking_number_graded_and_refunded(live_server, new_context,
                                                                                    seeded):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    _log_in(page)
    _open_case(page, "return_refund", 0, "Too big", tracking="CASE-RET-1", refund="33.00")
    expect(page.locator("#case-state")).to_have_text("Waiting for the return")
    expect(page.locator("#refund")).to_contain_text("To refund")

    page.goto("/aftersales/returns")
    page.fill("input[name=order]", "case-ret-1")
    page.locator("form.inline button.primary").first.click()
    page.locator("p.expected-case a").click()
    expect(page.locator("p.case-banner")).to_contain_text("Too big")
    page.locator("input[name^=qty_]").first.fill("1")
    page.locator("select[name^=result_]").first.select_option("resellable")
    page.locator("input[name^=bin_]").first.fill("CASE-B-01")
    page.locator("button.primary", has_text="Book return").click()
    expect(page.locator("#case-state")).to_have_text("Goods received")
    expect(page.locator("#case-timeline")).to_contain_text("parcel received (CASE-RET-1)")

    page.locator("#refund-done").click()
    expect(page.locator("#case-state")).to_have_text("Refunded")
    expect(page.locator("#refund")).to_contain_text("Refunded")
    with live_server.db() as db:
        on_hand = db.execute("SELECT s.on_hand FROM stock_items s JOIN bins b ON b.id = s.bin_id JOIN skus k "
                             "ON k.id = s.sku_id WHERE b.code = 'CASE-B-01' AND k.code = 'CASE-SKU-1'").fetchone()
        case = db.execute("SELECT state, refund_status, refund_cents FROM aftersales_cases WHERE "
                          "return_tracking_number = 'CASE-RET-1'").fetchone()
    assert on_hand[0] == 1
    assert tuple(case) == ("refunded", "refund_made", 3300)


def test_an_exchange_makes_its_linked_replacement_order(live_server, new_context, seeded):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    _log_in(page)
    _open_case(page, "exchange", 1, "Wrong colour", tracking="CASE-RET-2")
    expect(page.locator("#case-state")).to_have_text("Waiting for the return")
    replacement = page.locator("#replacement a")
    expect(replacement).to_contain_text("CASE-E2E-1-EX")
    expect(page.locator("#replacement")).to_contain_text("On hold")
    replacement.click()
    expect(page.locator("body")).to_contain_text("Wrong colour")
    expect(page.locator("a.order-cases")).to_be_visible()
    with live_server.db() as db:
        row = db.execute("SELECT o.total_cents, o.status FROM aftersales_cases c JOIN orders o ON "
                         "o.id = c.replacement_order_id WHERE c.return_tracking_number = 'CASE-RET-2'").fetchone()
    assert tuple(row) == (0, "on_hold")
