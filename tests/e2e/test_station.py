"""The pack station in Chromium: verify items (a wrong one is refused loudly), seal while offline,
and once the network is back the seal is applied exactly once and the label arrives. A station whose socket
cannot connect, which believes itself offline, and whose login signed in at another station in another tab
still gets a sealed parcel's label: it asks for it, and signs in again when told it is not signed in here."""
import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from wms.shipping.carriers.sandbox import Sandbox


@pytest.fixture(scope="module")
def station_seed(live_server):
    box = Sandbox().start()
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_station"], cwd=ROOT, capture_output=True, text=True,
                          env={**live_server.env, "STATION_SANDBOX_URL": box.url}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    yield json.loads(done.stdout.strip().splitlines()[-1]), box
    box.stop()


def open_station(context, packer):
    """A page of the context logged in as `packer`, on station PS-E2E (other browser tests add stations of their
    own to the shared server: the page is told this test's one)."""
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", packer)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.evaluate("localStorage.setItem('wms.station', 'PS-E2E')")
    page.goto("/station/")
    expect(page.locator("#station")).to_have_value("PS-E2E")
    return page


def scan(page, code):
    page.evaluate("(code) => window.stationScan(code)", code)


def test_a_station_packs_offline_and_the_label_arrives_when_back(live_server, new_context, station_seed):
    seed, box = station_seed
    context = new_context(viewport={"width": 1280, "height": 800}, has_touch=False)
    page = open_station(context, seed["packer"])
    expect(page.locator("#net")).to_have_attribute("data-state", "online")
    expect(page.locator("#queue")).to_contain_text("ST-1")

    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    scan(page, "ST-1")
    expect(page.locator("#task-ref")).to_have_text("ST-1")
    scan(page, "9999999999999")
    expect(page.locator("#message")).to_have_class("message bad")
    for code in ("6901000000011", "SKU-A", "6901000000028"):
        scan(page, code)
    expect(page.locator("#message")).to_contain_text("All items verified")
    scan(page, "SKU-B")  # one too many
    expect(page.locator("#message")).to_contain_text("One too many")
    page.select_option("#carton", "C2")  # other e2e tests add cartons of their own to the shared server
    page.fill("#weight", "960")
    page.click("#seal")
    expect(page.locator("#message")).to_contain_text("Sealed offline")
    expect(page.locator("#queued")).to_contain_text("4 waiting to send")
    with live_server.db() as db:
        assert db.execute("select count(*) from parcels p join orders o on o.id = p.order_id "
                          "where o.external_id = 'ST-1'").fetchone()[0] == 0

    context.unroute("**/*")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#labels")).to_contain_text("SF", timeout=15000)
    expect(page.locator("#queued")).to_have_text("")
    with live_server.db() as db:
        parcels = db.execute("select p.status, p.tracking_number, p.weight_g from parcels p join orders o "
                             "on o.id = p.order_id where o.external_id = 'ST-1'").fetchall()
        kinds = db.execute("select kind, accepted from floor_events where device_code = 'PS-E2E' order by id").fetchall()
    assert [(p["status"], p["weight_g"]) for p in parcels] == [("labelled", 960)]
    assert [(k["kind"], k["accepted"]) for k in kinds] == [("pack_scan", 1)] * 3 + [("seal", 1)]
    assert list(box.waybills) == [parcels[0]["tracking_number"]]


def test_a_sealed_parcels_label_arrives_without_the_socket_and_with_the_page_believing_itself_offline(
        live_server, new_context, station_seed):
    seed, box = station_seed
    context = new_context(viewport={"width": 1280, "height": 800}, has_touch=False)
    # No socket at all (so no label.ready push and no reconnect to say "online"): WebSocket and long polling refused.
    context.route_web_socket("**/socket.io/**", lambda socket: socket.close())
    context.route("**/socket.io/**", lambda route: route.abort("connectionrefused"))
    page = open_station(context, seed["packer"])
    expect(page.locator("#queue")).to_contain_text("ST-2")
    other_tab = context.request.post(f"{live_server.url}/api/station/PS-E2E-2/sign-in")  # shares this page's cookies
    assert other_tab.status == 200, other_tab.text()
    box.delay_s = 1.5  # the carrier is slow: the label is not there when the seal's answer comes back
    try:
        scan(page, "ST-2")
        expect(page.locator("#task-ref")).to_have_text("ST-2")
        scan(page, "6901000000028")
        expect(page.locator("#message")).to_contain_text("All items verified")
        page.select_option("#carton", "C2")
        page.fill("#weight", "350")  # the towel and the carton
        page.click("#seal")
        expect(page.locator("#labels")).to_contain_text("ST-2")  # sealed (its answer may already be back)
        page.evaluate("window.dispatchEvent(new Event('offline'))")  # a late word that the network went away
        expect(page.locator("#net")).not_to_have_attribute("data-state", "online")
        expect(page.locator("#labels")).to_contain_text("SF", timeout=15000)
    finally:
        box.delay_s = 0
    with live_server.db() as db:
        parcels = db.execute("select p.status from parcels p join orders o on o.id = p.order_id "
                             "where o.external_id = 'ST-2'").fetchall()
    assert [p["status"] for p in parcels] == ["labelled"]
