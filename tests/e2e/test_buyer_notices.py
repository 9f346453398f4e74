"""Buyer notices in Chromium against a real server: a shortage at allocation sends the buyer one text through the
Aliyun SMS sandbox (signature checked over HTTP), once however often allocation finds it short; the supervisor's
Buyer notices page lists it masked, and ticking an event for a store there is kept."""
import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from wms.tracking.notices_sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_TEMPLATES, AliyunSmsSandbox


@pytest.fixture(scope="module")
def sms(live_server):
    sandbox = AliyunSmsSandbox().start()
    env = {**live_server.env, "ALIYUN_SMS_URL": sandbox.url, "ALIYUN_SMS_KEY_ID": DEMO_KEY_ID,
           "ALIYUN_SMS_KEY_SECRET": DEMO_KEY_SECRET, "ALIYUN_SMS_SIGN_NAME": "仓库通知",
           **{f"ALIYUN_SMS_TEMPLATE_{event.upper()}": code for event, code in DEMO_TEMPLATES.items()}}
    seeded = [_run(env), _run(env, "again")]
    yield sandbox, seeded[0]
    sandbox.stop()


def _run(env, *args):
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_notices", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_shortage_texts_the_buyer_once_and_the_page_lists_it_masked(live_server, new_context, sms):
    sandbox, seeded = sms
    assert [(m["phone"], m["template"], m["variables"]["order"]) for m in sandbox.received] == [
        ("13912345678", DEMO_TEMPLATES["shortage"], "SHORT-E2E-1")]
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto("/login")
    page.fill("input[name=username]", "notices-super")
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.goto("/tracking/notices")
    row = page.locator("tr", has_text="SHORT-E2E-1")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("139****5678")
    expect(row).not_to_contain_text("13912345678")
    expect(row).to_contain_text("Sent")
    form = page.locator(f"form[data-store='notices-e2e']")
    expect(form.locator("input[name='shortage.sms']")).to_be_checked()
    form.locator("input[name='out_for_delivery.sms']").check()
    form.locator("button.primary").click()
    expect(page.locator("body")).to_contain_text("Buyer notices of notices-e2e saved")
    expect(page.locator("form[data-store='notices-e2e'] input[name='out_for_delivery.sms']")).to_be_checked()
    with live_server.db() as db:
        settings = json.loads(db.execute("SELECT settings FROM channels WHERE id = ?",
                                         (seeded["store_id"],)).fetchone()[0])
    assert settings["buyer_notices"]["out_for_delivery"] == ["sms"]
    assert settings["buyer_notices"]["shortage"] == ["sms"]
