"""Finance review (财审) in the browser: a finance user lands on the finance desk, sees why each order
waits, approves one (it goes on to allocation) and rejects the other with a reason (it is back on the
review desk, on hold, where the reviewer reads the rejection)."""
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def finance(live_server):
    return live_server.seed("tests.e2e.seed_finance")


def _log_in(page, username, password="secret-pass"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _statuses(live_server):
    with live_server.db() as db:
        return dict(db.execute("SELECT external_id, status FROM orders WHERE external_id IN ('FE-1', 'FE-2')")
                    .fetchall())


def test_a_finance_hold_is_approved_and_another_rejected(live_server, new_context, finance):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, finance["finance"])
    expect(page).to_have_url(f"{live_server.url}/finance/")   # the finance role's home
    page.select_option("select[name=channel]", str(finance["store"]))   # submits on change
    expect(page).to_have_url(f"{live_server.url}/finance/?platform=&channel={finance['store']}")
    rows = page.locator("#finance-table tbody tr[data-id]")
    expect(rows).to_have_count(2)
    cod, invoice = page.locator("tr[data-order='FE-1']"), page.locator("tr[data-order='FE-2']")
    expect(cod.locator(".finance-reasons")).to_contain_text("Cash on delivery")
    expect(invoice.locator(".finance-reasons")).to_contain_text("Invoice requested")

    cod.locator(".finance-approve input[name=note]").fill("buyer known")
    cod.locator(".finance-approve button").click()
    expect(page.locator(".flash.success")).to_contain_text("Order FE-1 approved")
    expect(rows).to_have_count(1)

    invoice.locator(".finance-reject button").click()   # no reason: the browser asks for one, nothing is sent
    expect(rows).to_have_count(1)
    invoice.locator(".finance-reject input[name=note]").fill("invoice title missing")
    invoice.locator(".finance-reject button").click()
    expect(page.locator(".flash.success")).to_contain_text("Order FE-2 rejected")
    expect(page.locator("#finance-table")).to_contain_text("No order waits for finance review")

    statuses = _statuses(live_server)
    assert statuses["FE-1"] in ("approved", "allocated", "backorder") and statuses["FE-2"] == "on_hold"
    with live_server.db() as db:
        events = db.execute("SELECT to_state, actor_name, reason FROM order_events WHERE order_id = ? ORDER BY id",
                            (finance["orders"]["cod"],)).fetchall()
    assert any(tuple(row[:2]) == ("finance_review", "auto-review") for row in events)   # both reviews, who and why
    assert any(row[0] == "approved" and row[1] == finance["finance"] and "buyer known" in row[2] for row in events)


def test_the_reviewer_reads_the_finance_rejection_on_the_review_desk(live_server, new_context, finance):
    if _statuses(live_server)["FE-2"] != "on_hold":
        pytest.skip("runs after the rejection above")
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, finance["reviewer"])
    page.goto(f"/review/orders/{finance['orders']['invoice']}")
    expect(page.locator("main")).to_contain_text("finance rejected: invoice title missing")
    page.goto("/review/?q=FE-2")
    expect(page.locator("#queue-table")).to_contain_text("Finance rejected")
