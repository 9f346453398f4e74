"""The pack station in Chromium: verify items (a wrong one is refused loudly), seal while offline,
and once the network is back the seal is applied exactly once and the label arrives. A station whose socket
cannot connect, which believes itself offline, and whose login signed in at another station in another tab
still gets a sealed parcel's label: it asks for it, and signs in again when told it is not signed in here. A waybill
the carrier refuses shows on the seal's row though no push came, and a label replaces its seal's "waiting" row. At a
station with a network printer, a label sent to the printer while the page's socket was down shows on the page
once (and prints once) when it is back."""
import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.label_printer import Printer
from wms.shipping.carriers.sandbox import Sandbox


@pytest.fixture(scope="module")
def station_seed(live_server):
    box, printer = Sandbox().start(), Printer()
    done = subprocess.run([sys.executable, "-m", "tests.e2e.seed_station"], cwd=ROOT, capture_output=True, text=True,
                          env={**live_server.env, "STATION_SANDBOX_URL": box.url,
                               "STATION_PRINTER_PORT": str(printer.port)}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    yield json.loads(done.stdout.strip().splitlines()[-1]), box, printer
    box.stop()
    printer.server.close()


def open_station(context, packer, station="PS-E2E"):
    """A page of the context logged in as `packer`, on `station` (other browser tests add stations of their
    own to the shared server: the page is told this test's one)."""
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", packer)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.evaluate("(station) => localStorage.setItem('wms.station', station)", station)
    page.goto("/station/")
    expect(page.locator("#station")).to_have_value(station)
    return page


class SocketSwitch:
    """The page's Socket.IO connection, passed through to the server while on; `cut()` closes it and refuses
    every new attempt (WebSocket and long polling) until `restore()`."""

    def __init__(self, context):
        self.on, self.open = True, []
        context.route_web_socket("**/socket.io/**", self._websocket)
        context.route("**/socket.io/**", self._polling)

    def _polling(self, route):
        if self.on:
            route.continue_()
        else:
            route.abort("connectionrefused")

    def _websocket(self, page_side):
        if not self.on:
            page_side.close()
            return
        self.open.append((page_side, page_side.connect_to_server()))

    def cut(self):
        self.on = False
        for page_side, server_side in self.open:
            page_side.close()
            server_side.close()
        self.open.clear()

    def restore(self):
        self.on = True


def scan(page, code):
    page.evaluate("(code) => window.stationScan(code)", code)


def pack_one_towel(page, ref):
    """Open order `ref` (one towel, SKU-B), verify it, and seal it in carton C2 at its weight."""
    scan(page, ref)
    expect(page.locator("#task-ref")).to_have_text(ref)
    scan(page, "6901000000028")
    expect(page.locator("#message")).to_contain_text("All items verified")
    page.select_option("#carton", "C2")  # other e2e tests add cartons of their own to the shared server
    page.fill("#weight", "350")  # the towel and the carton
    page.click("#seal")


def test_a_station_packs_offline_and_the_label_arrives_when_back(live_server, new_context, station_seed):
    seed, box, _ = station_seed
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
    seed, box, _ = station_seed
    context = new_context(viewport={"width": 1280, "height": 800}, has_touch=False)
    # No socket at all (so no label.ready push and no reconnect to say "online"): WebSocket and long polling refused.
    SocketSwitch(context).cut()
    page = open_station(context, seed["packer"])
    expect(page.locator("#queue")).to_contain_text("ST-2")
    other_tab = context.request.post(f"{live_server.url}/api/station/PS-E2E-2/sign-in")  # shares this page's cookies
    assert other_tab.status == 200, other_tab.text()
    box.delay_s = 1.5  # the carrier is slow: the label is not there when the seal's answer comes back
    try:
        pack_one_towel(page, "ST-2")
        expect(page.locator("#labels")).to_contain_text("ST-2")  # sealed (its answer may already be back)
        page.evaluate("window.dispatchEvent(new Event('offline'))")  # a late word that the network went away
        expect(page.locator("#net")).not_to_have_attribute("data-state", "online")
        expect(page.locator("#labels")).to_contain_text("SF", timeout=15000)
    finally:
        box.delay_s = 0
    expect(page.locator("#labels")).not_to_contain_text("waiting for the tracking number")  # the label's row replaced it
    with live_server.db() as db:
        parcels = db.execute("select p.status from parcels p join orders o on o.id = p.order_id "
                             "where o.external_id = 'ST-2'").fetchall()
    assert [p["status"] for p in parcels] == ["labelled"]


def test_a_waybill_the_carrier_refuses_shows_on_the_seals_row_without_the_socket(live_server, new_context, station_seed):
    seed, box, _ = station_seed
    context = new_context(viewport={"width": 1280, "height": 800}, has_touch=False)
    SocketSwitch(context).cut()  # no socket at all: no waybill.failed push comes
    page = open_station(context, seed["packer"])
    expect(page.locator("#queue")).to_contain_text("ST-4")
    box.fail_next("address_rejected")
    pack_one_towel(page, "ST-4")
    rows = page.locator("#labels li")
    expect(rows.filter(has_text="Waybill failed for parcel")).to_have_count(1, timeout=15000)
    expect(page.locator("#message")).to_contain_text("Waybill failed for parcel")
    expect(page.locator("#labels")).not_to_contain_text("waiting for the tracking number")
    with live_server.db() as db:
        [parcel] = db.execute("select p.id, p.status from parcels p join orders o on o.id = p.order_id "
                              "where o.external_id = 'ST-4'").fetchall()
    assert parcel["status"] == "waybill_failed"
    expect(rows.filter(has_text=f"Waybill failed for parcel {parcel['id']}")).to_contain_text("address")


def test_a_label_sent_to_the_network_printer_while_the_socket_was_down_shows_once_when_it_is_back(
        live_server, new_context, station_seed):
    seed, _, printer = station_seed
    context = new_context(viewport={"width": 1280, "height": 800}, has_touch=False)
    socket = SocketSwitch(context)
    with context.expect_event("response", lambda response: "/not-printed" in response.url, timeout=30000):
        page = open_station(context, seed["packer"], "PS-E2E-NET")  # its socket connected, joined and caught up
    expect(page.locator("#queue")).to_contain_text("ST-3")
    socket.cut()  # the label.ready push of the seal below goes to nobody
    expect(page.locator("#net")).to_have_attribute("data-state", "offline")
    pack_one_towel(page, "ST-3")
    expect(page.locator("#queued")).to_have_text("")  # the seal answered; its waybill and label follow
    assert printer.jobs_with("^XA", timeout=30), "the label never reached the network printer"
    with live_server.db() as db:
        [job] = db.execute("select j.parcel_id, j.status, p.tracking_number from print_jobs j join parcels p "
                           "on p.id = j.parcel_id join orders o on o.id = p.order_id "
                           "where o.external_id = 'ST-3'").fetchall()
    assert job["status"] == "sent"
    tracking = job["tracking_number"]

    with page.expect_response(lambda response: "/not-printed" in response.url, timeout=30000):
        socket.restore()  # the reconnect reads the catch-up list, then the not-printed list
    expect(page.locator("#net")).to_have_attribute("data-state", "online")
    rows = page.locator("#labels li").filter(has_text=tracking)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("sent to the label printer")
    assert page.locator("#print-frame").get_attribute("src") is None  # the browser printed nothing
    assert len(printer.jobs_with(f"^FD{tracking}^FS")) == 1
    with live_server.db() as db:
        statuses = db.execute("select status from print_jobs where parcel_id = ?", (job["parcel_id"],)).fetchall()
    assert [s["status"] for s in statuses] == ["sent"]  # no reprint, no browser print recorded
