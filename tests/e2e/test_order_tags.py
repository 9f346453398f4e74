"""Order tags in the browser: a supervisor makes a tag rule on its page; approving orders on the desk
tags the one that matches; the desk filters by the tag (chips on the row); the wave preview with the
tag takes only that order."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.handheld import wait_until


@pytest.fixture(scope="module")
def tagged(live_server):
    return live_server.seed("tests.e2e.seed_order_tags")


def _log_in(page, username, password="secret-pass"):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_a_rule_tags_approved_orders_the_desk_and_the_wave_preview_filter_by_it(live_server, new_context, tagged):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    _log_in(page, tagged["supervisor"])

    # the rule, made on its page (a refusal first: no condition)
    page.goto("/review/tags")
    form = page.locator("#tag-rule-form")
    form.locator("input[name=name]").fill("E2E 华南 VIP")
    form.locator("input[name=tags]").fill("E2E-VIP, 华南")
    form.locator("button.primary").click()
    expect(page.locator("#tag-rule-form .field-error")).to_contain_text("at least one condition")
    form = page.locator("#tag-rule-form")
    expect(form.locator("input[name=tags]")).to_have_value("E2E-VIP, 华南")   # kept as typed
    form.locator("input[name=regions]").fill("广东")
    form.locator("select[name=channel_ids]").select_option(label="标签测试店")  # this suite's store only: the
    # server is shared, and other suites' orders to 广东 must not be tagged
    form.locator("input[name=priority]").fill("7")
    form.locator("button.primary").click()
    expect(page.locator(".flash.success")).to_contain_text("Tag rule saved")
    expect(page.locator("#tag-rules tbody")).to_contain_text("E2E 华南 VIP")

    # approving on the desk tags the order that matches
    page.goto("/review/?state=imported&q=TAGE2E-")
    rows = page.locator("#queue-table tbody tr[data-id]")
    expect(rows).to_have_count(2)
    wait_until(page, "() => document.getElementById('live-status').textContent !== ''")  # review.js is running
    page.check("#select-all")
    expect(rows.locator("input[name=order_ids]:checked")).to_have_count(2)
    page.click("#bulk-approve")
    expect(page.locator(".flash.success").first).to_contain_text("Approved 2")
    with live_server.db() as db:
        tags = dict(db.execute("SELECT external_id, tags FROM orders WHERE external_id LIKE 'TAGE2E-%'").fetchall())
        priority = db.execute("SELECT priority FROM orders WHERE external_id = 'TAGE2E-1'").fetchone()[0]
    assert '"E2E-VIP"' in tags["TAGE2E-1"] and tags["TAGE2E-2"] == "[]" and priority == 7

    # the desk filters by the tag, typed in any case; the row shows its tags as chips
    page.goto("/review/?state=allocated&q=TAGE2E-")
    page.fill("#filters input[name=tag]", "e2e-vip")
    page.click("#filters button.primary")
    rows = page.locator("#queue-table tbody tr[data-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("TAGE2E-1")
    expect(rows.first.locator("a.chip.tag")).to_have_text(["E2E-VIP", "华南"])
    wait_until(page, "() => document.getElementById('live-status').textContent !== ''")  # the live refresh keeps them
    expect(rows.first.locator("a.chip.tag")).to_have_count(2)

    # the wave preview with the tag takes only the tagged order; without it, both
    with live_server.db() as db:
        allocated = db.execute("SELECT count(*) FROM orders WHERE external_id LIKE 'TAGE2E-%' AND status = 'allocated'"
                               ).fetchone()[0]
    assert allocated == 2
    page.goto(f"/waves/?warehouse={tagged['warehouse']}")
    page.fill("#f-wave-include-tags", "E2E-VIP")
    page.click("#wave-form button:has-text('Preview')")
    expect(page.locator("#preview-summary")).to_contain_text(re.compile(r"^1 orders"))
    expect(page.locator("#f-wave-include-tags")).to_have_value("E2E-VIP")
    page.fill("#f-wave-include-tags", "")
    page.click("#wave-form button:has-text('Preview')")
    expect(page.locator("#preview-summary")).to_contain_text(re.compile(r"^2 orders"))
