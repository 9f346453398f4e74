"""A short pick closes its loop in real Chromium: the picker finds the bin empty, the count task shows on
the handheld's counting screen, the bin is counted with no network (scan bin, scan item, enter the
count, confirm: into the outbox), and once back online the order that waited for the stock is
allocated again."""
from playwright.sync_api import expect

from tests.e2e.handheld import log_in_with_badge, open_app, outbox_uuids, scan, wait_synced, wait_until


def order_status(live_server, order_id):
    with live_server.db() as db:
        return db.execute("SELECT status, version FROM orders WHERE id = ?", (order_id,)).fetchone()


def go_offline(context):
    context.set_offline(True)
    # set_offline does not cut the service worker's own fetches (microsoft/playwright#2311)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def test_a_short_pick_raises_a_count_the_count_is_confirmed_on_the_handheld_and_the_backorder_is_released(
        live_server, new_context):
    data = live_server.seed("tests.e2e.seed_count")
    context = new_context()
    page = open_app(context)
    log_in_with_badge(page, data["badge"])
    # other browser tests share the server: a short pick of theirs may have left count tasks
    with live_server.db() as db:
        others = db.execute("SELECT count(*) FROM count_tasks WHERE status = 'open'").fetchone()[0]
    expect(page.locator("#open-counts")).to_have_text(f"Count tasks ({others})")

    # the picker finds none of the 3 at the bin
    page.locator(f"#task-list button[data-task-id='{data['task_id']}']").click()
    expect(page.locator("#pick-bin")).to_have_text(data["bin"])
    scan(page, data["bin_barcode"])
    page.click("#pick-short")
    page.click("#short-pad [data-key='C']")
    page.click("#short-reasons [data-reason='empty bin']")
    page.click("#short-confirm")
    expect(page.locator("#screen-done")).to_be_visible()
    wait_synced(page)
    page.click("#done-ok")
    status, version = order_status(live_server, data["order_id"])
    assert status == "on_hold"

    # a reviewer approves it again: the bin found short is not used, the order waits for stock
    review = live_server.session("count-review")
    response = review.post(f"{live_server.url}/review/orders/{data['order_id']}/approve",
                           data={"expected_version": version, "reason": "count pending"})
    assert response.status_code in (200, 302), response.text[:300]
    assert order_status(live_server, data["order_id"])[0] == "backorder"

    # the count task is on the counting screen (pushed live), and stays there with no network
    expect(page.locator("#open-counts")).to_have_text(f"Count tasks ({others + 1})")
    wait_until(page, "() => navigator.serviceWorker.controller !== null")  # the shell is cached
    go_offline(context)
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    counts = page.locator("#open-counts")
    expect(counts).to_have_text(f"Count tasks ({others + 1})")
    counts.click()
    expect(page.locator("#screen-counts")).to_be_visible()
    task_button = page.locator("#count-list button", has_text=data["bin"])
    expect(task_button).to_contain_text(data["sku"])
    task_button.click()
    expect(page.locator("#count-step")).to_contain_text(f"Scan bin {data['bin']}")
    expect(page.locator("#count-confirm")).to_be_disabled()
    scan(page, data["barcode"])  # the item before the bin: refused
    expect(page.locator("#toast.bad")).to_contain_text("Scan the bin first")
    scan(page, data["bin_barcode"])
    expect(page.locator("#count-bin.scanned")).to_be_visible()
    scan(page, data["barcode"])
    expect(page.locator("#count-entry")).to_be_visible()
    for key in "12":
        page.click(f"#count-qty-pad [data-key='{key}']")
    expect(page.locator("#count-qty-display")).to_have_text("12")
    page.click("#count-confirm")
    expect(page.locator("#toast")).to_contain_text(f"Count recorded: 12 x {data['sku']} in bin {data['bin']}")
    expect(page.locator("#screen-counts")).to_be_visible()
    # counted here, waiting in the outbox: off the list (which holds other tests' tasks, if any)
    expect(page.locator("#count-list button", has_text=data["bin"])).to_have_count(0)
    if others == 0:
        expect(page.locator("#no-counts")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-queued", "1")
    [queued] = outbox_uuids(page)
    assert order_status(live_server, data["order_id"])[0] == "backorder"

    context.unroute("**/*")
    context.set_offline(False)
    page.evaluate("window.wmsHandheld.sync()")
    wait_synced(page)
    expect(page.locator("#open-counts")).to_have_text(f"Count tasks ({others})")

    with live_server.db() as db:
        task = db.execute("SELECT status, counted_qty FROM count_tasks WHERE bin_id = "
                          "(SELECT id FROM bins WHERE code = ? AND warehouse_id = "
                          "(SELECT id FROM warehouses WHERE code = 'CNT'))", (data["bin"],)).fetchone()
        assert (task["status"], task["counted_qty"]) == ("done", 12)
        kinds = [r[0] for r in db.execute(
            "SELECT m.kind FROM stock_movements m JOIN bins b ON b.id = m.bin_id JOIN warehouses w "
            "ON w.id = b.warehouse_id WHERE m.reference LIKE 'count:%' AND w.code = 'CNT' ORDER BY m.id").fetchall()]
        assert kinds == ["short", "count"]
        event = db.execute("SELECT kind, accepted FROM floor_events WHERE uuid = ?", (queued,)).fetchone()
        assert (event["kind"], event["accepted"]) == ("count", 1)
    assert order_status(live_server, data["order_id"])[0] == "allocated"  # the backorder was released
