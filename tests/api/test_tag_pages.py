"""The tag rules page and the desk's tag filter over HTTP, in both languages: a supervisor creates,
edits, switches off, reorders rules and applies them to open orders; a refused form comes back as
typed; the desk filters by tag and shows tags as chips (escaped: words a person typed)."""
import pytest

from tests.builders import make_channel, make_order, make_sku
from tests.builders_tags import make_tag_rule
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.orders.models import Order
from wms.review.tag_models import TagRule

RULE = {"name": "VIP 南方", "regions": "广东", "tags": "VIP, 南方", "priority": "5", "currency": "",
        "min_amount": "", "max_amount": "", "skus": "", "words": ""}


def _as(login, locale):
    user = login("supervisor")
    user.locale = locale
    db.session.commit()
    return user


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_rules_page_reads_in_the_readers_language(client, login, locale):
    make_channel("tmall", platform="taobao", name="天猫旗舰店")
    make_tag_rule("大客户", regions="广东, 深圳", tags="VIP, 大 客户", priority="3", min_amount="500", currency="CNY",
                  words="加急", skus="TEA-1")
    user = _as(login, locale)
    html = client.get("/review/tags").get_data(as_text=True)
    data = {"大客户", "广东, 深圳", "VIP", "大 客户", "加急", "TEA-1", "天猫旗舰店", "CNY", user.username,
            user.display_name}
    assert problems(visible_text(html), locale, data) == []
    rule = db.session.query(TagRule).one()
    edit = client.get(f"/review/tags/{rule.id}").get_data(as_text=True)
    assert problems(visible_text(edit), locale, data | {"500.00"}) == []
    assert 'value="500.00"' in edit and "VIP, 大 客户" in edit


def test_a_supervisor_creates_edits_switches_off_and_reorders_rules(client, login):
    _as(login, "en")
    assert client.post("/review/tags", data=RULE).status_code == 302
    assert client.post("/review/tags", data={**RULE, "name": "second", "tags": "B"}).status_code == 302
    first, second = db.session.query(TagRule).order_by(TagRule.position).all()
    assert (first.name, first.tags, first.priority) == ("VIP 南方", ["VIP", "南方"], 5)
    response = client.post(f"/review/tags/{first.id}", data={**RULE, "tags": "VIP", "expected_version": first.version})
    assert response.status_code == 302
    db.session.expire_all()
    seen = db.session.get(TagRule, first.id).version
    client.post(f"/review/tags/{first.id}/enabled", data={"enabled": "0", "expected_version": seen})
    client.post(f"/review/tags/{second.id}/move", data={"direction": "-1"})
    db.session.expire_all()
    assert [r.name for r in db.session.query(TagRule).order_by(TagRule.position)] == ["second", "VIP 南方"]
    assert db.session.get(TagRule, first.id).tags == ["VIP"] and not db.session.get(TagRule, first.id).enabled


def test_a_refused_rule_comes_back_as_typed_with_the_wrong_input_marked(client, login):
    _as(login, "zh_CN")
    response = client.post("/review/tags", data={**RULE, "priority": "很高"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and db.session.query(TagRule).count() == 0
    assert 'value="很高"' in html and 'aria-invalid="true"' in html and "请输入 -100 到 1000 之间的整数" in html


def test_a_stale_edit_is_refused_and_the_rule_unchanged(client, login):
    _as(login, "en")
    rule = make_tag_rule()
    seen = rule.version
    client.post(f"/review/tags/{rule.id}", data={**RULE, "name": "now", "expected_version": seen})
    response = client.post(f"/review/tags/{rule.id}", data={**RULE, "name": "late", "expected_version": seen})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(TagRule, rule.id).name == "now"


def test_apply_now_tags_the_open_orders(client, login):
    _as(login, "en")
    make_sku()
    make_tag_rule(tags="VIP")
    order = make_order(province="广东省", status="allocated")
    response = client.post("/review/tags/apply", follow_redirects=True)
    assert "applied to 1 open orders" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).tags == ["VIP"]


def test_other_roles_may_not_change_tag_rules(client, login):
    login("reviewer")
    assert client.post("/review/tags", data=RULE).status_code == 403
    assert db.session.query(TagRule).count() == 0


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_desk_filters_by_tag_and_shows_tags_as_escaped_chips(client, login, locale):
    make_sku()
    tagged = make_order(external_id="T1", status="on_hold", tags=["<b>VIP</b>", "加急"])
    make_order(external_id="T2", status="on_hold", tags=["复购"], buyer_phone="13800138002")
    user = _as(login, locale)
    html = client.get("/review/?state=on_hold&tag=%3Cb%3Evip%3C/b%3E").get_data(as_text=True)
    assert "T1" in html and "T2" not in html
    assert "&lt;b&gt;VIP&lt;/b&gt;" in html and "<b>VIP</b>" not in html
    assert problems(visible_text(html), locale, {"<b>VIP</b>", "加急", "T1", "张三", "杭州市", "Web",
                                                        user.username, user.display_name}) == []
    api = client.get("/api/review/queue?state=on_hold&tag=加急").get_json()
    assert [row["external_id"] for row in api["rows"]] == ["T1"] and api["rows"][0]["tags"] == ["<b>VIP</b>", "加急"]
    assert tagged.id


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_an_orders_page_shows_its_tags_and_priority(client, login, locale):
    make_sku()
    order = make_order(external_id="T9", status="approved", tags=["<i>大客户</i>"], priority=4)
    user = _as(login, locale)
    html = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    assert "&lt;i&gt;大客户&lt;/i&gt;" in html and "<i>大客户</i>" not in html
    tags = html.split('id="order-tags"')[1].split("</dd>")[0]
    assert "4" in tags and "tag=%3Ci%3E" in tags
    assert user.id


def test_the_search_list_shows_each_orders_tags_linking_to_the_desk(client, login):
    make_sku()
    make_order(external_id="SR-1", status="shipped", buyer_name="欧阳明", tags=["<b>礼品</b>"])
    make_order(external_id="SR-2", status="picking", buyer_name="欧阳华", buyer_phone="13800138009")
    _as(login, "en")
    html = client.get("/search/?q=欧阳").get_data(as_text=True)
    assert "&lt;b&gt;礼品&lt;/b&gt;" in html and "<b>礼品</b>" not in html
    assert "/review/?state=shipped&amp;tag=%3Cb%3E" in html
