"""The handheld after login, read as the picker sees it (issue 17 item 3): the task list, the pick screen
(before and after the bin scan), the short pick sheet, the finished task, the count list and the count
screen with its entry pad, in English and in Chinese, show no code and no word of the other language
(tests/screen_words.py). A picker of each language picks their own task short, which raises the count."""
import pytest
from playwright.sync_api import expect

from tests.e2e.handheld import log_in_with_badge, open_app, scan, wait_synced
from tests.screen_words import problems

DEBOUNCE_MS = 800  # static/handheld/scanner.js: the same code again within this is dropped

# What the seed (tests/e2e/seed_handheld_words.py) and the shared server's other seeds put on these
# screens: orders, SKUs and their names, bins, users, tasks and waves.
SHARED_DATA = {"盘点商品", "CNT-SKU", "C-01-01-1"}


@pytest.fixture(scope="module")
def seed(live_server):
    return live_server.seed("tests.e2e.seed_handheld_words")


def screen_text(page):
    """What is on the screen: the shown screen, an open sheet, a toast."""
    return page.locator("body").inner_text()


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_handheld_after_login_speaks_one_language(live_server, new_context, seed, locale):
    picker = seed["pickers"][locale]
    data = SHARED_DATA | {seed["sku"], seed["barcode"], seed["name"], seed["bin"], seed["bin_barcode"],
                          picker["username"], picker["name"], picker["task_code"], picker["order"]}
    page = open_app(new_context())
    log_in_with_badge(page, picker["badge"])
    read = {}

    task = page.locator(f"#task-list button[data-task-id='{picker['task_id']}']")
    expect(task).to_contain_text(picker["task_code"])
    read["task list"] = screen_text(page)

    task.click()
    expect(page.locator("#pick-bin")).to_have_text(seed["bin"])
    read["pick: scan the bin"] = screen_text(page)
    scan(page, seed["bin_barcode"])
    expect(page.locator("#pick-bin.scanned")).to_be_visible()
    read["pick: scan the item"] = screen_text(page)

    page.click("#pick-short")
    expect(page.locator("#short-dialog")).to_be_visible()
    page.click("#short-pad [data-key='C']")
    page.click("#short-reasons [data-reason='empty bin']")
    read["short pick"] = screen_text(page)
    page.click("#short-confirm")
    expect(page.locator("#screen-done")).to_be_visible()
    read["task done"] = screen_text(page)
    wait_synced(page)

    page.click("#done-ok")
    counts = page.locator("#open-counts")
    expect(counts).not_to_have_text("Count tasks (0)")
    read["task list after the short pick"] = screen_text(page)
    counts.click()
    expect(page.locator("#screen-counts")).to_be_visible()
    count = page.locator("#count-list button", has_text=seed["bin"]).first
    expect(count).to_contain_text(seed["sku"])
    read["count list"] = screen_text(page)
    count.click()
    expect(page.locator("#count-step")).to_contain_text(seed["bin"])
    read["count: scan the bin"] = screen_text(page)
    page.wait_for_timeout(DEBOUNCE_MS + 100)  # the same bin scanned for the pick moments ago would be a doubled scan
    scan(page, seed["bin_barcode"])
    expect(page.locator("#count-bin.scanned")).to_be_visible()
    read["count: scan the item"] = screen_text(page)
    scan(page, seed["barcode"])
    expect(page.locator("#count-entry")).to_be_visible()
    read["count: enter the count"] = screen_text(page)

    said = {screen: problems(text, locale, data) for screen, text in read.items()}
    assert said == {screen: [] for screen in read}, read
    assert ("我的任务" if locale == "zh_CN" else "My tasks") in read["task list"]  # the screens' own words were read
