"""The Buyer notices page: a supervisor ticks which events reach each store's buyers and how; the newest notices
are listed masked; in both languages; other roles are turned away."""
from sqlalchemy import select

from tests.builders import make_channel, make_order
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.orders.models import Channel
from wms.tracking.models import BuyerNotice


def _csrf(page):
    import re

    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()


def test_a_supervisor_chooses_a_stores_notices_and_they_are_kept(client, login):
    login("supervisor")
    store = make_channel(code="tm-main", platform="taobao", notifies_buyers=True)
    page = client.get("/tracking/notices")
    assert page.status_code == 200 and b'data-store="tm-main"' in page.data
    assert b'name="shipped.email" value="1" checked' not in page.data  # its platform tells its buyers itself
    saved = client.post(f"/tracking/notices/{store.id}", data={"csrf_token": _csrf(page), "shortage.sms": "1",
                                                               "shipped.sms": "1", "nonsense.fax": "1"})
    assert saved.status_code == 302
    db.session.expire_all()
    choices = db.session.get(Channel, store.id).settings["buyer_notices"]
    assert choices["shortage"] == ["sms"] and choices["shipped"] == ["sms"] and "nonsense" not in choices
    again = client.get("/tracking/notices")
    assert b'name="shortage.sms" value="1" checked' in again.data


def test_an_unknown_store_is_a_clear_refusal_and_changes_nothing(client, login):
    login("supervisor")
    make_channel(code="web")
    page = client.get("/tracking/notices")
    response = client.post("/tracking/notices/999999", data={"csrf_token": _csrf(page), "shipped.sms": "1"},
                           follow_redirects=True)
    assert "No such channel" in response.get_data(as_text=True)
    assert all("buyer_notices" not in (c.settings or {}) for c in db.session.scalars(select(Channel)))


def test_the_newest_notices_show_masked_phones_in_both_languages(client, login, make_user):
    order = make_order(channel=make_channel(code="web"), external_id="N-77")
    db.session.add(BuyerNotice(order_id=order.id, kind="shipped", medium="sms", to_address="13800138000",
                               status="sent", text="张*，您好： 您的订单 N-77 已发货。"))
    db.session.add(BuyerNotice(order_id=order.id, kind="shortage", medium="email", to_address="b@example.com",
                               status="failed", last_error="permanent: 550 no such user"))
    db.session.commit()
    for locale, word in (("en", "Text message"), ("zh_CN", "短信")):
        user = make_user(role="supervisor", username=f"sup{locale[:2]}", locale=locale)
        client.post("/login", data={"username": user.username, "password": "secret-pass"})
        page = client.get("/tracking/notices")
        text = visible_text(page.get_data(as_text=True))
        assert "138****8000" in text and "13800138000" not in text and word in text
        assert problems(text, locale, data=["张*，您好： 您的订单 N-77 已发货。", "permanent: 550 no such user",
                                            "b@example.com", "N-77", "Web", "web", user.username, user.display_name]) == []  # what providers, buyers, stores wrote
        client.post("/logout")


def test_only_supervisors_open_it(client, login):
    login("reviewer")
    assert client.get("/tracking/notices").status_code == 403
