"""The screens the floor's scripts draw, read as a person sees them (issue 17 item 3): the pack station
with a task open and the handheld's login screen, in English and in Chinese, show no code and no word
of the other language (tests/screen_words.py; the page walk in tests/api covers the server's pages)."""
import pytest
from playwright.sync_api import expect

from tests.screen_words import problems

TABLET = {"width": 1280, "height": 800}
# What the seed (tests/e2e/seed_glove.py) and the shared server's other seeds put on these screens:
# the order, its SKUs and their names, the carrier, the station, the packer.
DATA = {"GL-1", "SKU-A", "SKU-B", "保温杯", "毛巾", "GLV", "手套快递", "PS-GLOVE", "Glove bench", "packer-glove",
        "6901000000011", "6901000000028", "G2", "手套箱", "C1", "C2", "C3", "小箱", "中箱", "大箱", "F1", "流程箱"}


@pytest.fixture(scope="module")
def seed(live_server):
    return live_server.seed("tests.e2e.seed_glove_words")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_pack_station_with_a_task_open_speaks_one_language(live_server, new_context, seed, locale):
    context = new_context(viewport=TABLET, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", seed["packers"][locale])
    page.fill("input[name=password]", "secret-pass")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.evaluate("localStorage.setItem('wms.station', 'PS-GLOVE')")
    page.goto("/station/")
    expect(page.locator("#queue")).to_contain_text(seed["order"])
    page.evaluate("(code) => window.stationScan(code)", seed["order"])
    expect(page.locator("#task-ref")).to_have_text(seed["order"])
    text = page.locator("main").inner_text()
    assert ("返回队列" if locale == "zh_CN" else "Back to queue") in text  # the task's own words were read
    assert "商品\t商品" not in text  # the checklist's columns are two different words
    with live_server.db() as db:   # the station's lists name what the shared server's seeds made (stations, carriers,
        seeded = {name for table in ("pack_stations", "carriers", "carton_types", "skus")   # cartons, SKUs, the
                  for row in db.execute(f"select code, name from {table}") for name in row}  # queue's orders): data
        seeded |= {row[0] for row in db.execute("select external_id from orders")}
    assert problems(text, locale, DATA | seeded | {seed["order"], *seed["packers"].values()}) == []


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_handhelds_login_screen_speaks_one_language(live_server, new_context, locale):
    context = new_context()
    context.add_init_script(f"localStorage.setItem('wms.locale', '{locale}')")
    page = context.new_page()
    page.goto("/app")
    page.wait_for_selector("body[data-ready=yes]")
    expect(page.locator("#screen-login")).to_be_visible()
    text = page.locator("body").inner_text()
    assert ("用户名" if locale == "zh_CN" else "Username") in text
    assert problems(text, locale) == []
