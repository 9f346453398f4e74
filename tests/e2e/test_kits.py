"""A kit (组合装) in Chromium against a real server: an order selling one kit (2 cups + 1 lid) and one
more lid is picked on the handheld as its components (cups and lids from their bins, the kit never),
checked at the pack station by component scans (the kit's own code is a wrong item; each component
says which kit it goes in) and sealed; the order's line is still the kit as sold."""
import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.handheld import current_line, open_app, scan, wait_line_closed, wait_synced, wait_until
from wms.shipping.carriers.sandbox import Sandbox


@pytest.fixture(scope="module")
def kit_seed(live_server):
    carrier = Sandbox().start()
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_kits"], cwd=ROOT, capture_output=True, text=True,
                          env={**live_server.env, "KITS_CARRIER_URL": carrier.url}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    yield json.loads(done.stdout.strip().splitlines()[-1])
    carrier.stop()


def task_lines(live_server, task_id):
    with live_server.db() as db:
        return {r["id"]: dict(r) for r in db.execute(
            "SELECT l.id, l.qty, l.order_line_id, b.barcode AS bin_barcode, s.code AS sku, "
            "(SELECT min(barcode) FROM sku_barcodes WHERE sku_id = s.id) AS barcode "
            "FROM pick_lines l JOIN bins b ON b.id = l.bin_id JOIN skus s ON s.id = l.sku_id "
            "WHERE l.task_id = ?", (task_id,))}


def order_lines(live_server, order_id):
    with live_server.db() as db:
        return [tuple(r) for r in db.execute("SELECT sku_code, qty FROM order_lines WHERE order_id = ? ORDER BY id",
                                             (order_id,))]


def test_a_kit_is_picked_as_its_components_and_checked_at_the_station(live_server, new_context, kit_seed):
    lines = task_lines(live_server, kit_seed["task_id"])
    assert sorted((line["sku"], line["qty"]) for line in lines.values()) == [("KT-CUP", 2), ("KT-LID", 1),
                                                                             ("KT-LID", 1)]
    handheld = open_app(new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, has_touch=True))
    handheld.fill("#login-username", kit_seed["picker"])
    for key in kit_seed["pin"]:
        handheld.click(f"#pin-pad [data-key='{key}']")
    handheld.click("#pin-pad [data-key='OK']")
    handheld.click(f"#task-list button[data-task-id='{kit_seed['task_id']}']")
    expect(handheld.locator("#screen-pick")).to_be_visible()
    shown = set()
    while handheld.locator("#screen-pick").is_visible():
        line = current_line(handheld, lines)
        expect(handheld.locator("#pick-sku-code")).to_have_text(line["sku"])   # a component, never the kit
        shown.add(line["sku"])
        scan(handheld, line["bin_barcode"])
        expect(handheld.locator("#pick-bin.scanned")).to_be_visible()
        for unit in range(line["qty"]):  # barcode, then code: one code twice in a row is one scan (debounce)
            scan(handheld, line["barcode"] if unit % 2 == 0 else line["sku"])
        wait_line_closed(handheld, line["id"])
    wait_synced(handheld)
    assert shown == {"KT-CUP", "KT-LID"}     # the handheld asked for the components, never for the kit itself
    with live_server.db() as db:
        assert db.execute("SELECT status FROM orders WHERE id = ?", (kit_seed["order_id"],)).fetchone()[0] == "picked"

    station = new_context(viewport={"width": 1280, "height": 800}, has_touch=False).new_page()
    station.goto("/login")
    station.fill("input[name=username]", kit_seed["packer"])
    station.fill("input[name=password]", "secret-pass")
    station.click("button[type=submit]")
    station.evaluate("localStorage.setItem('wms.station', 'PS-KT')")
    station.goto("/station/")
    expect(station.locator("#station")).to_have_value("PS-KT")
    expect(station.locator("#net")).to_have_attribute("data-state", "online")
    wait_until(station, "() => typeof window.stationScan === 'function'")

    def station_scan(code):
        station.evaluate("(code) => window.stationScan(code)", code)

    station_scan("KT-1")
    expect(station.locator("#task-ref")).to_have_text("KT-1")
    checklist = station.locator("#checklist")
    expect(checklist.locator("tr")).to_have_count(2)
    expect(checklist.locator("tr", has_text="KT-CUP")).to_contain_text("in kit KT-SET")
    expect(checklist.locator("tr", has_text="KT-LID")).to_contain_text("0 / 2")
    station_scan("KT-SET")                                   # the kit is not a thing on the shelf
    expect(station.locator("#message")).to_have_class("message bad")
    for code in ("6908900000001", "KT-CUP", "6908900000002", "KT-LID"):
        station_scan(code)
    expect(station.locator("#message")).to_contain_text("All items verified")
    station.select_option("#carton", "C2")
    station.fill("#weight", "1000")   # four items of 200 g in carton C2 (tare 200 g)
    station.click("#seal")
    expect(station.locator("#labels")).to_contain_text("KTX", timeout=30000)
    with live_server.db() as db:
        parcel = db.execute("SELECT status, expected_weight_g FROM parcels WHERE order_id = ?",
                            (kit_seed["order_id"],)).fetchone()
    assert tuple(parcel) == ("labelled", 1000)
    assert order_lines(live_server, kit_seed["order_id"]) == [("KT-SET", 1), ("KT-LID", 1)]   # as sold
