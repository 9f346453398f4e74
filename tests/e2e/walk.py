"""The role walk (issue 17 item 9): each role walks every screen it uses, at its device's size, in both
languages. Its tests are in two files of about a minute each, so that `make test` (files kept whole on one
of two processes) does not end waiting for one long file: test_role_walk_office.py (admin, reviewer,
finance) and test_role_walk_floor.py (supervisor, dock, packer, picker, the wall screen). What they share
is here.

A warehouse with an order in every state (seed_walk) on a server of its own, one per test file
(`warehouse`, a module fixture: the whole demo warehouse would change what the other suites count); each
role logs in with the demo login the README prints, picks its language in the top bar as a person does,
clicks every group of its menu and every screen of each group, then the screens those screens link to (an
order, a wave, a manifest, a user...). Every screen read fails the walk on a console error, a script
error, any 4xx/5xx answer (its assets and API calls included), a raw code or text in the other language
(tests/screen_words.py). The picker walks the handheld app (412x915, touch), the packer the pack station
and the dock clerk the dock at a tablet's size (1280x800), the office at 1440x900, the wall screen at
1920x1080. With WMS_SCREENSHOTS=1 the screens of SHOTS are saved to docs/screens/.

- `warehouse`, `device(size, locale)`: the fixtures (a test file imports them); `start(...)` logs a role
  in and gives its `Walk`, which reads each screen (`look()`) and says what it found (`assert_clean()`);
  `walk_desk(walk)` walks a role's menu; `walk_every_screen_of_the_menu` is the office roles' test.
- `Watch(page)` records every console error, uncaught script error and 4xx/5xx answer, each with its URL.
- `words_problems(page, locale, data)` reads the page as a person does (tests/screen_words.py, the
  checker the page-words test uses too) and names the raw codes and other-language words on it.
- `walk_menu(page, look)` clicks each group of the top menu and each screen of its second row, as a
  person finds the screens; `detail_links(page)` are the links of a screen's content to the screens
  reached from it (an order, a wave, a manifest); `kind_of(path)` tells which kind of screen.
- `shoot(page, name)` writes docs/screens/<name>.png only when WMS_SCREENSHOTS=1 (a test run leaves
  the working tree as it found it), reduced to a palette so the repository stays small.
"""
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.builders_words import DATA_COLUMNS, TYPED
from tests.e2e.conftest import contexts_of, running_server
from tests.screen_words import problems, visible_text

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
HANDHELD = {"viewport": {"width": 412, "height": 915}, "has_touch": True, "is_mobile": True}
STATION = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
WALL = {"viewport": {"width": 1920, "height": 1080}}
# Not screens to read: files, and the screens walked at their own device's size (the handheld app by
# the picker, the wall screen on the wall).
NOT_WALKED = re.compile(r"\.(pdf|csv|png|xlsx|json|js)(\?|$)|^/(api|static)/|^/app$|^/wall/$|^/logout$")

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


class Watch:
    """Everything that went wrong on a page while it was watched, as readable lines."""

    def __init__(self, page):
        self.found, self.asked = [], set()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.found.append(f"script error on {page.url}: {error}"))
        page.on("response", lambda response: self._response(page, response))

    def asking_for(self, status, url):
        """A step that opens `url` knowing it answers `status` (a mistyped address: 404)."""
        self.asked.add((status, url))

    def _response(self, page, response):
        if response.status >= 400 and (response.status, response.url) not in self.asked:
            self.found.append(f"{response.status} for {response.request.method} {response.url} (on {page.url})")

    def _console(self, page, message):
        url = message.location.get("url", "")
        asked = message.text.startswith("Failed to load resource") and any(url == u for _s, u in self.asked)
        if message.type == "error" and not asked:
            self.found.append(f"console error on {page.url}: {message.text} ({url})")


# Data the walk's screens show besides the page-words test's: a manifest's code (M-SF-20261122-1), a
# warehouse's sender address and contact (its labels' sender).
MORE_DATA_COLUMNS = (("manifests", ("code",)), ("warehouses", ("address", "sender_name", "phone")))


def data_in(connection):
    """What the warehouse typed or partners sent (names, codes, addresses): shown as it is in either
    language. Read from the live database, so rows the walk itself made count too."""
    texts = set(TYPED)
    for table, columns in DATA_COLUMNS + MORE_DATA_COLUMNS:
        for column in columns:
            texts.update(str(value) for (value,) in connection.execute(f"SELECT {column} FROM {table}") if value)
    return texts


def words_problems(page, locale, data):
    """The raw codes and other-language words a person reads on the page now, each with the line of
    text it is in (a failure says where to look)."""
    text = visible_text(page.content())
    found = []
    for problem in problems(text, locale, data):
        word = problem.split(": ", 1)[1]
        line = next((line for line in text.splitlines() if word in line), "")
        found.append(f"{problem} (in {line[:80]!r})")
    return found


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def kind_of(path):
    """The kind of screen a path opens: its path with every number as N, no query."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def walk_menu(page, look):
    """Click every group of the top menu and every screen of the group's second row; `look(page)` on each.

    Returns the paths of the screens opened, in order."""
    opened = []
    groups = page.eval_on_selector_all("header.topbar nav a", "links => links.map(a => a.getAttribute('href'))")
    for group in groups:
        if NOT_WALKED.search(group):
            continue
        _click(page, "header.topbar nav", group)
        opened.append(group)
        look(page)
        screens = page.eval_on_selector_all("nav.menu-group a", "links => links.map(a => a.getAttribute('href'))")
        for screen in screens:
            if screen in opened or NOT_WALKED.search(screen):
                continue
            if not page.locator(f"nav.menu-group a[href='{screen}']").count():
                page.goto(group)  # the last screen had no menu of its own
            _click(page, "nav.menu-group", screen)
            opened.append(screen)
            look(page)
    return opened


def _click(page, where, href):
    with page.expect_navigation():
        page.click(f"{where} a[href='{href}']")
    page.wait_for_load_state()


def detail_links(page):
    """The links of the screen's content to other screens of this server (files and the screens of
    other devices left out), as paths."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    hrefs = page.eval_on_selector_all("main a[href]:not([download]):not([target=_blank])",
                                      "links => links.map(a => a.href)")
    paths = (path_of(href) for href in hrefs if href.startswith(origin + "/"))
    return [path for path in paths if not NOT_WALKED.search(path)]


def shoot(page, name):
    """docs/screens/<name>.png when WMS_SCREENSHOTS=1, as a 256-colour PNG (text stays sharp)."""
    if os.environ.get("WMS_SCREENSHOTS") != "1":
        return None
    from PIL import Image

    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as shot:
        reduced = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    reduced.save(path, optimize=True)
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A server of its own, one per test file (the whole demo warehouse would change what the other suites
    count)."""
    with running_server(tmp_path_factory.mktemp("walk")) as server:
        server.walk = server.seed("tests.e2e.seed_walk")
        yield server


@pytest.fixture
def device(browser, warehouse):
    """device(size, locale) -> a fresh browser context of that size whose browser asks for `locale`."""
    with contexts_of(browser, timeout=20000) as open_context:
        def make(size, locale, service_workers="block"):
            return open_context(base_url=warehouse.url, device_scale_factor=1, locale=BROWSER_LOCALE[locale],
                                service_workers=service_workers, **size)

        yield make


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


def walk_every_screen_of_the_menu(device, warehouse, role, locale):
    """An office role's walk (test_each_office_role_walks_every_screen_of_its_menu_..., in both files)."""
    walk = start(device, warehouse, role, locale, SIZE[role])
    opened = walk_desk(walk)
    assert REACHED[role] <= walk.reached(), (sorted(REACHED[role] - walk.reached()), walk.read)
    assert len(opened) >= len({kind for kind in REACHED[role] if "N" not in kind})
    walk.assert_clean()
