"""The put wall (播种墙) in Chromium against a real server: a wave released to the wall from its page as
one pick-all cart, picked on the handheld, sorted at the wall's tablet screen (slots lighting on the
screen and on the sandbox light controller, a complete slot saying pack), the slot's order opened at
the pack station by its slot code and sealed; a wrong scan, a unit with no open slot and an order
cancelled in its slot (red, emptied, cleared); and the screen offline: its scans wait in its own
outbox and reach the server exactly once when the network is back."""
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.handheld import current_line, floor_events, open_app, scan, wait_line_closed, wait_synced, wait_until
from tests.screen_words import problems, visible_text
from wms.putwall import lights
from wms.putwall.lights_sandbox import LightsSandbox
from wms.shipping.carriers.sandbox import Sandbox

TABLET = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}


@pytest.fixture(scope="module")
def wall_seed(live_server):
    controller, carrier = LightsSandbox().start(), Sandbox().start()
    done = _run(live_server, [], {"PUTWALL_LIGHTS_URL": controller.url, "PUTWALL_CARRIER_URL": carrier.url})
    yield done, controller, carrier
    controller.stop()
    carrier.stop()


def _run(live_server, args, env=None):
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_putwall", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**live_server.env, **(env or {})}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def log_in(context, username):
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    return page


def wall_scan(page, code):
    page.evaluate("(code) => window.wallScan(code)", code)


def slot(page, code):
    return page.locator(f"#wall .slot[data-slot='{code}']")


def task_lines(live_server, task_id):
    with live_server.db() as db:
        return {r["id"]: {"id": r["id"], "qty": r["qty"], "bin_barcode": r["bin_barcode"], "sku": r["sku"],
                          "barcodes": [r["barcode"]]}
                for r in db.execute("SELECT l.id, l.qty, b.barcode AS bin_barcode, s.code AS sku, "
                                    "(SELECT min(barcode) FROM sku_barcodes WHERE sku_id = s.id) AS barcode "
                                    "FROM pick_lines l JOIN bins b ON b.id = l.bin_id JOIN skus s ON s.id = l.sku_id "
                                    "WHERE l.task_id = ?", (task_id,))}


def wall_slots(live_server, wall_id):
    with live_server.db() as db:
        return {r["code"]: r["ref"] for r in db.execute(
            "SELECT s.code, o.external_id AS ref FROM put_wall_slots s LEFT JOIN orders o ON o.id = s.order_id "
            "WHERE s.wall_id = ?", (wall_id,))}


@pytest.fixture(scope="module")
def picked(live_server, browsers, wall_seed):
    """The wave released to the wall on its page by the supervisor, its one cart picked on the handheld."""
    seed, _controller, _carrier = wall_seed
    browser = browsers.get()  # a module fixture: `browser` is the test's (conftest.Browsers)
    contexts = []

    def context(**options):
        made = browser.new_context(**{"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2,
                                      "has_touch": True, "base_url": live_server.url, "service_workers": "allow",
                                      **options})
        made.set_default_timeout(10000)
        contexts.append(made)
        return made

    desk = log_in(context(viewport={"width": 1280, "height": 800}), "pw-super")
    desk.goto("/floor/walls")
    section = desk.locator("section[data-wall='PWE']")
    expect(section.locator(".slot.free")).to_have_count(6)
    section.locator("button.primary").click()
    expect(desk.locator("body")).to_contain_text("released to the put wall: 4 orders")
    assert wall_slots(live_server, seed["wall_id"]) == {"PWE-A01": "PW-1", "PWE-A02": "PW-2", "PWE-A03": "PW-3",
                                                        "PWE-B01": "PW-4", "PWE-B02": None, "PWE-B03": None}
    with live_server.db() as db:
        task = dict(db.execute("SELECT t.id, t.code, t.kind, t.version FROM pick_tasks t JOIN put_wall_waves w "
                               "ON w.wave_id = t.wave_id WHERE w.wall_id = ?", (seed["wall_id"],)).fetchone())
    assert task["kind"] == "wall"
    supervisor = live_server.session("pw-super")
    assigned = supervisor.post(f"{live_server.url}/waves/tasks/{task['id']}/assign",
                               data={"picker_id": seed["users"]["pw-picker"], "version": task["version"]})
    assert assigned.status_code == 200, assigned.text[:300]

    handheld = open_app(context())
    handheld.fill("#login-username", "pw-picker")
    for key in seed["pin"]:
        handheld.click(f"#pin-pad [data-key='{key}']")
    handheld.click("#pin-pad [data-key='OK']")
    handheld.click(f"#task-list button[data-task-id='{task['id']}']")
    expect(handheld.locator("#screen-pick")).to_be_visible()
    lines = task_lines(live_server, task["id"])
    while handheld.locator("#screen-pick").is_visible():
        line = current_line(handheld, lines)
        scan(handheld, line["bin_barcode"])
        expect(handheld.locator("#pick-bin.scanned")).to_be_visible()
        for unit in range(line["qty"]):  # barcode, then code: one code twice in a row is one scan (debounce)
            scan(handheld, line["barcodes"][0] if unit % 2 == 0 else line["sku"])
        wait_line_closed(handheld, line["id"])
    wait_synced(handheld)
    with live_server.db() as db:
        assert {r[0] for r in db.execute("SELECT status FROM orders WHERE external_id LIKE 'PW-%'")} == {"picked"}
    for made in contexts:
        made.close()
    return task


def test_a_wall_cart_is_sorted_slot_by_slot_and_a_complete_slot_is_packed_at_the_station(
        live_server, new_context, wall_seed, picked):
    seed, controller, carrier = wall_seed
    sku = seed["skus"]
    sorter = log_in(new_context(**TABLET), "pw-packer")
    sorter.goto(f"/floor/walls/{seed['wall_id']}/screen")
    expect(slot(sorter, "PWE-A01")).to_have_attribute("data-status", "sorting")
    expect(sorter.locator("#net")).to_have_attribute("data-state", "online")

    wall_scan(sorter, "NOPE-404")  # a wrong scan: refused loudly, nothing lit
    expect(sorter.locator("#message")).to_have_class("message bad")
    expect(sorter.locator("#message")).to_contain_text("Unknown item NOPE-404")
    expect(sorter.locator("#wall .slot.lit")).to_have_count(0)

    wall_scan(sorter, sku["PW-0"])
    expect(slot(sorter, "PWE-A01")).to_have_class(re.compile(r"\blit\b"))
    expect(slot(sorter, "PWE-A01")).to_contain_text("1/3")
    expect(sorter.locator("#message")).to_contain_text("Put PW-0 into slot PWE-A01")
    assert lights.shown(controller.url, "PWE")["PWE-A01"] == {"color": "green", "text": "1/3", "blink": True}
    wall_scan(sorter, "PW-0")
    expect(slot(sorter, "PWE-A01")).to_contain_text("2/3")
    wall_scan(sorter, sku["PW-0"])  # PW-1 has both its PW-0: the next goes to PW-2's slot, which it completes
    expect(slot(sorter, "PWE-A02")).to_have_attribute("data-status", "complete")
    expect(slot(sorter, "PWE-A02")).to_contain_text("Pack")
    wall_scan(sorter, sku["PW-2"])
    expect(slot(sorter, "PWE-A03")).to_contain_text("1/2")
    wall_scan(sorter, sku["PW-1"])
    expect(slot(sorter, "PWE-A01")).to_have_attribute("data-status", "complete")
    expect(sorter.locator("#message")).to_contain_text("order PW-1 is complete, ready to pack")
    assert lights.shown(controller.url, "PWE")["PWE-A01"] == {"color": "blue", "text": "PACK", "blink": False}

    wall_scan(sorter, "PW-1")  # one PW-1 was picked and it is in its slot: this one is not the cart's
    expect(sorter.locator("#message")).to_contain_text("More PW-1 than were picked (1)")
    expect(sorter.locator("#message")).to_have_class("message bad")

    # the platform cancels PW-3 while its PW-2 sits in slot A03
    assert _run(live_server, ["cancel", "PW-3"])["action"] == "put_back"
    wall_scan(sorter, sku["PW-0"])  # PW-3's PW-0: its order is gone
    expect(sorter.locator("#message")).to_contain_text("Order PW-3 was cancelled")
    expect(slot(sorter, "PWE-A03")).to_have_attribute("data-status", "stopped")
    expect(slot(sorter, "PWE-A03")).to_contain_text("Take out")
    assert lights.shown(controller.url, "PWE")["PWE-A03"]["color"] == "red"
    slot(sorter, "PWE-A03").click()
    expect(sorter.locator("#slot-what")).to_contain_text("take out 1 items")
    sorter.click("#clear-slot")
    expect(sorter.locator("#message")).to_contain_text("Slot PWE-A03 cleared: take out 1 items")
    expect(slot(sorter, "PWE-A03")).to_have_attribute("data-status", "free")
    assert lights.shown(controller.url, "PWE")["PWE-A03"]["color"] == "off"
    wall_scan(sorter, "PW-0")  # the same unit again: every slot wanting PW-0 is full now
    expect(sorter.locator("#message")).to_contain_text("No open slot needs PW-0")

    station = log_in(new_context(viewport={"width": 1280, "height": 800}, has_touch=False), "pw-packer")
    station.evaluate("localStorage.setItem('wms.station', 'PS-PW')")
    station.goto("/station/")
    expect(station.locator("#station")).to_have_value("PS-PW")
    expect(station.locator("#net")).to_have_attribute("data-state", "online")
    wait_until(station, "() => typeof window.stationScan === 'function'")  # the station's script is wired
    for code in ("PWE-A01", sku["PW-0"], "PW-0", sku["PW-1"]):
        station.evaluate("(code) => window.stationScan(code)", code)
        if code == "PWE-A01":
            expect(station.locator("#task-ref")).to_have_text("PW-1")
    expect(station.locator("#message")).to_contain_text("All items verified")
    station.select_option("#carton", "C2")
    station.fill("#weight", "800")  # three items of 200 g in carton C2 (tare 200 g)
    station.click("#seal")
    expect(station.locator("#labels")).to_contain_text("PWX", timeout=30000)
    with live_server.db() as db:
        parcel = db.execute("SELECT p.status, p.tracking_number FROM parcels p JOIN orders o ON o.id = p.order_id "
                            "WHERE o.external_id = 'PW-1'").fetchone()
    assert parcel["status"] == "labelled" and parcel["tracking_number"] in carrier.waybills
    sorter.reload()  # the packed order's slot is free for the next wave
    expect(slot(sorter, "PWE-A01")).to_have_attribute("data-status", "free")
    expect(slot(sorter, "PWE-A02")).to_have_attribute("data-status", "complete")


def test_the_wall_screen_sorts_offline_into_its_own_outbox_and_each_scan_reaches_the_server_once(
        live_server, new_context, wall_seed, picked):
    seed, controller, _carrier = wall_seed
    context = new_context(**TABLET)
    sorter = log_in(context, "pw-packer")
    sorter.goto(f"/floor/walls/{seed['wall_id']}/screen")
    expect(slot(sorter, "PWE-B01")).to_have_attribute("data-status", "sorting")
    expect(sorter.locator("#net")).to_have_attribute("data-state", "online")

    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    wall_scan(sorter, seed["skus"]["PW-3"])
    expect(sorter.locator("#message")).to_contain_text("Put it into slot PWE-B01 (offline: to be confirmed)")
    expect(slot(sorter, "PWE-B01")).to_have_class(re.compile(r"\bpredicted\b"))
    expect(sorter.locator("#queued")).to_have_text("1 waiting to send")
    queued = sorter.evaluate("""async () => {
        const db = await new Promise((ok, ko) => { const r = indexedDB.open('wms-putwall'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
        return await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result.map(e => e.uuid)); });
    }""")
    assert len(queued) == 1 and floor_events(live_server, set(queued)) == []
    # the wall keeps its own database: nothing of it in the handheld's, which the packer's landing page (the
    # pack station, before the test opens the wall) may have made in this profile
    in_handheld_db = sorter.evaluate("""async () => {
        if (!(await indexedDB.databases()).some(d => d.name === 'wms-handheld')) return [];
        const db = await new Promise((ok, ko) => { const r = indexedDB.open('wms-handheld'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
        if (!db.objectStoreNames.contains('outbox')) return [];
        return await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result.map(e => e.uuid)); });
    }""")
    assert not set(queued) & set(in_handheld_db)

    lost = []

    def lose_first_answer(route):
        """The server applies the scan but its answer never arrives: the outbox must send it again."""
        if lost:
            route.continue_()
            return
        route.fetch()
        lost.append(route.request.url)
        route.abort("connectionreset")

    context.unroute("**/*")
    context.route("**/api/putwall/events", lose_first_answer)
    context.set_offline(False)
    sorter.evaluate("window.dispatchEvent(new Event('online'))")
    expect(slot(sorter, "PWE-B01")).to_have_attribute("data-status", "complete", timeout=20000)
    expect(sorter.locator("#queued")).to_have_text("", timeout=20000)
    assert lost, "the first replay should have lost its answer"
    events = floor_events(live_server, set(queued))
    assert [(e["kind"], e["accepted"]) for e in events] == [("wall_put", 1)]  # once, though sent twice
    with live_server.db() as db:
        put = db.execute("SELECT i.put_qty FROM put_wall_items i JOIN put_wall_slots s ON s.id = i.slot_id "
                         "WHERE s.code = 'PWE-B01'").fetchall()
    assert [r["put_qty"] for r in put] == [1]
    assert lights.shown(controller.url, "PWE")["PWE-B01"]["color"] == "blue"


def test_the_wall_screen_speaks_chinese_to_a_chinese_sorter(live_server, new_context, wall_seed, picked):
    seed, *_ = wall_seed
    sorter = log_in(new_context(**TABLET), "pw-packer-zh")
    sorter.goto(f"/floor/walls/{seed['wall_id']}/screen")
    expect(slot(sorter, "PWE-B02")).to_have_attribute("data-status", "free")
    wall_scan(sorter, "NOPE-405")
    expect(sorter.locator("#message")).to_have_class("message bad")
    slot(sorter, "PWE-A02").click()
    expect(sorter.locator("#slot-card")).to_be_visible()
    text = visible_text(sorter.content())
    data = {"PWE", "PW-0", "PW-1", "PW-2", "PW-3", "PW-4", "NOPE-405", "播种墙 E2E", "Pw-Packer-Zh"}  # data, not words
    assert problems(text, "zh_CN", data) == [], text
    assert "可打包" in text and "空闲" in text
