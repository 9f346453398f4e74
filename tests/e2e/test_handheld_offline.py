"""Offline: the app restarts with no network from the service worker's shell and IndexedDB, picks
into the outbox, and on reconnect the server applies every queued event exactly once."""
from playwright.sync_api import expect

from tests.e2e.handheld import (
    current_line, expect_qty, floor_events, lines_of_task, open_app, outbox_uuids, scan, seeded, wait_line_closed,
    wait_synced, wait_until)


def log_in_with_pin(page, username, pin):
    page.fill("#login-username", username)
    for key in pin:
        page.click(f"#pin-pad [data-key='{key}']")
    page.click("#pin-pad [data-key='OK']")
    expect(page.locator("#screen-tasks")).to_be_visible()


def go_offline(context):
    context.set_offline(True)
    # set_offline does not cut the service worker's own fetches (microsoft/playwright#2311)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def test_offline_picks_survive_a_reload_and_reach_the_server_exactly_once(live_server, new_context):
    data = seeded(live_server)
    task = data["wave_work"][0]
    lines = {line["id"]: line for line in task["lines"]}
    context = new_context()
    page = open_app(context)
    log_in_with_pin(page, "picker2", data["users"]["picker2"]["pin"])
    expect(page.locator("#get-work")).to_have_text("领取任务")  # picker2 works in Chinese
    page.click("#get-work")
    expect(page.locator("#screen-pick")).to_be_visible()
    expect(page.locator("#pick-task")).to_have_text(task["code"])
    wait_until(page, "() => navigator.serviceWorker.controller !== null")  # the shell is cached

    go_offline(context)
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    expect(page.locator("#banner")).to_contain_text("离线 - 0 个操作待同步")
    page.click(f"#task-list button[data-task-id='{task['id']}']")
    picked, scans = [], 0
    for _ in range(2):
        line = current_line(page, lines)
        scan(page, line["bin_barcode"])
        expect(page.locator("#pick-bin.scanned")).to_be_visible()
        for unit in range(line["qty"]):
            scan(page, line["barcodes"][0] if unit % 2 == 0 else line["sku"])
            scans += 1
        wait_line_closed(page, line["id"])
        picked.append(line)
    expect(page.locator("#banner")).to_contain_text(f"离线 - {scans} 个操作待同步")

    page.reload()  # still offline: the queue and the progress survive a restart
    page.wait_for_selector("body[data-ready=yes]")
    expect(page.locator("#banner")).to_contain_text(f"离线 - {scans} 个操作待同步")
    expect(page.locator(f"#task-list button[data-task-id='{task['id']}']")).to_contain_text(f"2 / {len(lines)}")
    queued = outbox_uuids(page)
    assert len(queued) == scans
    assert floor_events(live_server, set(queued)) == []

    lost = []

    def lose_first_answer(route):
        """The server applies the batch but the answer never arrives: the outbox must resend it."""
        if lost:
            route.continue_()
            return
        route.fetch()
        lost.append(route.request.url)
        route.abort("connectionreset")

    context.unroute("**/*")
    context.route("**/api/handheld/events", lose_first_answer)
    context.set_offline(False)
    page.click("#banner-sync")  # replay explicitly too (the `online` event and the socket also replay)
    wait_synced(page)

    assert lost, "the first replay should have lost its answer"
    events = floor_events(live_server, set(queued))
    assert sorted(e["uuid"] for e in events) == sorted(queued)  # each event once, though sent twice
    assert all(e["accepted"] for e in events)
    server_lines = lines_of_task(live_server, task["id"])
    for line in picked:
        assert (server_lines[line["id"]]["picked_qty"], server_lines[line["id"]]["status"]) == (line["qty"], "picked")
    rest = [line for line in lines.values() if line not in picked]
    assert all(server_lines[line["id"]]["picked_qty"] == 0 for line in rest)
    expect(page.locator("#banner")).to_be_hidden()
    page.click(f"#task-list button[data-task-id='{task['id']}']")
    expect_qty(page, 0, current_line(page, lines)["qty"])


def test_a_task_reassigned_while_offline_answers_the_queued_scan_with_what_happened(live_server, new_context):
    data = seeded(live_server)
    task = data["wave_withdraw"][0]
    lines = {line["id"]: line for line in task["lines"]}
    supervisor = live_server.session("super1")
    context = new_context()
    page = open_app(context)
    log_in_with_pin(page, "picker3", data["users"]["picker3"]["pin"])
    supervisor.post(f"{live_server.url}/waves/tasks/{task['id']}/assign",
                    data={"picker_id": data["users"]["picker3"]["id"], "version": task["version"]})
    page.click(f"#task-list button[data-task-id='{task['id']}']")
    line = current_line(page, lines)

    go_offline(context)
    wait_until(page, "() => document.body.dataset.online === 'no' || !navigator.onLine")
    scan(page, line["bin_barcode"])
    scan(page, line["barcodes"][0])
    expect(page.locator("#banner")).to_contain_text("Offline - 1 actions queued")
    with live_server.db() as db:
        version = db.execute("SELECT version FROM pick_tasks WHERE id = ?", (task["id"],)).fetchone()[0]
    # to a picker no other test logs in as: the pick test expects picker1 to start with no task
    response = supervisor.post(f"{live_server.url}/waves/tasks/{task['id']}/assign",
                               data={"picker_id": data["users"]["picker4"]["id"], "version": version})
    assert response.status_code == 200, response.text[:300]

    context.unroute("**/*")
    context.set_offline(False)
    page.evaluate("window.wmsHandheld.sync()")  # replay explicitly (the `online` event may have already)
    notice = page.locator("#notice-dialog")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"Task {task['code']} is no longer yours")
    wait_synced(page)
    page.click("#notice-ok")
    expect(page.locator("#screen-tasks")).to_be_visible()
    expect(page.locator(f"#task-list button[data-task-id='{task['id']}']")).to_have_count(0)
    assert lines_of_task(live_server, task["id"])[line["id"]]["picked_qty"] == 0
