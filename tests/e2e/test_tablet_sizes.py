"""The pack station and the dock at a tablet's size (1280x800), as gloved hands use them (issue 17
item 7): every visible control is at least 48 px both ways, numbers carry their labels, a hidden
control stays hidden (the `hidden` attribute beats `button {display: inline-block}`), and opening a
task moves nothing on the screen."""
import pytest
from playwright.sync_api import expect

TABLET = {"width": 1280, "height": 800}
CONTROLS = "button, select, input:not([type=hidden]):not(.wedge), a[href], #queue li"
# Every visible control smaller than 48 px either way, as "tag#id.class WxH".
TOO_SMALL = """(selector) => [...document.querySelectorAll(selector)].flatMap((el) => {
  const box = el.getBoundingClientRect();
  const shown = box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  if (!shown || (box.width >= 48 && box.height >= 48)) return [];
  return [`${el.tagName.toLowerCase()}#${el.id}.${el.className} "${el.textContent.trim().slice(0, 30)}" `
          + `${Math.round(box.width)}x${Math.round(box.height)}`];
})"""


@pytest.fixture(scope="module")
def seed(live_server):
    return live_server.seed("tests.e2e.seed_glove")


def log_in(live_server, new_context, username):
    context = new_context(viewport=TABLET, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def place(page, selector):
    """Where an element sits (its height may grow with its list; its place must not move)."""
    found = page.locator(selector).bounding_box()
    return {name: round(found[name]) for name in ("x", "y", "width")}


def test_the_station_is_glove_sized_and_opening_a_task_moves_nothing(live_server, new_context, seed):
    context, page = log_in(live_server, new_context, seed["packer"])
    page.evaluate("localStorage.setItem('wms.station', 'PS-GLOVE')")
    page.goto("/station/")
    expect(page.locator("#station")).to_have_value("PS-GLOVE")
    expect(page.locator("#queue")).to_contain_text("GL-1")
    expect(page.locator("#task-card")).to_be_hidden()
    expect(page.locator("#queue li", has_text="GL-1")).to_contain_text("3 items")  # a number says what it counts
    side_before = place(page, ".station-grid > .side")
    assert page.evaluate(TOO_SMALL, CONTROLS) == []

    page.evaluate("(code) => window.stationScan(code)", "GL-1")
    expect(page.locator("#task-ref")).to_have_text("GL-1")
    expect(page.locator("#read-scale")).to_be_hidden()  # this station has no scale
    assert place(page, ".station-grid > .side") == side_before
    assert page.evaluate(TOO_SMALL, CONTROLS) == []

    context.set_offline(True)  # the seal waits in the outbox: its label row is queued, with nothing to reprint
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    # the same code twice in a row reads as a double read of one scan: the second item by its SKU code
    for code, said in (("6901000000011", "SKU-A: 1 of 2"), ("SKU-A", "SKU-A: 2 of 2"),
                       ("6901000000028", "All items verified")):
        page.evaluate("(code) => window.stationScan(code)", code)
        expect(page.locator("#message")).to_contain_text(said)  # one scan at a time, as a hand scans
    page.select_option("#carton", "G2")
    page.fill("#weight", "950")
    page.click("#seal")
    row = page.locator("#labels li", has_text="GL-1")
    expect(row).to_be_visible()
    expect(row.locator(".reprint")).to_be_hidden()
    expect(row.locator(".preview")).to_be_hidden()
    expect(page.locator("#task-card")).to_be_hidden()
    assert place(page, ".station-grid > .side") == side_before


def test_the_dock_is_glove_sized_and_its_count_says_what_it_counts(live_server, new_context, seed):
    _context, page = log_in(live_server, new_context, seed["dock"])
    page.goto("/handover/")
    expect(page.locator(".dock h1")).to_be_visible()
    assert page.evaluate(TOO_SMALL, CONTROLS) == []
    page.goto(f"/handover/manifests/{seed['manifest_id']}")
    expect(page.locator("#parcel-count")).to_have_text("1")
    expect(page.locator(".count")).to_contain_text("parcels on this manifest")
    assert page.evaluate(TOO_SMALL, CONTROLS) == []
