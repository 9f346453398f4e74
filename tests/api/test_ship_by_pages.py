"""Ship-by deadlines on the pages, in both languages: the channel's rule form (a bad rule refused,
nothing changed), the review desk's "overdue or due within N h" filter with its counts per store,
the desk's live JSON keeping the filter, and the wall's deadlines panel with the alerted orders."""
from datetime import timedelta

import pytest

from tests.builders import make_channel, make_order
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.orders import deadlines
from wms.orders.models import Channel
from wms.timeutil import utcnow

LOCALES = ("en", "zh_CN")
DATA = {"Web", "App", "web", "app", "DUE-1", "DUE-2", "LATER-1", "OLD-1", "张三", "杭州市", "浙江省", "西湖区", "文三路", "CN", "号", "幢", "室", "Admin1", "Reviewer1", "Supervisor1"}


def read(client, url, locale, status=200, method="get", data=None):
    send = client.post if method == "post" else client.get
    response = send(url + ("&" if "?" in url else "?") + f"lang={locale}", data=data)
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    text = visible_text(html)
    if status != 302:   # a redirect's body is Werkzeug's, never read
        assert problems(text, locale, DATA) == [], url
    return html, text


@pytest.fixture
def due_orders(app):
    now = utcnow()
    web, app_store = make_channel("web", name="Web"), make_channel("app", name="App")
    make_order(channel=web, external_id="DUE-1", status="on_hold", ship_by=now - timedelta(hours=3))
    make_order(channel=app_store, external_id="DUE-2", status="imported", ship_by=now + timedelta(hours=1))
    make_order(channel=web, external_id="LATER-1", status="on_hold", ship_by=now + timedelta(hours=40))
    make_order(channel=web, external_id="OLD-1", status="imported")
    return web, app_store


@pytest.mark.parametrize("locale", LOCALES)
def test_a_channels_ship_by_rule_is_set_on_its_page(client, login, locale):
    channel = make_channel("web", name="Web")
    login("admin")
    read(client, f"/admin/channels/{channel.id}/ship-by", locale, status=302, method="post",
         data={"ship_cutoff": "16:00", "ship_within_hours": "48"})
    html, text = read(client, f"/admin/channels/{channel.id}", locale)
    db.session.expire_all()
    assert (db.session.get(Channel, channel.id).ship_cutoff_minute, channel.ship_within_hours) == (960, 48)
    assert 'value="16:00"' in html and 'value="48"' in html
    assert ("Ship-by rule" if locale == "en" else "承诺发货规则") in text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_bad_rule_is_refused_in_the_readers_language_and_changes_nothing(client, login, locale):
    channel = make_channel("web", name="Web", ship_cutoff_minute=600, ship_within_hours=24)
    login("admin")
    html, text = read(client, f"/admin/channels/{channel.id}/ship-by", locale, status=422, method="post",
                      data={"ship_cutoff": "25:00", "ship_within_hours": "48"})
    assert ("must be a time of day" if locale == "en" else "截单时间须为") in text
    assert 'value="25:00"' in html   # what was typed comes back, marked
    db.session.expire_all()
    assert (db.session.get(Channel, channel.id).ship_cutoff_minute, channel.ship_within_hours) == (600, 24)


def test_only_a_manager_sets_the_rule(client, login):
    channel = make_channel("web", name="Web")
    login("reviewer")
    response = client.post(f"/admin/channels/{channel.id}/ship-by", data={"ship_cutoff": "16:00"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).ship_cutoff_minute is None


@pytest.mark.parametrize("locale", LOCALES)
def test_the_review_desk_filters_overdue_and_due_orders_and_counts_them_per_store(client, login, due_orders, locale):
    login("reviewer")
    html, text = read(client, "/review/?state=&due=2", locale)
    assert "DUE-1" in html and "DUE-2" in html and "LATER-1" not in html and "OLD-1" not in html
    assert 'id="ship-by-counts"' in html
    assert ("1 overdue, 1 due within 2 h" if locale == "en" else "已超时 1 单，2 小时内到期 1 单") in text
    assert 'option value="2" selected' in html


def test_without_the_filter_or_with_a_made_up_one_the_desk_lists_every_order(client, login, due_orders):
    login("reviewer")
    for url in ("/review/?state=", "/review/?state=&due=abc", "/review/?state=&due=3"):
        html = client.get(url).get_data(as_text=True)
        assert all(ext in html for ext in ("DUE-1", "DUE-2", "LATER-1", "OLD-1")), url
        assert 'id="ship-by-counts"' not in html


def test_the_desks_live_refresh_keeps_the_filter(client, login, due_orders):
    login("reviewer")
    page = client.get("/api/review/queue?state=&due=2").get_json()
    assert sorted(row["external_id"] for row in page["rows"]) == ["DUE-1", "DUE-2"]
    assert client.get("/api/review/queue?state=&due=0").status_code == 422


@pytest.mark.parametrize("locale", LOCALES)
def test_the_wall_desk_shows_the_deadlines_panel_and_the_snapshot_the_alerted_orders(client, login, due_orders,
                                                                                    published, locale):
    deadlines.alert_breaches()
    login("supervisor")
    html, text = read(client, "/wall/desk", locale)
    assert 'data-w="due-alerts"' in html
    assert ("Ship-by deadlines" if locale == "en" else "承诺发货时限") in text
    snap = client.get("/api/wall/snapshot").get_json()["deadlines"]
    assert (snap["overdue"], snap["due"], snap["hours"]) == (1, 1, 2)
    assert [a["external_id"] for a in snap["alerts"]] == ["DUE-1", "DUE-2"]
    assert {c["code"]: (c["overdue"], c["due"]) for c in snap["channels"]} == {"web": (1, 0), "app": (0, 1)}


@pytest.mark.parametrize("locale", LOCALES)
def test_an_orders_page_shows_its_ship_by_in_warehouse_time(client, login, due_orders, locale):
    from wms.orders.models import Order

    order = db.session.scalar(db.select(Order).where(Order.external_id == "DUE-2"))
    login("reviewer")
    html, text = read(client, f"/review/orders/{order.id}", locale)
    assert ("Ship by" if locale == "en" else "承诺发货时间") in text
    local = app_local(order.ship_by)
    assert f'<dd id="ship-by">{local}</dd>' in html


def app_local(moment):
    from flask import current_app

    return current_app.jinja_env.filters["local"](moment)


def test_the_reason_chips_keep_the_ship_by_filter(client, login, due_orders):
    web, _app_store = due_orders
    make_order(channel=web, external_id="DUE-3", status="on_hold", ship_by=utcnow(),
               hold_reasons=[{"code": "address", "detail": "no street"}])
    login("reviewer")
    html = client.get("/review/?state=&due=2").get_data(as_text=True)
    assert "due=2" in html.split('id="reason-counts"', 1)[1].split("</div>", 1)[0]
