"""Each role walks every screen it uses, at its device's size, in both languages (issue 17 item 9).

A warehouse with an order in every state (seed_walk) on a server of its own; each role logs in with
the demo login the README prints, picks its language in the top bar as a person does, clicks every
group of its menu and every screen of each group, then the screens those screens link to (an order,
a wave, a manifest, a user...). Every screen read fails the walk on a console error, a script error,
any 4xx/5xx answer (its assets and API calls included), a raw code or text in the other language
(tests/screen_words.py). The picker walks the handheld app (412x915, touch), the packer the pack
station and the dock clerk the dock at a tablet's size (1280x800), the office at 1440x900, the wall
screen at 1920x1080. With WMS_SCREENSHOTS=1 the screens of SHOTS are saved to docs/screens/.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import running_server
from tests.e2e.walk import (
    DESKTOP, HANDHELD, STATION, WALL, Watch, data_in, detail_links, kind_of, path_of, shoot, walk_menu,
    words_problems)

LOCALES = ("en", "zh_CN")
BROWSER_LOCALE = {"en": "en-US", "zh_CN": "zh-CN"}
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
# The pictures docs/screens/ keeps, by role: kind of screen -> picture name.
SHOTS = {
    "admin": {"/admin/users": "users", "/shipping/carriers": "carriers"},
    "supervisor": {"/wall/desk": "wall-desk", "/waves/N": "wave", "/review/orders/N": "order"},
    "reviewer": {"/review/": "review-desk"},
    "dock": {"/handover/": "dock", "/handover/manifests/N": "manifest"},
}
# Screens each walk must have reached (so a link that disappears fails the walk, not just shrinks it).
REACHED = {
    "admin": {"/admin/users", "/admin/users/N", "/admin/channels/N", "/catalog/skus/N", "/inventory/warehouses/N",
              "/shipping/carriers", "/station/setup", "/channels/", "/admin/jobs"},
    "supervisor": {"/wall/desk", "/wall/desk/stuck", "/review/", "/review/orders/N", "/waves/", "/waves/N",
                   "/inventory/stock", "/shipping/parcels", "/tracking/exceptions", "/handover/",
                   "/handover/manifests/N", "/aftersales/returns", "/aftersales/intercepts"},
    "reviewer": {"/review/", "/review/orders/N", "/imports/", "/channels/sku-mappings", "/review/blacklist",
                 "/aftersales/returns"},
    "finance": {"/finance/", "/finance/rules"},
    "packer": {"/station/", "/handover/"},
    "dock": {"/handover/", "/handover/manifests/N"},
}
SIZE = {"admin": DESKTOP, "supervisor": DESKTOP, "reviewer": DESKTOP, "finance": DESKTOP, "packer": STATION,
        "dock": STATION}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A server of its own (the whole demo warehouse would change what the other suites count)."""
    with running_server(tmp_path_factory.mktemp("walk")) as server:
        server.walk = server.seed("tests.e2e.seed_walk")
        yield server


@pytest.fixture
def device(browser, warehouse):
    """device(size, locale) -> a fresh browser context of that size whose browser asks for `locale`."""
    contexts = []

    def make(size, locale, service_workers="block"):
        context = browser.new_context(base_url=warehouse.url, device_scale_factor=1, locale=BROWSER_LOCALE[locale],
                                      service_workers=service_workers, **size)
        context.set_default_timeout(20000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


class Walk:
    """One role's walk in one language: what it read, what it found wrong, the links it saw."""

    def __init__(self, page, role, locale, data):
        self.page, self.role, self.locale, self.data = page, role, locale, data
        self.watch, self.words, self.read, self.links = Watch(page), {}, [], {}

    def look(self, page=None, shot=None):
        """Read the screen now shown: its words, its links; its picture when it is one of SHOTS."""
        page = page or self.page
        clock = page.locator('[data-w="clock"]')  # a wall panel: read once its snapshot is in
        if clock.count():
            expect(clock.first).not_to_have_text("--:--")
        path = path_of(page.url)
        self.read.append(path)
        found = words_problems(page, self.locale, self.data)
        if found:
            self.words[path] = found
        for link in detail_links(page):
            self.links.setdefault(kind_of(link), link)
        name = shot or SHOTS.get(self.role, {}).get(kind_of(path))
        if name:
            shoot(page, f"{self.role}-{name}-{self.locale}")

    def reached(self):
        return {kind_of(path) for path in self.read}

    def assert_clean(self):
        report = self.watch.found + [f"{path}: {', '.join(words)}" for path, words in sorted(self.words.items())]
        assert report == [], f"{self.role} in {self.locale}:\n" + "\n".join(report)


def start(device, warehouse, role, locale, size):
    """A walk of the demo user `role`, logged in through the login form, in `locale`."""
    page = device(size, locale).new_page()
    with warehouse.db() as connection:
        walk = Walk(page, role, locale, data_in(connection))
    page.goto("/login")
    walk.look()
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", warehouse.walk["logins"][role]["password"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()
    choose_language(page, locale)
    return walk


def choose_language(page, locale):
    """The language menu of the top bar, as a person picks it (the page reloads in that language)."""
    if page.get_attribute("html", "lang") != HTML_LANG[locale]:
        with page.expect_navigation():
            page.select_option("header select[name=locale]", locale)
        page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[locale])


def walk_desk(walk):
    """Home, every screen of the menu, then each kind of screen they link to (one of each)."""
    walk.look()
    opened = walk_menu(walk.page, walk.look)
    menu_kinds = {kind_of(path) for path in opened}
    for kind, path in list(walk.links.items()):
        if kind not in menu_kinds:
            walk.page.goto(path)
            walk.look()
    return opened


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", ["admin", "supervisor", "reviewer", "finance", "dock"])
def test_each_office_role_walks_every_screen_of_its_menu_without_an_error_or_a_raw_code(device, warehouse, role,
                                                                                       locale):
    walk = start(device, warehouse, role, locale, SIZE[role])
    opened = walk_desk(walk)
    assert REACHED[role] <= walk.reached(), (sorted(REACHED[role] - walk.reached()), walk.read)
    assert len(opened) >= len({kind for kind in REACHED[role] if "N" not in kind})
    walk.assert_clean()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_reviewer_reads_an_order_in_every_state(device, warehouse, locale):
    walk = start(device, warehouse, "reviewer", locale, DESKTOP)
    orders = warehouse.walk["orders"]
    for state, order_id in sorted(orders.items()):
        walk.page.goto(f"/review/orders/{order_id}")
        expect(walk.page.locator("main")).to_be_visible()
        walk.look()
    assert len(orders) >= 15  # every state of an order, from imported to returned
    walk.assert_clean()


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
