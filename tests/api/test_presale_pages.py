"""Presales on the pages, in both languages: the desk shows the presales waiting apart from the
backorders (a chip row with counts, a filter, the ship-from day on the row), the wall counts them
apart, the order's timeline says it waits, and a supervisor chooses per store when they go."""
from datetime import timedelta

import pytest

from tests.builders import make_channel, make_order, make_sku
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.inventory import services
from wms.orders.models import Channel
from wms.timeutil import utcnow

LOCALES = ("en", "zh_CN")
DATA = {"Web", "web", "PRE-1", "BACK-1", "HELD-1", "张三", "杭州市", "浙江省", "西湖区", "文三路", "CN", "号", "幢", "室",
        "SKU-1", "Item", "Admin1", "Reviewer1", "Supervisor1"}


def read(client, url, locale, status=200):
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert problems(text, locale, DATA) == [], url
    return html, text


@pytest.fixture
def waiting(app):
    make_sku()
    web = make_channel("web", name="Web")
    presale = make_order(channel=web, external_id="PRE-1", status="approved",
                         presale_ship_from=utcnow() + timedelta(days=5))
    backorder = make_order(channel=web, external_id="BACK-1", status="approved")
    make_order(channel=web, external_id="HELD-1", status="on_hold")
    services.allocate_orders([presale.id, backorder.id])   # no stock: BACK-1 a backorder, PRE-1 waits
    return presale, backorder


@pytest.mark.parametrize("locale", LOCALES)
def test_the_desk_shows_presales_waiting_apart_from_backorders(client, login, waiting, locale):
    login("reviewer")
    html, text = read(client, "/review/?state=presale", locale)
    assert "PRE-1" in html and "BACK-1" not in html and "HELD-1" not in html
    assert ('Presale waiting <b>1</b>' if locale == "en" else '预售待发 <b>1</b>') in html
    assert ('Backorder <b>1</b>' if locale == "en" else '缺货 <b>1</b>') in html
    assert ("Presale: ships from" if locale == "en" else "预售：") in text
    html, _text = read(client, "/review/?state=backorder", locale)
    assert "BACK-1" in html and "PRE-1" not in html


@pytest.mark.parametrize("locale", LOCALES)
def test_the_orders_timeline_says_it_waits_as_a_presale(client, login, waiting, locale):
    login("reviewer")
    html, text = read(client, f"/review/orders/{waiting[0].id}", locale)
    assert ("waits as a presale until" if locale == "en" else "预售订单，等待至") in text
    assert 'id="presale"' in html and ("still waiting" if locale == "en" else "仍在等待") in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_wall_counts_presales_apart_from_backorders(client, login, waiting, locale):
    login("supervisor")
    html, text = read(client, "/wall/desk", locale)
    assert 'data-w="orders-presale"' in html
    exceptions = client.get("/api/wall/snapshot").get_json()["exceptions"]
    assert (exceptions["presale"], exceptions["backorder"]) == (1, 1)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_supervisor_chooses_per_store_when_presales_go(client, login, waiting, locale):
    login("supervisor")
    html, text = read(client, "/inventory/presales", locale)
    assert ("On its ship-from date" if locale == "en" else "到预售发货日期时") in text
    channel = db.session.scalar(db.select(Channel).filter_by(code="web"))
    response = client.post(f"/inventory/presales/{channel.id}", data={"presale_release": "stock"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).presale_release == "stock"


def test_a_made_up_release_is_refused_and_changes_nothing(client, login, app):
    channel = make_channel("web", name="Web")
    login("supervisor")
    client.post(f"/inventory/presales/{channel.id}", data={"presale_release": "tomorrow"})
    html = client.get("/inventory/presales").get_data(as_text=True)
    assert "not &#39;tomorrow&#39;" in html or "not 'tomorrow'" in html
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).presale_release == "date"


def test_a_reviewer_may_not_choose(client, login, app):
    channel = make_channel("web", name="Web")
    login("reviewer")
    assert client.post(f"/inventory/presales/{channel.id}", data={"presale_release": "stock"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).presale_release == "date"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_supervisor_makes_a_sku_a_presale_and_a_bad_day_changes_nothing(client, login, app, locale):
    from datetime import date

    from wms.catalog.models import Sku

    sku = make_sku()
    login("supervisor")
    assert client.post(f"/inventory/presales/skus?lang={locale}", data={"sku_code": "SKU-1", "presale_until": "2026-12-20"}
                       ).status_code == 302
    html, text = read(client, "/inventory/presales", locale)
    assert "2026-12-20" in text and ("Presale SKUs" if locale == "en" else "预售商品") in text
    client.post(f"/inventory/presales/skus?lang={locale}", data={"sku_code": "SKU-1", "presale_until": "20/12/2026"})
    html, text = read(client, "/inventory/presales", locale)
    assert ("not '20/12/2026'" if locale == "en" else "不能是“20/12/2026”") in text
    db.session.expire_all()
    assert db.session.get(Sku, sku.id).presale_until == date(2026, 12, 20)
    client.post(f"/inventory/presales/skus?lang={locale}", data={"sku_code": "SKU-1", "presale_until": ""})
    db.session.expire_all()
    assert db.session.get(Sku, sku.id).presale_until is None


def test_the_desks_live_refresh_keeps_the_presale_chip_in_the_readers_language(client, login, waiting):
    login("reviewer")
    rows = client.get("/api/review/queue?state=presale&lang=zh_CN").get_json()["rows"]
    assert [(row["external_id"], row["presale_label"][:3]) for row in rows] == [("PRE-1", "预售：")]
    rows = client.get("/api/review/queue?state=backorder").get_json()["rows"]
    assert [(row["external_id"], row["presale_label"]) for row in rows] == [("BACK-1", None)]
