"""What the role walk (test_role_walk.py) does on every screen: watch the browser for errors, read the
words, click through the menu, and take the docs/ pictures when asked.

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

from tests.builders_words import DATA_COLUMNS, TYPED
from tests.screen_words import problems, visible_text

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
HANDHELD = {"viewport": {"width": 412, "height": 915}, "has_touch": True, "is_mobile": True}
STATION = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
WALL = {"viewport": {"width": 1920, "height": 1080}}
# Not screens to read: files, and the screens walked at their own device's size (the handheld app by
# the picker, the wall screen on the wall).
NOT_WALKED = re.compile(r"\.(pdf|csv|png|xlsx|json|js)(\?|$)|^/(api|static)/|^/app$|^/wall/$|^/logout$")


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
