"""One order from import to completed, in real Chromium against a real server: imported over the
API, held by review and approved on the desk, allocated, waved, picked on the handheld page, packed
on the station page, labelled (ZPL received by a network printer, PDF produced), handed over on a
manifest, delivered by a signed carrier push, completed - and its timeline says so."""
import hashlib
import json
import re
import subprocess
import sys

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.handheld import open_app, scan, seeded, wait_synced
from tests.e2e.label_printer import Printer
from wms.shipping.carriers.sandbox import Sandbox

ORDER = "FLOW-1001"


@pytest.fixture(scope="module")
def flow(live_server):
    seeded(live_server)  # the warehouse and layout
    box, printer = Sandbox().start(), Printer()
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_flow"], cwd=ROOT, capture_output=True, text=True,
                          env={**live_server.env, "FLOW_SANDBOX_URL": box.url, "FLOW_PRINTER_PORT": str(printer.port)},
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    yield json.loads(done.stdout.strip().splitlines()[-1]), box, printer
    box.stop()
    printer.server.close()


def desk(live_server, username):
    """A requests session logged in through the real login form (CSRF and all)."""
    session = requests.Session()
    page = session.get(f"{live_server.url}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    data = {"username": username, "password": "secret-pass", **({"csrf_token": token.group(1)} if token else {})}
    assert session.post(f"{live_server.url}/login", data=data).status_code == 200
    return session


def order_row(live_server):
    with live_server.db() as db:
        return dict(db.execute("SELECT id, status, version FROM orders WHERE external_id = ?", (ORDER,)).fetchone())


def test_one_order_walks_from_import_to_completed(live_server, new_context, flow):
    data, box, printer = flow
    base = live_server.url
    # 1. import: the channel's system posts the order; review holds it for the buyer's remark
    record = {"external_id": ORDER, "buyer_name": "周晓明", "buyer_phone": "13912345678", "province": "浙江省",
              "city": "杭州市", "district": "西湖区", "address": "文三路 90 号 3 幢 502 室", "postcode": "310012",
              "total_cents": 12800, "carrier_code": "ZTO", "buyer_remark": "请放门口",
              "lines": [{"sku_code": "FLOW-1", "name": "保温杯", "qty": 2, "unit_price_cents": 6400}]}
    answer = requests.post(f"{base}/api/orders/batch", json={"channel": "flow", "orders": [record]},
                           headers={"Authorization": f"Bearer {data['token']}"})
    assert answer.status_code == 200, answer.text
    assert order_row(live_server)["status"] == "on_hold"

    # 2. review: a reviewer approves it on the desk; allocation follows
    reviewer = desk(live_server, data["reviewer"])
    order = order_row(live_server)
    page = reviewer.get(f"{base}/review/orders/{order['id']}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    reviewer.post(f"{base}/review/orders/{order['id']}/approve",
                  data={"expected_version": order["version"], "reason": "remark read: leave at the door",
                        **({"csrf_token": csrf.group(1)} if csrf else {})})
    assert order_row(live_server)["status"] == "allocated"

    # 3. wave: the supervisor releases a ZTO wave and gives its task to the picker
    supervisor = desk(live_server, data["supervisor"])
    supervisor.post(f"{base}/waves/release", data={"warehouse": data["warehouse_id"], "carriers": "ZTO"})
    with live_server.db() as db:
        task = dict(db.execute("SELECT t.id, t.version FROM pick_tasks t JOIN pick_lines l ON l.task_id = t.id "
                               "JOIN orders o ON o.id = l.order_id WHERE o.external_id = ?", (ORDER,)).fetchone())
    supervisor.post(f"{base}/waves/tasks/{task['id']}/assign",
                    data={"picker_id": data["picker"]["id"], "version": task["version"]})
    assert order_row(live_server)["status"] == "waved"

    # 4. pick on the handheld page: bin, then each unit
    handheld = open_app(new_context())
    handheld.fill("#login-username", data["picker"]["username"])
    for key in data["picker"]["pin"]:
        handheld.click(f"#pin-pad [data-key='{key}']")
    handheld.click("#pin-pad [data-key='OK']")
    handheld.click(f"#task-list button[data-task-id='{task['id']}']")
    expect(handheld.locator("#screen-pick")).to_be_visible()
    scan(handheld, data["bin"])
    scan(handheld, data["barcode"])
    # Two scans of one code within the handheld's DEBOUNCE_MS (800 ms, static/handheld/scanner.js) are
    # one scan: the second unit is a real second scan only after that much time has passed. The wait
    # is the clock moving, which is what the debounce is about, not waiting for something to happen.
    handheld.wait_for_timeout(900)
    scan(handheld, "FLOW-1")
    expect(handheld.locator("#screen-done")).to_be_visible()
    wait_synced(handheld)
    assert order_row(live_server)["status"] == "picked"

    # 5. pack on the station page: order, both units, weight, seal -> label to the network printer
    station = new_context(viewport={"width": 1280, "height": 800}, has_touch=False).new_page()
    station.goto("/login")
    station.fill("input[name=username]", data["packer"])
    station.fill("input[name=password]", "secret-pass")
    station.click("button[type=submit]")
    # the station this tablet stands at (chosen once, remembered by the page): choosing it in the page's
    # select reloads the page, but only once its script has wired the select - a race under load
    station.evaluate("localStorage.setItem('wms.station', 'PS-FLOW')")
    station.goto("/station/")
    expect(station.locator("#station")).to_have_value("PS-FLOW")
    expect(station.locator("#net")).to_have_attribute("data-state", "online")
    expect(station.locator("#queue")).to_contain_text(ORDER)
    for code in (ORDER, data["barcode"], "FLOW-1"):
        station.evaluate("(code) => window.stationScan(code)", code)
    expect(station.locator("#message")).to_contain_text("All items verified")
    station.select_option("#carton", "F1")
    expected = int(re.sub(r"\D", "", station.locator("#expected").inner_text()))
    station.fill("#weight", str(expected))
    station.click("#seal")
    # The waybill is asked of the sandbox and the label drawn inline after the seal's commit (no worker here, so
    # no retry either: the carrier's timeout is 10 s in seed_flow); on a loaded CI machine that takes seconds.
    expect(station.locator("#labels")).to_contain_text("ZTO", timeout=30000)
    with live_server.db() as db:
        parcel = dict(db.execute("SELECT p.id, p.tracking_number, p.status FROM parcels p JOIN orders o ON o.id = p.order_id "
                                 "WHERE o.external_id = ?", (ORDER,)).fetchone())
    assert parcel["status"] == "labelled" and list(box.waybills) == [parcel["tracking_number"]]
    for _ in range(50):
        if printer.jobs:
            break
        station.wait_for_timeout(100)
    assert any(f"^FD{parcel['tracking_number']}^FS" in job for job in printer.jobs)
    pdf = supervisor.get(f"{base}/shipping/parcels/{parcel['id']}/label.pdf")
    assert pdf.content.startswith(b"%PDF")

    # 6. dock handover: a manifest for ZTO, the parcel scanned, closed -> shipped
    dock = desk(live_server, data["packer"])
    opened = dock.post(f"{base}/handover/manifests", data={"carrier": "ZTO"})
    manifest_id = int(re.search(r"/handover/manifests/(\d+)", opened.url).group(1))
    dock.post(f"{base}/handover/manifests/{manifest_id}/scan", data={"code": parcel["tracking_number"]})
    dock.post(f"{base}/handover/manifests/{manifest_id}/close")
    assert order_row(live_server)["status"] == "shipped"

    # 7. the carrier pushes "signed" (签收), signed with the salt -> delivered -> completed
    param = json.dumps({"status": "polling", "lastResult": {
        "nu": parcel["tracking_number"], "com": "zhongtong", "state": "3",
        "data": [{"ftime": "2026-11-22 18:00:00", "time": "2026-11-22 18:00:00", "context": "已签收，本人签收"}]}},
        ensure_ascii=False)
    sign = hashlib.md5((param + data["salt"]).encode()).hexdigest().upper()
    pushed = requests.post(f"{base}/api/carriers/ZTO/webhook", data={"param": param, "sign": sign})
    assert pushed.status_code == 200, pushed.text
    assert order_row(live_server)["status"] == "completed"

    # 8. the timeline has every step, in order
    with live_server.db() as db:
        steps = [r["to_state"] for r in db.execute(
            "SELECT e.to_state FROM order_events e JOIN orders o ON o.id = e.order_id "
            "WHERE o.external_id = ? AND e.kind = 'state' ORDER BY e.id", (ORDER,))]
    assert steps == ["on_hold", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled",
                     "shipped", "delivered", "completed"]
    timeline = reviewer.get(f"{base}/review/orders/{order['id']}").text
    assert "completed" in timeline or "已完成" in timeline
