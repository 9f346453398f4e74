"""The role walk of the floor (tests/e2e/walk.py says what a walk does): the supervisor and the dock clerk
walk every screen of their menus in both languages, the supervisor finds an order with the search box, the
packer walks the pack station, the picker the handheld app, the wall screen reads at its size, and a
mistyped address answers in the reader's language. The office's roles are in test_role_walk_office.py, on a
server of their own."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.walk import (  # noqa: F401  (device, warehouse: fixtures)
    DESKTOP, HANDHELD, HTML_LANG, LOCALES, REACHED, STATION, WALL, Walk, data_in, device, kind_of, path_of, start,
    walk_desk, walk_every_screen_of_the_menu, warehouse)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", ["supervisor", "dock"])
def test_each_office_role_walks_every_screen_of_its_menu_without_an_error_or_a_raw_code(device, warehouse, role,
                                                                                       locale):
    walk_every_screen_of_the_menu(device, warehouse, role, locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_supervisor_finds_a_shipped_order_with_the_search_box(device, warehouse, locale):
    walk = start(device, warehouse, "supervisor", locale, DESKTOP)
    with warehouse.db() as connection:
        number = connection.execute("SELECT external_id FROM orders WHERE id = ?",
                                    (warehouse.walk["orders"]["shipped"],)).fetchone()[0]
    walk.page.fill("header form.search input[name=q]", number)
    with walk.page.expect_navigation():
        walk.page.press("header form.search input[name=q]", "Enter")
    walk.page.wait_for_load_state()
    walk.look()
    assert kind_of(path_of(walk.page.url)) in ("/search/", "/review/orders/N")
    expect(walk.page.locator("main")).to_contain_text(number)
    walk.assert_clean()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_packer_opens_a_task_at_the_pack_station_and_walks_its_menu(device, warehouse, locale):
    walk = start(device, warehouse, "packer", locale, STATION)
    page = walk.page
    assert kind_of(path_of(page.url)) == "/station/"  # the packer's home
    if page.locator("#station").input_value() != "PS-1":
        with page.expect_navigation():
            page.select_option("#station", "PS-1")
    expect(page.locator("#queue li").first).to_be_visible()
    walk.look(shot="station")
    page.locator("#queue li").first.click()
    expect(page.locator("#task-card")).to_be_visible()
    walk.look(shot="station-task")
    walk_desk(walk)
    assert REACHED["packer"] <= walk.reached(), sorted(REACHED["packer"] - walk.reached())
    walk.assert_clean()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_picker_walks_the_handheld_app(device, warehouse, locale):
    login = warehouse.walk["logins"]["picker"]
    desk = warehouse.session("picker", login["password"])  # the picker's language is theirs, wherever they log in
    chosen = desk.post(f"{warehouse.url}/me/locale", data={"locale": locale}, allow_redirects=False, timeout=10)
    assert chosen.status_code == 302, chosen.text[:300]
    page = device(HANDHELD, locale, service_workers="allow").new_page()
    with warehouse.db() as connection:
        walk = Walk(page, "picker", locale, data_in(connection))
    page.goto("/app")
    page.wait_for_selector("body[data-ready=yes]")
    expect(page.locator("#screen-login")).to_be_visible()
    walk.look(shot="login")
    page.fill("#login-username", "picker")
    for key in [*login["pin"], "OK"]:
        page.click(f"#pin-pad [data-key='{key}']")
    expect(page.locator("#screen-tasks")).to_be_visible()
    expect(page.locator("#task-list button").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[locale])
    walk.look(shot="tasks")
    page.click("#open-counts")
    expect(page.locator("#screen-counts")).to_be_visible()
    walk.look()
    page.click("#counts-back")
    page.locator("#task-list button").first.click()
    expect(page.locator("#screen-pick")).to_be_visible()
    walk.look(shot="pick")
    walk.assert_clean()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_wall_screen_reads_in_both_languages_at_its_size(device, warehouse, locale):
    walk = start(device, warehouse, "supervisor", locale, WALL)
    page = walk.page
    with page.expect_navigation():
        page.click("header.topbar nav a[href='/wall/desk']")
    with page.expect_navigation():
        page.click("nav.menu-group a[href='/wall/']")  # Wall > Wall screen, as the TV is set up
    expect(page.locator('[data-w="clock"]')).not_to_have_text("--:--")
    expect(page.locator('[data-w="picks-units"]')).to_have_text(re.compile(r"^\d+$"))  # the snapshot is in
    walk.look(shot="wall")
    walk.assert_clean()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_mistyped_address_and_a_screen_of_another_role_answer_in_the_readers_language(device, warehouse, locale):
    walk = start(device, warehouse, "dock", locale, STATION)
    for path, status in (("/no-such-screen", 404), ("/review/", 403)):
        walk.watch.asking_for(status, f"{warehouse.url}{path}")
        assert walk.page.goto(path).status == status
        walk.look()
    walk.assert_clean()
