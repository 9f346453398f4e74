"""The channel pages draw each platform's settings as fields; a refused post keeps what was typed."""
import html

from wms.extensions import db
from wms.orders.models import Channel


def _taobao(**changes):
    posted = {"code": "tb", "name": "淘宝店", "platform": "taobao", "active": "on",
              "s.taobao.gateway_url": "http://127.0.0.1:9100/router/rest", "s.taobao.app_key": "12345",
              "s.taobao.app_secret": "tb-s3cr3t", "s.taobao.session": "sess-s3cr3t",
              "s.taobao.push_max_age_seconds": "300", "settings": '{"shop": "main"}'}
    posted.update(changes)
    return {key: value for key, value in posted.items() if value is not None}


def test_a_taobao_channel_is_created_from_its_fields(client, login):
    login("admin")
    assert client.post("/admin/channels", data=_taobao()).status_code == 302
    channel = db.session.query(Channel).filter_by(code="tb").one()
    assert channel.settings == {"gateway_url": "http://127.0.0.1:9100/router/rest", "app_key": "12345",
                                "app_secret": "tb-s3cr3t", "session": "sess-s3cr3t",
                                "push_max_age_seconds": 300, "shop": "main"}


def test_a_refused_channel_keeps_the_input_marks_the_fields_and_creates_nothing(client, login):
    login("admin")
    response = client.post("/admin/channels", data=_taobao(**{"s.taobao.app_key": "", "s.taobao.page_size": "500",
                                                               "name": "我的淘宝店"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="我的淘宝店"' in page and 'value="http://127.0.0.1:9100/router/rest"' in page
    assert 'id="f-s-taobao-app-key" name="s.taobao.app_key" aria-invalid="true"' in page
    assert 'id="f-s-taobao-page-size" name="s.taobao.page_size" aria-invalid="true"' in page
    assert "Enter a whole number from 1 to 100" in page
    assert db.session.query(Channel).count() == 0


def test_the_edit_page_never_shows_a_secret_and_keeps_it_when_left_empty(client, login):
    login("admin")
    client.post("/admin/channels", data=_taobao())
    channel = db.session.query(Channel).filter_by(code="tb").one()
    page = client.get(f"/admin/channels/{channel.id}").get_data(as_text=True)
    assert "tb-s3cr3t" not in page and "sess-s3cr3t" not in page and "Saved; leave empty to keep" in page
    assert 'value="12345"' in page and '"shop": "main"' in html.unescape(page)
    edit = _taobao(code=None, **{"s.taobao.app_secret": "", "s.taobao.session": "", "s.taobao.app_key": "999"})
    assert client.post(f"/admin/channels/{channel.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert channel.settings["app_key"] == "999" and channel.settings["app_secret"] == "tb-s3cr3t"


def test_a_refused_edit_changes_nothing_and_answers_in_the_readers_language(client, login):
    admin = login("admin")
    client.post("/admin/channels", data=_taobao())
    channel = db.session.query(Channel).filter_by(code="tb").one()
    admin.locale = "zh_CN"
    db.session.commit()
    response = client.post(f"/admin/channels/{channel.id}",
                           data=_taobao(code=None, name="改名", **{"s.taobao.gateway_url": "not-a-url"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="改名"' in page and 'value="not-a-url"' in page
    assert "请输入以 http:// 或 https:// 开头的地址" in page and "Enter an address" not in page
    db.session.expire_all()
    assert channel.name == "淘宝店" and channel.settings["gateway_url"].startswith("http://127.0.0.1")


def test_a_platform_without_an_adapter_keeps_its_settings_as_json(client, login):
    login("admin")
    response = client.post("/admin/channels", data={"code": "shop2", "name": "线下店", "platform": "manual",
                                                    "settings": '{"shop_id": "88"}', "active": "on"})
    assert response.status_code == 302
    assert db.session.query(Channel).filter_by(code="shop2").one().settings == {"shop_id": "88"}
