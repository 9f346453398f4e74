"""After-sales case pages: the desk filters, the opening form keeps its input on a refusal, one case's
actions, the return form found by the case; every page in both languages without codes."""
import pytest
from sqlalchemy import func, select

from tests.builders_handover import make_carrier, shipped_orders
from tests.screen_words import problems, visible_text
from wms.aftersales import case_states as cs
from wms.aftersales import case_settings, cases
from wms.aftersales.case_models import AfterSalesCase
from wms.extensions import db
from wms.orders.models import Order


@pytest.fixture
def shipped(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    return db.session.get(Order, orders[0].id)


def test_a_reviewer_opens_a_return_and_refund_case_from_the_form(client, login, shipped):
    login("reviewer")
    line = shipped.lines[0]
    page = client.get(f"/aftersales/cases/new?order={shipped.external_id}")
    assert page.status_code == 200 and line.sku_code in page.get_data(as_text=True)
    response = client.post("/aftersales/cases/new", data={
        "order_id": shipped.id, "kind": "return_refund", "line": [line.id], f"qty_{line.id}": "1",
        "reason": "不合适 <b>x</b>", "return_carrier": "SF", "return_tracking_number": "sf123", "refund": "12.50"})
    assert response.status_code == 302
    case = db.session.scalar(select(AfterSalesCase))
    assert (case.state, case.refund_cents, case.return_tracking_number) == (cs.WAITING_RETURN, 1250, "SF123")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    listing = client.get("/aftersales/returns?order=SF123").get_data(as_text=True)
    assert f"case={case.id}" in listing


def test_a_refused_case_form_comes_back_as_typed_and_opens_nothing(client, login, shipped):
    login("reviewer")
    line = shipped.lines[0]
    response = client.post("/aftersales/cases/new", data={
        "order_id": shipped.id, "kind": "exchange", "line": [line.id], f"qty_{line.id}": "99", "reason": "kept"})
    assert response.status_code == 422
    assert 'value="kept"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AfterSalesCase.id))) == 0


def test_the_refund_is_marked_done_from_the_case_page(client, login, shipped):
    case = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="late", refund_cents=500)
    login("reviewer")
    response = client.post(f"/aftersales/cases/{case.id}/refund_done", data={"reference": "alipay 1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AfterSalesCase, case.id).state == cs.REFUNDED
    assert client.post(f"/aftersales/cases/{case.id}/nonsense").status_code == 404


def test_a_packer_may_not_open_the_desk(client, login, shipped):
    login("packer")
    assert client.get("/aftersales/cases").status_code == 403


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_case_pages_speak_the_readers_language(client, login, shipped, locale):
    exchange = cases.open_case(shipped.id, cs.EXCHANGE, reason="size", lines=[
        {"order_line_id": shipped.lines[0].id, "qty": 1}], return_tracking_number="YT1")
    refund = cases.open_case(shipped.id, cs.RETURN_REFUND, reason="broken", refund_cents=300, lines=[
        {"order_line_id": shipped.lines[1].id, "qty": 1}])
    user = login("supervisor")
    data = {*(value for value in vars(user).values() if isinstance(value, str)), shipped.external_id,
            exchange.replacement_order.external_id, "size", "broken", "YT1", shipped.buyer_name, shipped.channel.name,
            shipped.province, shipped.city, shipped.district, shipped.address,
            *(line.sku_code for line in shipped.lines), *(line.name for line in shipped.lines)}
    found = {}
    for url in ("/aftersales/cases", f"/aftersales/cases/{exchange.id}", f"/aftersales/cases/{refund.id}",
                f"/aftersales/cases/new?order={shipped.external_id}", "/aftersales/returns?order=YT1",
                f"/aftersales/returns/{shipped.id}?case={refund.id}"):
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
        assert response.status_code == 200, url
        text = visible_text(response.get_data(as_text=True))
        if problems(text, locale, data):
            found[url] = problems(text, locale, data)
    assert found == {}


def test_the_order_page_links_its_cases_and_the_replacement_names_its_case(client, login, shipped):
    case = cases.open_case(shipped.id, cs.RESHIP, reason="missing", lines=[
        {"order_line_id": shipped.lines[0].id, "qty": 1}])
    login("reviewer")
    html = client.get(f"/review/orders/{shipped.id}").get_data(as_text=True)
    assert f"/aftersales/cases?q={shipped.external_id}" in html and f"/aftersales/cases/new?order={shipped.id}" in html
    replacement = client.get(f"/review/orders/{case.replacement_order_id}").get_data(as_text=True)
    assert f"after-sales case {case.id}" in replacement


def test_a_held_replacement_shows_why_it_waits_in_both_languages(client, login, shipped):
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="size", waits_for_return=True, lines=[
        {"order_line_id": shipped.lines[0].id, "qty": 1}])
    login("reviewer")
    english = client.get(f"/review/orders/{case.replacement_order_id}?lang=en").get_data(as_text=True)
    chinese = client.get(f"/review/orders/{case.replacement_order_id}?lang=zh_CN").get_data(as_text=True)
    assert "Awaiting the return" in english and "等待退货" in chinese


def test_a_supervisor_sets_whether_a_stores_exchanges_wait_and_a_reviewer_may_not(client, login, shipped):
    login("reviewer")
    assert "exchange-settings" not in client.get("/aftersales/cases").get_data(as_text=True)
    assert client.post("/aftersales/cases/store-settings", data={"store": [shipped.channel_id]}).status_code == 403
    assert case_settings.store_waits(shipped.channel_id) is True
    login("supervisor")
    assert "exchange-settings" in client.get("/aftersales/cases").get_data(as_text=True)
    response = client.post("/aftersales/cases/store-settings", data={"store": [shipped.channel_id]})
    assert response.status_code == 302
    db.session.expire_all()
    assert case_settings.store_waits(shipped.channel_id) is False
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="size", lines=[
        {"order_line_id": shipped.lines[0].id, "qty": 1}])
    assert not case.waits_for_return
