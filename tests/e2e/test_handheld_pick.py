"""The handheld in real Chromium against a real server: a pushed task picked with a wedge scanner,
wrong scans refused loudly, a count entered, a short pick that shows up live on the review desk."""
import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.handheld import (
    current_line, expect_error, expect_qty, floor_events, lines_of_task, log_in_with_badge, open_app, scan, seeded,
    wait_line_closed, wait_synced)

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "handheld-pick.png"


def screenshot_path(tmp_path):
    """The README's picture is rewritten only when asked (WMS_README_SCREENSHOT=1): a test run
    leaves the working tree as it found it."""
    return README_SCREENSHOT if os.environ.get("WMS_README_SCREENSHOT") == "1" else tmp_path / "handheld-pick.png"


def open_review_desk(new_context, live_server):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto("/login")
    page.fill("input[name=username]", "review1")
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit], form button")
    page.goto("/review/?state=on_hold")
    expect(page.locator("#live-status")).to_have_text("live")  # its socket is connected: no polling
    return page


def test_a_pushed_task_is_picked_with_wrong_scans_refused_and_a_short_pick_reaches_review(live_server, new_context,
                                                                                         tmp_path):
    data = seeded(live_server)
    task = data["wave_push"][0]
    lines = {line["id"]: line for line in task["lines"]}
    page = open_app(new_context())
    log_in_with_badge(page, data["users"]["picker1"]["badge"])
    expect(page.locator("#no-tasks")).to_be_visible()

    supervisor = live_server.session("super1")
    response = supervisor.post(f"{live_server.url}/waves/tasks/{task['id']}/assign",
                               data={"picker_id": data["users"]["picker1"]["id"], "version": task["version"]})
    assert response.status_code == 200, response.text[:300]
    pushed = page.locator(f"#task-list button[data-task-id='{task['id']}']")
    expect(pushed).to_contain_text(task["code"])  # arrived by the task.assigned push, no reload
    review = open_review_desk(new_context, live_server)
    expect(review.locator("#queue-table")).not_to_contain_text("E2E-2")

    pushed.click()
    expect(page.locator("#screen-pick")).to_be_visible()
    first = current_line(page, lines)
    other = next(line for line in lines.values() if line["bin"] != first["bin"] and line["sku"] != first["sku"])
    scan(page, first["barcodes"][0])
    expect_error(page, "Scan the bin first", first["bin"])
    scan(page, other["bin_barcode"])
    expect_error(page, "Wrong bin", first["bin"])

    shorted, debounced, scans = None, False, 0
    while page.locator("#screen-pick").is_visible():
        line = current_line(page, lines)
        expect_qty(page, 0, line["qty"])
        scan(page, line["bin_barcode"])
        expect(page.locator("#pick-bin.scanned")).to_be_visible()
        if line is first:
            scan(page, other["barcodes"][0])
            expect_error(page, "Wrong item", first["sku"])
        if line["order"] == "E2E-2" and shorted is None:
            shorted = line
            page.click("#pick-short")
            page.click("#short-pad [data-key='C']")
            page.click("#short-reasons [data-reason='damaged']")
            page.click("#short-confirm")
            scans += 1
        elif line["qty"] >= 5:
            scan(page, line["barcodes"][0])
            expect_qty(page, 1, line["qty"])
            expect(page.locator("#toast")).to_be_hidden(timeout=6000)
            expect(page.locator("#flash")).not_to_have_class(re.compile(r"good|bad"))  # the flash faded
            page.screenshot(path=str(screenshot_path(tmp_path)))  # the README's picture
            page.click("#pick-primary[data-action=count]")
            for key in str(line["qty"] - 1):
                page.click(f"#count-pad [data-key='{key}']")
            page.click("#count-pad [data-key='OK']")
            expect(page.locator("#pick-step")).to_contain_text(f"confirm {line['qty'] - 1}")
            scan(page, line["sku"])  # the SKU code works as a barcode too
            scans += 2
        else:
            units = range(line["qty"])
            if not debounced:
                scan(page, line["barcodes"][0])
                scan(page, line["barcodes"][0])  # the same code twice at once: one unit (debounced)
                expect_qty(page, 1, line["qty"])
                debounced, units, scans = True, range(1, line["qty"]), scans + 1
            for unit in units:
                scan(page, line["sku"] if unit % 2 else line["barcodes"][0])
                scans += 1
        wait_line_closed(page, line["id"])

    expect(page.locator("#screen-done")).to_be_visible()
    expect(page.locator("#done-text")).to_contain_text(task["code"])
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a sync refreshes the locale...
    wait_synced(page)
    expect(page.locator("#done-text")).to_contain_text(task["code"])  # ...and keeps what the app wrote

    server_lines = lines_of_task(live_server, task["id"])
    for line in lines.values():
        row = server_lines[line["id"]]
        if line is shorted:
            assert (row["status"], row["picked_qty"], row["short_reason"]) == ("short", 0, "damaged")
        elif line["order"] == "E2E-2":
            assert row["status"] == "cancelled"  # the held order's other line stops
        else:
            assert (row["status"], row["picked_qty"]) == ("picked", line["qty"])
    events = floor_events(live_server)
    device_events = [e for e in events if e["device_code"] == page.evaluate("localStorage.getItem('wms.device')")]
    assert len(device_events) == scans and all(e["accepted"] for e in device_events)
    assert [e["device_seq"] for e in device_events] == sorted(e["device_seq"] for e in device_events)
    with live_server.db() as db:
        order = db.execute("SELECT id, status, hold_reasons FROM orders WHERE external_id = 'E2E-2'").fetchone()
        assert order["status"] == "on_hold" and '"shortage"' in order["hold_reasons"]
        # the shorted line's bin and SKU get one count task (other browser tests share the server)
        assert db.execute("SELECT count(*) FROM count_tasks c JOIN pick_lines p ON p.bin_id = c.bin_id "
                          "AND p.sku_id = c.sku_id WHERE p.id = ? AND c.reason LIKE 'short pick%'",
                          (shorted["id"],)).fetchone()[0] == 1
        assert db.execute("SELECT status FROM orders WHERE external_id = 'E2E-1'").fetchone()[0] == "picked"

    row = review.locator("#queue-table tbody tr", has_text="E2E-2")
    expect(row.locator(".reason-shortage")).to_be_visible()  # live: the desk was never reloaded
    expect(page.locator("#screen-tasks")).to_be_visible(timeout=8000)
