"""A Playwright driver that dies fails the test it died in, not every browser test after it in the process.

The driver is the Node.js process `sync_playwright()` runs (`node ... run-driver`, a child of this process);
CI once saw it crash on an uncaught `Frame has been detached`. Here it is killed (SIGKILL: it dies as a crash
does, with no goodbye on its pipe), found in /proc rather than through playwright's objects, then the session's
`Browsers` (tests/e2e/conftest.py, what the `browser` fixture asks) is asked for a browser again, as the next
test's `browser` fixture does. No live server: about:blank.
"""
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error

from tests.e2e.conftest import contexts_of


def drivers():
    """The pids of the Playwright drivers this process runs and that have not died."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat, command = (entry / "stat").read_text(), (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if parent == str(os.getpid()) and state != "Z" and b"run-driver" in command.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_the_driver():
    [driver] = drivers()
    os.kill(driver, signal.SIGKILL)
    return driver


def wait_gone(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def works(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("about:blank")
        return page.evaluate("1 + 1")
    finally:
        context.close()


def test_a_driver_killed_between_two_tests_gives_the_next_one_a_new_working_browser(browser, browsers):
    assert works(browser) == 2
    killed = kill_the_driver()
    wait_gone(killed)
    assert browser.is_connected()  # why is_connected() alone does not tell: nothing said goodbye

    fresh = browsers.get()  # the next test's `browser`
    assert fresh is not browser
    assert works(fresh) == 2
    assert killed not in drivers() and len(drivers()) == 1


def test_a_driver_dying_under_a_call_fails_that_call_and_the_next_test_gets_a_new_working_browser(browser,
                                                                                                   browsers):
    page = browser.new_page()
    killer = threading.Timer(0.3, kill_the_driver)  # while the call below waits for the page
    killer.start()
    with pytest.raises(Error):
        page.evaluate("new Promise(resolve => setTimeout(resolve, 30000))")
    killer.join()

    fresh = browsers.get()
    assert fresh is not browser
    assert works(fresh) == 2
    assert len(drivers()) == 1


def test_the_contexts_a_test_opened_are_let_go_without_a_second_error_when_the_driver_died(browser, browsers):
    with contexts_of(browser, timeout=1000) as open_context:
        open_context().new_page()
        wait_gone(kill_the_driver())
    # leaving closed them: the test that met the crash reports its own failure once, not again at teardown
    assert works(browsers.get()) == 2
