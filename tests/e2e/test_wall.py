"""The wall TV in Chromium against a real server: a pick on the floor shows up without a reload; the
TV says "stale" when its server goes away."""
import re
import subprocess
import sys
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, _free_port, _wait_healthy
from tests.e2e.handheld import seeded

TV = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1, "has_touch": False}


@pytest.fixture(scope="module")
def wall_seed(live_server):
    seeded(live_server)
    return live_server.seed("tests.e2e.seed_wall")


def handheld_pick(live_server, data, qty):
    login = requests.post(f"{live_server.url}/api/auth/handheld", timeout=10, json={
        "username": data["picker"]["username"], "pin": data["picker"]["pin"], "device": "WALL-HH"})
    assert login.status_code == 200, login.text
    line = data["line"]
    answer = requests.post(f"{live_server.url}/api/handheld/events", timeout=10,
                           headers={"Authorization": f"Bearer {login.json()['token']}"},
                           json={"events": [{"uuid": str(uuid.uuid4()), "kind": "pick", "line_id": line["id"],
                                             "qty": qty, "seq": 1, "bin": line["bin"], "barcode": line["barcode"]}]})
    assert answer.json()["answers"][0]["status"] == "accepted", answer.text


def test_the_tv_shows_a_pick_without_reloading(new_context, live_server, wall_seed):
    page = new_context(**TV).new_page()
    page.goto(f"/wall/tv/{wall_seed['key']}")
    expect(page.locator('[data-w="status"]')).to_have_text("Live")
    expect(page.locator('[data-w="picks-units"]')).to_have_text(re.compile(r"^\d+$"))
    before = int(page.locator('[data-w="picks-units"]').inner_text())  # other e2e tests share the server
    page.evaluate("window.__sameDocument = true")
    handheld_pick(live_server, wall_seed, 1)
    expect(page.locator('[data-w="picks-units"]')).to_have_text(str(before + 1), timeout=8000)
    handheld_pick(live_server, wall_seed, 2)
    expect(page.locator('[data-w="picks-units"]')).to_have_text(str(before + 3), timeout=8000)  # a burst's trailing push
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator('[data-w="stale"]').is_hidden()
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes[0] <= 1920 and sizes[1] <= 1080  # no scrollbars on a 1080p TV


def test_the_tv_shows_stale_when_its_server_stops(new_context, live_server, wall_seed):
    port = _free_port()
    env = dict(live_server.env, PORT=str(port))
    log = (live_server.log_path.parent / "wall-server.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        server = type(live_server)(f"http://localhost:{port}", env, live_server.db_path,
                                   live_server.log_path.parent / "wall-server.log")
        _wait_healthy(server, process)
        page = new_context(**{**TV, "base_url": server.url}).new_page()
        page.goto(f"/wall/tv/{wall_seed['key']}")
        expect(page.locator('[data-w="status"]')).to_have_text("Live")
        expect(page.locator('[data-w="stale"]')).to_be_hidden()
        process.terminate()
        process.wait(timeout=10)
        # a killed server closes its sockets at once; a half-open one is found by the ping (20 s + 20 s)
        expect(page.locator('[data-w="stale"]')).to_be_visible(timeout=45000)
        expect(page.locator('[data-w="status"]')).to_contain_text("Stale")
    finally:
        if process.poll() is None:
            process.kill()
        log.close()


def test_a_revoked_or_made_up_link_shows_no_wall(new_context, wall_seed):
    page = new_context(**TV).new_page()
    response = page.goto(f"/wall/tv/{wall_seed['key']}x")
    assert response.status == 404
