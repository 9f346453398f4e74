"""Failures that can be dealt with, in Chromium (issue 21 item 5): a write-back the platform refused for good is
on the supervisors' list after one attempt, marked permanent, and dismissed with a reason; a waybill the carrier
refused is fixed (another carrier, the address) and asked again from the failed queue, and gets its label."""
import json

import pytest
from playwright.sync_api import expect

from wms.shipping.carriers.sandbox import Sandbox


@pytest.fixture(scope="module")
def failures_seed(live_server):
    return live_server.seed("tests.e2e.seed_failures")


@pytest.fixture
def carrier_sandbox(live_server, failures_seed):
    """A Kuaidi100 sandbox the live server's carriers FAILK1 / FAILK2 are pointed at."""
    box = Sandbox().start()
    sender = {"name": "华东仓", "phone": "021-5555", "province": "上海市", "address": "张江路 1 号"}
    with live_server.db() as connection:
        for code, com in (("FAILK1", "shunfeng"), ("FAILK2", "yuantong")):
            connection.execute("UPDATE carriers SET settings = ? WHERE code = ?",
                               (json.dumps(box.settings(com, sender=sender)), code))
    yield box
    box.stop()


def log_in(page, username):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")


def test_a_permanent_write_back_refusal_is_shown_at_once_and_dismissed_with_a_reason(new_context, live_server,
                                                                                     failures_seed):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    log_in(page, failures_seed["supervisor"])
    page.goto("/tracking/exceptions")
    row = page.locator(f'#writebacks-open tr[data-writeback="{failures_seed["task"]}"]')
    expect(row).to_contain_text("FAIL-WB-404")
    expect(row.locator(".failure-kind")).to_contain_text("Permanent")
    expect(row.locator(".last-error")).to_contain_text("404")
    row.locator("details.dismiss summary").click()
    row.locator("details.dismiss button").click()  # no reason yet: the browser asks for one
    assert live_server.db().execute("SELECT status FROM writeback_tasks WHERE id = ?",
                                    (failures_seed["task"],)).fetchone()["status"] == "failed"
    row.locator('details.dismiss input[name="reason"]').fill("shipped on Shopify by hand")
    row.locator("details.dismiss button").click()
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator(f'#writebacks-open tr[data-writeback="{failures_seed["task"]}"]')).to_have_count(0)
    dismissed = page.locator(f'#writebacks-dismissed tr[data-writeback="{failures_seed["task"]}"]')
    expect(dismissed.locator(".dismissed-reason")).to_have_text("shipped on Shopify by hand")
    expect(dismissed).to_contain_text("failboss")
    task = live_server.db().execute("SELECT status, dismissed_reason FROM writeback_tasks WHERE id = ?",
                                    (failures_seed["task"],)).fetchone()
    assert (task["status"], task["dismissed_reason"]) == ("dismissed", "shipped on Shopify by hand")


def test_a_waybill_failure_is_fixed_and_retried_from_the_failed_queue(new_context, live_server, failures_seed,
                                                                     carrier_sandbox):
    page = new_context(viewport={"width": 1440, "height": 900}, has_touch=False).new_page()
    log_in(page, failures_seed["supervisor"])
    page.goto("/shipping/waybills/failed")
    row = page.locator(f'#waybill-failed tr[data-parcel="{failures_seed["parcel"]}"]')
    expect(row.locator(".failure-kind")).to_contain_text("Permanent")
    row.locator("details.fix-retry summary").click()
    row.locator('details.fix-retry input[name="carrier_code"]').fill("FAILK2")
    row.locator('details.fix-retry input[name="address"]').fill("文三路 90 号 3 幢 301 室")
    row.locator("details.fix-retry button").click()
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator(f'#waybill-failed tr[data-parcel="{failures_seed["parcel"]}"]')).to_have_count(0)
    parcel = live_server.db().execute("SELECT status, carrier_code, tracking_number FROM parcels WHERE id = ?",
                                      (failures_seed["parcel"],)).fetchone()
    assert (parcel["status"], parcel["carrier_code"]) == ("labelled", "FAILK2")
    assert parcel["tracking_number"] in carrier_sandbox.waybills
    _method, param = carrier_sandbox.requests[-1]
    assert param["kuaidicom"] == "yuantong" and "文三路 90 号 3 幢 301 室" in param["recMan"]["printAddr"]
