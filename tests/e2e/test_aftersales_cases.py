"""After-sales cases in Chromium against a real server: a return-and-refund case opened on a delivered order,
its parcel found at receiving by the return tracking number, graded resellable and restocked, the refund marked
done; an exchange opened on the same order makes its linked replacement order (free, on hold for the goods),
which its return parcel, received by the tracking number, releases; an allocated order intercepted from its page
and its money given back on a refund-only case (a second refund above what is left refused); a re-shipment of a
missing item makes a free linked order that is not held, the reason on both timelines."""
import json

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


def _open_case(page, kind, qty_input, reason, tracking="", refund="", order="CASE-E2E-1"):
    page.goto(f"/aftersales/cases/new?order={order}")
    _fill_case(page, kind, qty_input, reason, tracking, refund)


def _fill_case(page, kind, qty_input, reason, tracking="", refund=""):
    form = page.locator("#case-form")
    form.locator("select[name=kind]").select_option(kind)
    if qty_input is not None:
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


def test_an_exchange_holds_its_free_replacement_until_its_return_is_received_at_receiving(live_server, new_context,
                                                                                         seeded):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    _log_in(page)
    _open_case(page, "exchange", 1, "Wrong colour", tracking="CASE-RET-2")
    expect(page.locator("#case-state")).to_have_text("Waiting for the return")
    replacement = page.locator("#replacement a")
    expect(replacement).to_contain_text("CASE-E2E-1-EX")
    expect(page.locator("#replacement")).to_contain_text("On hold")
    case_url = page.url
    replacement.click()
    expect(page.locator("body")).to_contain_text("Wrong colour")
    expect(page.locator("a.order-cases")).to_be_visible()
    with live_server.db() as db:
        row = db.execute("SELECT o.total_cents, o.status FROM aftersales_cases c JOIN orders o ON "
                         "o.id = c.replacement_order_id WHERE c.return_tracking_number = 'CASE-RET-2'").fetchone()
    assert tuple(row) == (0, "on_hold")

    page.goto("/aftersales/returns")
    page.fill("input[name=order]", "case-ret-2")
    page.locator("form.inline button.primary").first.click()
    page.locator("p.expected-case a", has_text="CASE-E2E-1").click()
    expect(page.locator("p.case-banner")).to_contain_text("Wrong colour")
    line = page.locator("tr", has_text="CASE-SKU-2")
    line.locator("input[name^=qty_]").fill("1")
    line.locator("select[name^=result_]").select_option("resellable")
    line.locator("input[name^=bin_]").fill("CASE-B-03")
    page.locator("button.primary", has_text="Book return").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#case-state")).to_have_text("Replacement ordered")
    expect(page.locator("#case-timeline")).to_contain_text("parcel received (CASE-RET-2)")
    expect(page.locator("#replacement")).not_to_contain_text("On hold")
    with live_server.db() as db:
        row = db.execute("SELECT c.state, o.status, o.hold_reasons FROM aftersales_cases c JOIN orders o ON "
                         "o.id = c.replacement_order_id WHERE c.return_tracking_number = 'CASE-RET-2'").fetchone()
    assert row["state"] == "replacement_ordered"
    assert row["status"] == "allocated" and not json.loads(row["hold_reasons"] or "null")
    expect(page.locator("#replacement")).to_contain_text("Allocated")


def test_a_refund_before_shipping_intercepts_the_allocated_order_and_gives_the_money_back(live_server, new_context,
                                                                                          seeded):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    _log_in(page)
    page.goto(f"/review/orders/{seeded['allocated_id']}")
    expect(page.locator(".review-head .state")).to_have_text("Allocated")
    intercept = page.locator("form#intercept")
    intercept.locator("input[name=reason]").fill("Buyer asked for the money back")
    intercept.locator("button").click()
    expect(page.locator(".review-head .state")).to_have_text("Cancelled")
    expect(page.locator("ol.timeline")).to_contain_text("Buyer asked for the money back")
    with live_server.db() as db:
        stock = db.execute("SELECT on_hand, reserved FROM stock_items WHERE id = ?",
                           (seeded["stock_item_id"],)).fetchone()
        intercepted = db.execute("SELECT source, state_at_intercept FROM intercepts WHERE order_id = ?",
                                 (seeded["allocated_id"],)).fetchone()
    assert tuple(stock) == (3, 0)
    assert tuple(intercepted) == ("reviewer", "allocated")

    page.locator("a.order-new-case").click()
    expect(page.locator("#case-form")).to_be_visible()
    _fill_case(page, "refund_only", None, "Refund before shipping", refund="66.00")
    expect(page.locator("#case-state")).to_have_text("Opened")
    expect(page.locator("#refund")).to_contain_text("To refund")
    page.locator("#refund-done").click()
    expect(page.locator("#case-state")).to_have_text("Refunded")
    expect(page.locator("#refund")).to_contain_text("Refunded")

    _open_case(page, "refund_only", None, "Refund again", refund="0.01", order="CASE-E2E-2")
    expect(page.locator("#case-form")).to_contain_text("A refund of 0.01 CNY is more than the 0.00 CNY left of "
                                                      "what the buyer paid")
    expect(page.locator("#case-form input[name=reason]")).to_have_value("Refund again")
    with live_server.db() as db:
        cases = db.execute("SELECT state, refund_status, refund_cents FROM aftersales_cases WHERE order_id = ?",
                           (seeded["allocated_id"],)).fetchall()
        total = db.execute("SELECT paid_cents, refunded_cents FROM aftersales_refund_totals WHERE order_id = ?",
                           (seeded["allocated_id"],)).fetchone()
        status = db.execute("SELECT status FROM orders WHERE id = ?", (seeded["allocated_id"],)).fetchone()
    assert [tuple(case) for case in cases] == [("refunded", "refund_made", 6600)]
    assert tuple(total) == (6600, 6600)
    assert status[0] == "cancelled"


def test_a_reshipment_of_a_missing_item_makes_a_free_linked_order_that_is_not_held(live_server, new_context, seeded):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    _log_in(page)
    _open_case(page, "reship", 1, "Item missing from the parcel", order="CASE-E2E-3")
    expect(page.locator("#case-state")).to_have_text("Replacement ordered")
    expect(page.locator("#case-timeline")).to_contain_text("Item missing from the parcel")
    replacement = page.locator("#replacement a")
    expect(replacement).to_contain_text("CASE-E2E-3-RS")
    expect(page.locator("#replacement")).not_to_contain_text("On hold")
    replacement.click()
    expect(page.locator(".review-head h1")).to_contain_text("CASE-E2E-3-RS")
    expect(page.locator("ol.timeline")).to_contain_text("Item missing from the parcel")
    expect(page.locator(".review-head .state")).to_have_text("Allocated")
    expect(page.locator(".hold-reasons")).to_have_count(0)
    with live_server.db() as db:
        row = db.execute("SELECT o.total_cents, o.status, o.hold_reasons, c.state FROM aftersales_cases c JOIN orders o "
                         "ON o.id = c.replacement_order_id WHERE c.order_id = ?", (seeded["reshipped_id"],)).fetchone()
        lines = db.execute("SELECT l.sku_code, l.qty, l.unit_price_cents FROM order_lines l JOIN aftersales_cases c "
                           "ON c.replacement_order_id = l.order_id WHERE c.order_id = ?",
                           (seeded["reshipped_id"],)).fetchall()
    assert row["total_cents"] == 0 and row["state"] == "replacement_ordered"
    assert row["status"] == "allocated" and not json.loads(row["hold_reasons"] or "null")
    assert [tuple(line) for line in lines] == [("CASE-SKU-4", 1, 0)]
