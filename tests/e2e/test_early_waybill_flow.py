"""The 店小秘 flow in real Chromium against a real server (issue 18): the warehouse set to request its
waybills after allocation; a bulk request on the waybill desk with its progress, the carrier's refusal
of one order fixed and retried; 待打单 有货 / 缺货, a receipt moving the 缺货 order to 有货; a wave's labels
printed in pick-route order through the station's print component (sandbox); the pick on the handheld;
at the station the label's tracking number opens the order and the seal prints no second label; dock ->
shipped. And one order to Germany: its waybill refused until its customs declaration is complete, then
issued by the 4PX sandbox, with its CN 22."""
import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.handheld import open_app, scan, seeded, wait_line_closed, wait_synced
from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.print_sandbox import PRINTER, PrintSandbox


@pytest.fixture(scope="module")
def early(live_server, tmp_path_factory):
    seeded(live_server)  # the shared warehouse and its layout
    carrier, forwarder = Sandbox().start(), FourPxSandbox().start()
    component = PrintSandbox(tmp_path_factory.mktemp("early-printed")).start()
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_early_flow"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**live_server.env, "EARLY_SANDBOX_URL": carrier.url,
                                            "FOURPX_SANDBOX_URL": forwarder.url, "PRINT_COMPONENT_URL": component.url})
    assert done.returncode == 0, done.stderr[-3000:]
    seed = json.loads(done.stdout.strip().splitlines()[-1])
    yield seed, carrier, forwarder, component
    admin = live_server.session(seed["admin"])   # the shared warehouse goes back to the flow other suites expect
    admin.post(f"{live_server.url}/waybill-desk/settings", data={f"wh-{seed['warehouse_id']}": "at_seal"})
    component.stop()
    forwarder.stop()
    carrier.stop()


def log_in(context, username):
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    return page


def rows(live_server, sql, *args):
    with live_server.db() as db:
        return [dict(row) for row in db.execute(sql, args)]


def early_waybill(live_server, ref):
    [row] = rows(live_server, "SELECT w.* FROM early_waybills w JOIN orders o ON o.id = w.order_id "
                              "WHERE o.external_id = ? AND w.live_order_id IS NOT NULL", ref)
    return row


def status(live_server, ref):
    return rows(live_server, "SELECT status FROM orders WHERE external_id = ?", ref)[0]["status"]


def test_the_dianxiaomi_flow_from_bulk_request_to_shipped(live_server, new_context, early):
    seed, carrier, forwarder, component = early
    base, ids = live_server.url, seed["orders"]
    office = new_context(viewport={"width": 1280, "height": 900}, has_touch=False)
    errors = []

    # 1. the admin sets the warehouse to request waybills after allocation (the 店小秘 flow)
    admin = log_in(office, seed["admin"])
    admin.on("pageerror", lambda error: errors.append(str(error)))
    admin.goto("/waybill-desk/settings")
    admin.select_option(f"select[name='wh-{seed['warehouse_id']}']", "after_allocation")
    admin.click("button.primary")
    expect(admin.locator("select[name='wh-%d']" % seed["warehouse_id"])).to_have_value("after_allocation")

    # 2. the bulk request: every waiting order ticked, the progress shown, the refusals in the failure queue
    admin.goto("/waybill-desk/")
    for ref in ("E-1", "E-2", "E-3", "X-1"):
        admin.check(f"#waiting input[aria-label='{ref}']")
    admin.click("#request-form button[value=selected]")
    progress = admin.locator("#batch-progress")
    expect(progress.locator("[data-count=total]")).to_have_text("4")
    expect(progress.locator("[data-count=requesting]")).to_have_text("0", timeout=20000)
    expect(progress.locator("[data-count=issued]")).to_have_text("2")
    expect(progress.locator("[data-count=failed]")).to_have_text("2")
    failures = admin.locator("#early-failed")
    expect(failures).to_contain_text("收件地址不能为空")          # E-3, in the carrier's words
    expect(failures).to_contain_text("customs declaration incomplete")   # never sent to 4PX
    assert forwarder.requests == []

    # 3. E-3's address corrected on the failure's form and retried
    e3 = early_waybill(live_server, "E-3")
    form = admin.locator(f"#failure-{e3['id']} form").first
    for name, value in (("province", "浙江省"), ("city", "杭州市"), ("district", "西湖区"), ("address", "文三路 90 号 1 幢 101 室")):
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button.primary").click()
    expect(admin.locator(f"#failure-{e3['id']}")).to_have_count(0)
    assert early_waybill(live_server, "E-3")["status"] == "issued"

    # 4. the cross-border order: the declaration completed (its English name), retried, issued by 4PX, CN 22
    supervisor = live_server.session(seed["supervisor"])
    saved = supervisor.post(f"{base}/shipping/orders/{ids['X-1']}/customs", data={"name_en-0": "Canvas bag"})
    assert saved.status_code in (200, 302), saved.text[:500]
    x1 = early_waybill(live_server, "X-1")
    admin.goto("/waybill-desk/")
    admin.locator(f"#failure-{x1['id']} form button.primary").first.click()
    expect(admin.locator(f"#failure-{x1['id']}")).to_have_count(0)
    x1 = early_waybill(live_server, "X-1")
    assert x1["status"] == "issued" and x1["carrier_code"] == "EF4PX"
    assert [body for method, body in forwarder.requests if "create" in method]
    cn22 = supervisor.get(f"{base}/shipping/orders/{ids['X-1']}/customs.pdf")
    assert cn22.status_code == 200 and cn22.content.startswith(b"%PDF")

    # 5. 待打单: E-1 and E-3 in stock, E-2 out of stock; a receipt of EF-2 moves it over by itself
    admin.goto("/waybill-desk/to-print?tab=out_of_stock")
    expect(admin.locator("#labels")).to_contain_text("E-2")
    receipt = supervisor.post(f"{base}/inventory/receive", data={
        "warehouse": seed["warehouse_id"], "sku": "EF-2", "bin": seed["bins"]["EF-2"], "qty": "5", "reference": "PO-E2"})
    assert receipt.status_code in (200, 302), receipt.text[:500]
    assert status(live_server, "E-2") == "allocated"
    admin.goto("/waybill-desk/to-print?tab=out_of_stock")
    expect(admin.locator("#labels")).to_have_count(0)
    admin.goto("/waybill-desk/to-print?tab=in_stock")
    for ref in ("E-1", "E-2", "E-3"):
        expect(admin.locator("#labels")).to_contain_text(ref)

    # 6. a wave of the three, its labels printed in pick-route order through the station's print component
    released = supervisor.post(f"{base}/waves/release", data={"warehouse": seed["warehouse_id"], "carriers": "EFSF"})
    assert released.status_code in (200, 302), released.text[:500]
    [wave] = rows(live_server, "SELECT DISTINCT t.wave_id, t.id AS task_id, t.version FROM pick_tasks t "
                               "JOIN pick_lines l ON l.task_id = t.id JOIN orders o ON o.id = l.order_id "
                               "WHERE o.external_id IN ('E-1', 'E-2', 'E-3')")
    route = [r["external_id"] for r in rows(live_server, "SELECT o.external_id FROM pick_lines l "
                                                         "JOIN orders o ON o.id = l.order_id WHERE l.task_id = ? "
                                                         "ORDER BY l.seq", wave["task_id"])]
    route = list(dict.fromkeys(route))
    station = log_in(new_context(viewport={"width": 1280, "height": 800}, has_touch=False), seed["packer"])
    station.on("pageerror", lambda error: errors.append(str(error)))
    station.evaluate("localStorage.setItem('wms.station', 'PS-EARLY')")
    station.goto("/station/")
    expect(station.locator("#printer-state")).to_have_attribute("data-state", "connected")
    admin.goto("/waybill-desk/to-print?tab=in_stock")
    admin.select_option("#print-wave select[name=wave_id]", str(wave["wave_id"]))
    admin.select_option("#print-wave select[name=station]", "PS-EARLY")
    admin.click("#print-wave button.primary")
    expect(admin.locator("body")).to_contain_text("3 labels sent to station PS-EARLY")
    numbers = {ref: early_waybill(live_server, ref)["tracking_number"] for ref in ("E-1", "E-2", "E-3")}
    for ref in route:
        expect(station.locator("#labels")).to_contain_text(f"{numbers[ref]} · EFSF · printed on {PRINTER}", timeout=20000)
    assert [entry["task"]["documents"][0]["documentID"] for entry in component.tasks[-3:]] == \
        [numbers[ref] for ref in route]
    admin.goto("/waybill-desk/to-print?tab=printed")
    for ref in route:
        expect(admin.locator("#labels")).to_contain_text(ref)

    # 7. the pick on the handheld page
    supervisor.post(f"{base}/waves/tasks/{wave['task_id']}/assign",
                    data={"picker_id": seed["picker"]["id"], "version": wave["version"]})
    lines = {r["id"]: r for r in rows(live_server, "SELECT l.id, l.qty, s.code AS sku, b.barcode AS bin FROM pick_lines l "
                                                   "JOIN skus s ON s.id = l.sku_id JOIN bins b ON b.id = l.bin_id "
                                                   "WHERE l.task_id = ?", wave["task_id"])}
    handheld = open_app(new_context())
    handheld.fill("#login-username", seed["picker"]["username"])
    for key in seed["picker"]["pin"]:
        handheld.click(f"#pin-pad [data-key='{key}']")
    handheld.click("#pin-pad [data-key='OK']")
    handheld.click(f"#task-list button[data-task-id='{wave['task_id']}']")
    expect(handheld.locator("#screen-pick")).to_be_visible()
    while handheld.locator("#screen-pick").is_visible():
        line = lines[int(handheld.get_attribute("#pick-line", "data-line-id"))]
        scan(handheld, line["bin"])
        expect(handheld.locator("#pick-bin.scanned")).to_be_visible()
        scan(handheld, line["sku"])
        wait_line_closed(handheld, line["id"])
    wait_synced(handheld)
    assert {status(live_server, ref) for ref in route} == {"picked"}

    # 8. the station: E-1's label scanned opens it, its item verified, sealed without a second label
    station.reload()
    expect(station.locator("#queue")).to_contain_text("E-1")
    station.evaluate("(code) => window.stationScan(code)", numbers["E-1"])
    expect(station.locator("#task-ref")).to_have_text("E-1")
    station.evaluate("(code) => window.stationScan(code)", "EF-1")
    expect(station.locator("#message")).to_contain_text("All items verified")
    expected = int("".join(ch for ch in station.locator("#expected").inner_text() if ch.isdigit()))
    station.fill("#weight", str(expected))
    jobs_before = rows(live_server, "SELECT count(*) AS n FROM print_jobs")[0]["n"]
    station.click("#seal")
    expect(station.locator("#message")).to_contain_text("sealed with the label printed before picking: no new label")
    expect(station.locator("#message")).not_to_contain_text("on its way")
    expect(station.locator("#labels")).to_contain_text(f"E-1: sealed with its waybill {numbers['E-1']}")
    for _ in range(50):
        if status(live_server, "E-1") == "labelled":
            break
        station.wait_for_timeout(100)
    [parcel] = rows(live_server, "SELECT p.id, p.tracking_number, p.status FROM parcels p JOIN orders o ON o.id = p.order_id "
                                 "WHERE o.external_id = 'E-1'")
    assert parcel["tracking_number"] == numbers["E-1"] and parcel["status"] == "labelled"
    assert rows(live_server, "SELECT count(*) AS n FROM print_jobs")[0]["n"] == jobs_before
    assert len([m for m, _p in carrier.requests if m != "cancel"]) == 4   # E-1, E-2, E-3 twice: no request at seal

    # 9. the dock: a manifest for EFSF, the parcel scanned, closed -> shipped
    dock = live_server.session(seed["packer"])
    opened = dock.post(f"{base}/handover/manifests", data={"carrier": "EFSF"})
    manifest_id = int(opened.url.rstrip("/").split("/manifests/")[1].split("/")[0])
    dock.post(f"{base}/handover/manifests/{manifest_id}/scan", data={"code": numbers["E-1"]})
    dock.post(f"{base}/handover/manifests/{manifest_id}/close")
    assert status(live_server, "E-1") == "shipped"
    steps = [r["to_state"] for r in rows(live_server, "SELECT e.to_state FROM order_events e JOIN orders o ON o.id = e.order_id "
                                                      "WHERE o.external_id = 'E-1' AND e.kind = 'state' ORDER BY e.id")]
    # (a multi-order task's audit rows may record picked before picking: the quick pick path; the order is not asserted)
    assert steps[-3:] == ["packed", "labelled", "shipped"], steps
    assert {"allocated", "waved", "picking", "picked"} <= set(steps[:-3]), steps
    assert errors == []
