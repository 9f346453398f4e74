"""Page helpers for the handheld tests: a wedge scanner, the pick screen, the server's view."""
import re
import time

from playwright.sync_api import expect

WEDGE_DELAY_MS = 5  # a hardware scanner types a character every few milliseconds, then Enter


def seeded(live_server):
    """The handheld seed, made once per server (session) and shared by the handheld tests."""
    if not hasattr(live_server, "handheld"):
        live_server.handheld = live_server.seed("tests.e2e.seed_handheld")
    return live_server.handheld


def open_app(context):
    page = context.new_page()
    page.goto("/app")
    page.wait_for_selector("body[data-ready=yes]")
    return page


def scan(page, code):
    """What a keyboard-wedge scanner does: fast keystrokes into the focused input, then Enter."""
    assert page.evaluate("document.activeElement.id") == "scan", "the scanner input lost the focus"
    page.keyboard.type(code, delay=WEDGE_DELAY_MS)
    page.keyboard.press("Enter")


def log_in_with_badge(page, badge):
    expect(page.locator("#screen-login")).to_be_visible()  # what the scan lands on, not a fixed pause
    expect(page.locator("#scan")).to_be_focused()
    scan(page, badge)
    expect(page.locator("#screen-tasks")).to_be_visible()


def current_line(page, lines_by_id):
    return lines_by_id[int(page.get_attribute("#pick-line", "data-line-id"))]


def expect_qty(page, picked, qty):
    expect(page.locator("#pick-qty")).to_have_text(f"{picked} / {qty}")


def wait_synced(page):
    expect(page.locator("body")).to_have_attribute("data-queued", "0", timeout=15000)
    expect(page.locator("body")).to_have_attribute("data-online", "yes")


def expect_error(page, *fragments):
    toast = page.locator("#toast.bad")
    expect(toast).to_be_visible()
    for fragment in fragments:
        expect(toast).to_contain_text(fragment)
    expect(page.locator("body")).to_have_attribute("data-feedback", "bad")


def floor_events(live_server, uuids=None):
    with live_server.db() as db:
        rows = db.execute("SELECT uuid, kind, accepted, device_code, device_seq FROM floor_events ORDER BY id").fetchall()
    return [dict(r) for r in rows if uuids is None or r["uuid"] in uuids]


def lines_of_task(live_server, task_id):
    with live_server.db() as db:
        return {r["id"]: dict(r) for r in db.execute(
            "SELECT id, qty, picked_qty, status, short_reason FROM pick_lines WHERE task_id = ?", (task_id,))}


def outbox_uuids(page):
    return page.evaluate("""async () => {
        const db = await new Promise((ok, ko) => { const r = indexedDB.open('wms-handheld'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
        return await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result.map(e => e.uuid)); });
    }""")


def digits(text):
    return re.sub(r"\D", "", text)


def wait_until(page, predicate, arg=None, timeout_s=15.0):
    """Poll a JS function until it returns truthy. page.wait_for_function cannot be used on our
    pages: its polling evaluates the predicate with eval, which their Content-Security-Policy
    forbids (page.evaluate goes through the debugger protocol, which the policy does not govern)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if page.evaluate(predicate, arg):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {predicate}")
        time.sleep(0.05)


def wait_line_closed(page, line_id):
    """The screen moved on from `line_id` (next line, or the task is finished)."""
    wait_until(page, """(id) => document.getElementById('screen-pick').hidden
        || document.getElementById('pick-line').dataset.lineId !== String(id)""", line_id)
