"""The gift rules pages and the desk's gift lines, in both languages: a supervisor creates, edits and
switches off a rule (a bad form refused with each wrong input marked, nothing saved), the list says
when a rule ran out, the order page shows the gift line and a reviewer removes it; reviewers may not
change rules."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_order, make_sku
from tests.builders_gifts import gift_lines, gift_sku, make_gift_rule
from tests.builders_review import allocations, reload  # noqa: F401
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.review import services
from wms.review.gift_models import GiftRule

LOCALES = ("en", "zh_CN")
DATA = {"Web", "web", "GIFT-CUP", "GIFT-MUG", "SKU-1", "TEA-*", "G-1", "G-2", "张三", "杭州市", "浙江省", "西湖区",
        "文三路", "CN", "号", "幢", "室", "Admin1", "Reviewer1", "Supervisor1", "Free cup", "Tea cup", "赠品杯",
        "Item SKU-1", "Item GIFT-MUG", "生日", "supervisor1", "reviewer1", "NO-SUCH", "nowhere"}


def read(client, url, locale, status=200, method="get", data=None):
    send = client.post if method == "post" else client.get
    response = send(url + ("&" if "?" in url else "?") + f"lang={locale}", data=data)
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:2000])
    html = response.get_data(as_text=True)
    text = visible_text(html)
    if status != 302:
        assert problems(text, locale, DATA) == [], url
    return html, text


@pytest.fixture
def store(app):
    make_sku()
    gift_sku()
    gift_sku("GIFT-MUG", name="Item GIFT-MUG")
    return make_channel("web", name="Web")


FORM = {"name": "Tea cup", "bought_skus": "TEA-*, SKU-1", "min_amount": "50.00", "paid_from": "2026-11-01T00:00",
        "paid_until": "2026-11-12T00:00", "remark_words": "生日", "first_orders": "", "gift_kind": "fixed",
        "gift_skus": "GIFT-CUP", "gift_qty": "1", "per_order_max": "2", "total_max": "100"}


@pytest.mark.parametrize("locale", LOCALES)
def test_a_supervisor_creates_a_rule_and_the_list_shows_it(client, login, store, locale):
    login("supervisor")
    read(client, "/review/gifts", locale)
    read(client, "/review/gifts/new", locale)
    read(client, "/review/gifts/new", locale, status=302, method="post", data={**FORM, "channels": [str(store.id)]})
    rule = db.session.scalars(select(GiftRule)).one()
    assert (rule.name, rule.channel_ids, rule.bought_skus, rule.min_amount_cents, rule.remark_words) == (
        "Tea cup", [store.id], ["TEA-*", "SKU-1"], 5000, ["生日"])
    assert rule.paid_from.isoformat() == "2026-10-31T16:00:00"   # typed in Shanghai time, kept in UTC
    html, text = read(client, "/review/gifts", locale)
    assert "Tea cup" in text and ("Active" if locale == "en" else "启用") in text
    html, _text = read(client, f"/review/gifts/{rule.id}", locale)
    assert 'value="2026-11-01T00:00"' in html and 'value="GIFT-CUP"' in html


@pytest.mark.parametrize("locale", LOCALES)
def test_a_bad_rule_is_refused_with_each_wrong_input_marked_and_nothing_saved(client, login, store, locale):
    login("supervisor")
    bad = {**FORM, "name": "", "min_amount": "12.345", "gift_skus": "NO-SUCH", "per_order_max": "0",
           "paid_until": "2026-10-01T00:00"}
    html, text = read(client, "/review/gifts/new", locale, status=422, method="post", data=bad)
    assert db.session.scalar(select(func.count()).select_from(GiftRule)) == 0
    for name in ("name", "min-amount", "gift-skus", "per-order-max", "paid-until"):
        assert f'id="f-{name}" name=' in html.replace('aria-invalid="true" ', "") or f'f-{name}-error' in html, name
    assert html.count('class="field-error"') == 5
    assert ("No active SKU NO-SUCH" if locale == "en" else "没有启用的商品 NO-SUCH") in text
    assert 'value="TEA-*, SKU-1"' in html   # what was typed comes back


@pytest.mark.parametrize("locale", LOCALES)
def test_a_rule_that_ran_out_says_so_and_can_be_switched_off(client, login, store, locale, allocations):
    rule = make_gift_rule(total_max=1)
    orders = [make_order(external_id=f"G-{n}") for n in (1, 2)]
    services.review_orders([o.id for o in orders])
    login("supervisor")
    _html, text = read(client, "/review/gifts", locale)
    assert ("Ran out" if locale == "en" else "已送完") in text
    assert ("its total of 1 gift units is given" if locale == "en" else "总量 1 件已送完") in text
    read(client, f"/review/gifts/{rule.id}/active", locale, status=302, method="post", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(GiftRule, rule.id).active is False
    _html, text = read(client, f"/review/orders/{orders[1].id}", locale)
    assert ("not added" if locale == "en" else "未添加规则") in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_order_page_shows_the_gift_line_and_a_reviewer_removes_it(client, login, store, locale, allocations):
    make_gift_rule()
    order = make_order(external_id="G-1", district="", address="nowhere")
    services.review_orders([order.id])
    order = reload(order)
    line = next(line for line in order.lines if line.is_gift)
    login("reviewer")
    html, text = read(client, f"/review/orders/{order.id}", locale)
    assert f'data-gift-line="{line.id}"' in html
    assert ("Free gift" if locale == "en" else "赠品") in text
    read(client, f"/review/orders/{order.id}/gifts/{line.id}/remove", locale, status=302, method="post",
         data={"expected_version": order.version})
    assert gift_lines(reload(order)) == []
    _html, text = read(client, f"/review/orders/{order.id}", locale)
    assert ("gift removed: 1 x GIFT-CUP" if locale == "en" else "已移除赠品：1 x GIFT-CUP") in text


def test_a_stale_removal_changes_nothing(client, login, store, allocations):
    make_gift_rule()
    order = make_order(external_id="G-1", district="", address="nowhere")
    services.review_orders([order.id])
    order = reload(order)
    line = next(line for line in order.lines if line.is_gift)
    login("reviewer")
    client.post(f"/review/orders/{order.id}/gifts/{line.id}/remove", data={"expected_version": order.version - 1})
    assert len(gift_lines(reload(order))) == 1


def test_a_reviewer_may_not_change_gift_rules(client, login, store):
    rule = make_gift_rule()
    login("reviewer")
    assert client.get("/review/gifts").status_code == 403
    assert client.post(f"/review/gifts/{rule.id}/active", data={"active": "0"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(GiftRule, rule.id).active is True
