"""The wall's hold chips at 1920x1080 (issue 17 item 3): with an order held for every reason, every chip
is drawn whole inside its panel, in Chinese and in English (the last one was clipped in Chinese); what
does not fit even in smaller text is counted in one last chip, never cut off."""
import re

import pytest
from playwright.sync_api import expect

TV = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1, "has_touch": False}

# every chip's box and its panel's, as the browser laid them out
BOXES = """() => {
  const list = document.querySelector('[data-w="holds"]');
  const panel = list.closest('section');
  const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {panel: box(panel), list: box(list),
          chips: [...list.children].map((li) => ({text: li.textContent, more: li.classList.contains('w-more'),
                                          ...box(li), scroll: li.scrollWidth - li.clientWidth}))};
}"""


@pytest.fixture(scope="module")
def chips_seed(live_server):
    return live_server.seed("tests.e2e.seed_wall_chips")


@pytest.mark.parametrize("locale, word", [("zh_CN", "人工挂起"), ("en", "Held by hand")])
def test_every_hold_chip_fits_inside_the_exceptions_panel(new_context, chips_seed, locale, word):
    page = new_context(**TV).new_page()
    page.goto(f"/wall/tv/{chips_seed['key']}?lang={locale}")
    expect(page.locator('[data-w="holds"] li').first).to_be_visible()
    laid = page.evaluate(BOXES)
    texts = [chip["text"] for chip in laid["chips"]]
    assert any(text.startswith(word) for text in texts), texts  # the chips are named in the page's language
    def inside(box, frame):
        return (box["left"] >= frame["left"] and box["right"] <= frame["right"] and box["top"] >= frame["top"]
                and box["bottom"] <= frame["bottom"])

    assert inside(laid["list"], laid["panel"])
    assert [chip["text"] for chip in laid["chips"] if not inside(chip, laid["list"]) or chip["scroll"] > 0] == []
    shown = [chip for chip in laid["chips"] if not chip["more"]]
    summed = [int(re.search(r"\d+", chip["text"]).group()) for chip in laid["chips"] if chip["more"]]
    assert len(shown) + sum(summed) == len(chips_seed["codes"])  # every reason on a chip or counted in the last
    assert len(shown) >= 15  # the text got smaller before any reason was summed up
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes[0] <= 1920 and sizes[1] <= 1080  # still no scrollbars on the TV
