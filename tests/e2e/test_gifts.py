"""Gift rules in the browser: a supervisor makes a rule on its page (a refusal first), approving an
order on the desk adds the gift line the order page shows; the rule's total reached, the next order's
timeline says why it got none and the rules page says the rule ran out."""
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def gifts(live_server):
    return live_server.seed("tests.e2e.seed_gifts")


def _log_in(page, username, password="secret-pass"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _approve(page, order_id):
    page.goto(f"/review/orders/{order_id}")
    page.click("form[action$='/approve'] button.primary")
    expect(page.locator(".flash.success").first).to_be_visible()


def test_a_rule_adds_its_gift_on_the_desk_and_says_when_it_ran_out(live_server, new_context, gifts):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, gifts["supervisor"])

    page.goto("/review/rules")
    page.click("#gift-rules-link")
    page.click("#new-gift-rule")
    form = page.locator("#gift-rule-form")
    form.locator("input[name=name]").fill("E2E 赠品杯")
    form.locator("input[name=bought_skus]").fill("GIFTE2E-SKU-*")
    form.locator("select[name=channels]").select_option(str(gifts["channel"]))
    form.locator("input[name=total_max]").fill("1")
    form.locator("input[name=gift_skus]").fill("GIFTE2E-NONE")
    form.locator("button.primary").click()   # no such gift SKU: refused, the rest kept as typed
    expect(page.locator("#gift-rule-form .field-error")).to_contain_text("No active SKU GIFTE2E-NONE")
    form = page.locator("#gift-rule-form")
    expect(form.locator("input[name=bought_skus]")).to_have_value("GIFTE2E-SKU-*")
    form.locator("input[name=gift_skus]").fill("GIFTE2E-CUP")
    form.locator("button.primary").click()
    expect(page.locator(".flash.success")).to_contain_text("Gift rule saved")
    row = page.locator("#gift-rules tbody tr", has_text="E2E 赠品杯")
    expect(row.locator(".gift-state")).to_contain_text("Active")

    first, second = gifts["orders"]
    _approve(page, first)
    gift = page.locator("[data-gift-line]")
    expect(gift).to_have_count(1)
    expect(page.locator("tr", has=gift)).to_contain_text("GIFTE2E-CUP")
    expect(page.locator(".timeline")).to_contain_text("gift added: 1 x GIFTE2E-CUP (rule 'E2E 赠品杯')")

    _approve(page, second)
    expect(page.locator("[data-gift-line]")).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text(
        "gift of rule 'E2E 赠品杯' not added: its total of 1 gift units is given")

    page.goto("/review/gifts")
    row = page.locator("#gift-rules tbody tr", has_text="E2E 赠品杯")
    expect(row.locator(".gift-state .ran-out")).to_have_text("Ran out")
    expect(row.locator(".gift-given")).to_contain_text("1 / 1")
    with live_server.db() as db:
        lines = db.execute("SELECT o.external_id, l.sku_code, l.unit_price_cents FROM order_lines l "
                           "JOIN orders o ON o.id = l.order_id WHERE l.is_gift AND o.external_id LIKE 'GIFTE2E-%'"
                           ).fetchall()
    assert [tuple(line) for line in lines] == [("GIFTE2E-1", "GIFTE2E-CUP", 0)]
