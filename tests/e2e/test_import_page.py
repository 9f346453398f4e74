"""A supervisor uploads a Taobao 订单报表 + 宝贝报表 pair: the mapping page names the layout with no
mapping to do, and the progress page ends with every order's outcome counted."""
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def seeded(live_server):
    return live_server.seed("tests.e2e.seed_imports")


def test_a_taobao_pair_is_recognised_imported_and_every_order_counted(live_server, new_context, seeded):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    page.goto("/login")
    page.fill("input[name=username]", seeded["user"])
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.goto("/imports/?lang=en")
    page.select_option("select[name=channel_id]", str(seeded["channel"]))
    page.set_input_files("input[name=file]", seeded["orders"])
    page.set_input_files("input[name=lines_file]", seeded["lines"])
    page.click("form button.primary")
    expect(page.locator("#preset")).to_contain_text("Taobao/Tmall")
    page.click("form button.primary")
    expect(page.locator("#job-status")).to_have_text("Done", timeout=30_000)   # the status in words (en)
    expected = seeded["expected"]
    for name in ("created", "held", "failed", "duplicate"):
        expect(page.locator(f"#job-{name}")).to_have_text(str(expected[name]))
    expect(page.locator("#job-blocks")).to_have_text(str(seeded["blocks"]))
    expect(page.locator("#job-report")).to_be_visible()
