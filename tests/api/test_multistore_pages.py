"""Many stores in one place (issue 19 item 4) and the returns the platforms announce (item 3), on the pages,
in both languages: the store filter of search results, the parcel list and the returns screen, the channel
sync list grouped by platform, a channel's platform refunds, the wall desk's split by platform; a store
filter that is not a store is refused clearly."""
import pytest

from tests.builders import make_order
from tests.builders_handover import make_parcel
from tests.builders_refunds import make_platform_refund, make_stores
from tests.screen_words import problems, visible_text
from wms.orders import states

LOCALES = ("en", "zh_CN")
DATA = {"青瓷茶舍拼多多店", "青瓷茶舍京东店", "杯子京东自营", "张三", "商品与描述不符", "圆通", "YT8800112233", "9120002",
        "PDD-1", "JD-1", "JD-2", "SF0000009001", "SF0000009002", "SF",
        "Reviewer1", "Supervisor1"}   # the carrier's code, the test users' names


@pytest.fixture
def shop(app):
    stores = make_stores()
    pdd_order = make_order(stores["pdd-tea"], external_id="PDD-1", status=states.SHIPPED, buyer_phone="13800138000")
    jd_order = make_order(stores["jd-tea"], external_id="JD-1", status=states.SHIPPED, buyer_phone="13800138000")
    make_order(stores["jd-mug"], external_id="JD-2", status=states.APPROVED)
    make_parcel(pdd_order, tracking="SF0000009001")
    make_parcel(jd_order, tracking="SF0000009002")
    refund = make_platform_refund(pdd_order)
    return stores, pdd_order, jd_order, refund


def read(client, url, locale):
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
    assert response.status_code == 200, response.status_code
    text = visible_text(response.get_data(as_text=True))
    assert problems(text, locale, DATA) == [], url
    return response.get_data(as_text=True), text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_returns_screen_lists_the_expected_return_and_finds_it_by_its_return_tracking_number(client, login, shop,
                                                                                                 locale):
    stores, pdd_order, _jd, _refund = shop
    login("reviewer")

    html, text = read(client, "/aftersales/returns", locale)
    found_html, _ = read(client, "/aftersales/returns?order=yt8800112233", locale)
    other_store, other_text = read(client, f"/aftersales/returns?channel={stores['jd-tea'].id}", locale)

    assert 'id="expected-returns"' in html and "YT8800112233" in html and "9120002" in html and "PDD-1" in text
    assert ("Return and refund" if locale == "en" else "退货退款") in text
    assert f"/aftersales/returns/{pdd_order.id}?reference=YT8800112233" in found_html
    assert "YT8800112233" not in other_store
    assert ("No returns expected" if locale == "en" else "没有待收的退货") in other_text


@pytest.mark.parametrize("locale", LOCALES)
def test_search_results_and_the_parcel_list_filter_by_store(client, login, shop, locale):
    stores, pdd_order, jd_order, _refund = shop
    login("supervisor")

    _, every = read(client, "/search/?q=13800138000&list=1", locale)
    _, one = read(client, f"/search/?q=13800138000&list=1&channel={stores['jd-tea'].id}", locale)
    _, parcels = read(client, f"/shipping/parcels?channel={stores['pdd-tea'].id}", locale)
    _, all_parcels = read(client, "/shipping/parcels", locale)

    assert "PDD-1" in every and "JD-1" in every
    assert "JD-1" in one and "PDD-1" not in one
    assert "PDD-1" in parcels and "JD-1" not in parcels
    assert "PDD-1" in all_parcels and "JD-1" in all_parcels


def test_the_store_filter_groups_the_stores_under_their_platform(client, login, shop):
    login("supervisor")

    html, _ = read(client, "/shipping/parcels", "zh_CN")

    jd = html.index('<optgroup label="京东">')
    pdd = html.index('<optgroup label="拼多多">')
    assert jd < html.index("杯子京东自营") < html.index("青瓷茶舍京东店") < pdd < html.index("青瓷茶舍拼多多店")


@pytest.mark.parametrize("url", ["/search/?q=13800138000&list=1&channel=abc", "/shipping/parcels?channel=1;drop",
                                 "/aftersales/returns?channel=-1"])
def test_a_store_filter_that_is_not_a_store_is_refused_clearly(client, login, shop, url):
    login("supervisor")

    response = client.get(url + "&lang=en")

    assert response.status_code == 422
    assert "Unknown store" in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_channel_sync_list_groups_stores_by_platform_and_a_channel_shows_its_platform_refunds(client, login, shop,
                                                                                                 locale):
    stores, _pdd, _jd, _refund = shop
    login("supervisor")

    html, text = read(client, "/channels/", locale)
    sync_html, sync_text = read(client, f"/channels/{stores['pdd-tea'].id}/sync", locale)

    jd_heading, pdd_heading = ("JD.com", "Pinduoduo") if locale == "en" else ("京东", "拼多多")
    assert text.index(jd_heading) < text.index("杯子京东自营") < text.index(pdd_heading) < text.index("青瓷茶舍拼多多店")
    assert ("2 stores" if locale == "en" else "2 个店铺") in text
    assert 'id="platform-refunds"' in sync_html and "9120002" in sync_html
    assert ("Return expected" if locale == "en" else "等待退货") in sync_text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_wall_desk_splits_its_open_orders_by_platform_on_request(client, login, shop, locale):
    login("supervisor")

    plain, _ = read(client, "/wall/desk", locale)
    split, text = read(client, "/wall/desk?split=platform", locale)

    assert 'id="platform-split"' not in plain and "split=platform" in plain
    assert 'data-platform="jd"' in split and 'data-platform="pdd"' not in split   # its only order has shipped
    row = split[split.index('data-platform="jd"'):].split("</tr>")[0]
    assert "<b>1</b>" in row
