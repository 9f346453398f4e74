"""The finance desk (财审) over HTTP, in both languages: the waiting orders with why, approve and reject
(one and many), refusals that change nothing, the JSON API with its version check, the rules page
and a store's switch on the admin's channel page; other roles kept out."""
import pytest

from tests.builders import make_channel
from tests.builders_finance import finance_channel, reload, waiting_order
from tests.screen_words import problems, visible_text
from wms.extensions import db
from wms.finance.models import FinanceRule
from wms.orders.models import Channel

LOCALES = ("en", "zh_CN")
DATA = {"Finance store", "FIN-STORE", "F1", "F2", "SKU-1", "Item SKU-1", "张三", "Finance1", "Admin1", "Supervisor1",
        "Reviewer1", "杭州市", "浙江省", "西湖区", "文三路", "CN", "号", "幢", "室"}


@pytest.fixture(autouse=True)
def no_allocation(monkeypatch):
    monkeypatch.setattr("wms.finance.services.enqueue", lambda *args, **kwargs: None)


def read(client, url, locale, status=200, method="get", data=None):
    send = client.post if method == "post" else client.get
    response = send(url + ("&" if "?" in url else "?") + f"lang={locale}", data=data, follow_redirects=False)
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    text = visible_text(response.get_data(as_text=True))
    if status != 302:
        assert problems(text, locale, DATA) == [], url
    return text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_desk_lists_a_waiting_order_with_why_it_waits(client, login, locale):
    order = waiting_order(invoice_requested=True)
    login("finance")
    text = read(client, "/finance/", locale)
    assert f'data-order="{order.external_id}"' in client.get("/finance/").get_data(as_text=True)
    assert ("Cash on delivery" if locale == "en" else "货到付款") in text
    assert ("Invoice requested" if locale == "en" else "需开发票") in text


@pytest.mark.parametrize("locale", LOCALES)
def test_approving_on_the_desk_moves_the_order_on_and_says_so(client, login, locale):
    order = waiting_order()
    login("finance")
    read(client, f"/finance/orders/{order.id}/approve", locale, status=302, method="post",
         data={"expected_version": order.version, "note": "ok"})
    assert reload(order).status == "approved"
    text = read(client, "/finance/", locale)
    assert ("approved: it goes on to allocation" if locale == "en" else "财审通过") in text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_rejection_without_a_reason_is_refused_in_the_readers_language(client, login, locale):
    order = waiting_order()
    login("finance")
    read(client, f"/finance/orders/{order.id}/reject", locale, status=302, method="post",
         data={"expected_version": order.version, "note": ""})
    assert reload(order).status == "finance_review"
    text = read(client, "/finance/", locale)
    assert ("Give a reason for the rejection" if locale == "en" else "请填写驳回原因") in text


def test_a_stale_form_loses_to_the_first_decision(client, login):
    order = waiting_order()
    seen = order.version
    login("finance")
    client.post(f"/finance/orders/{order.id}/reject", data={"expected_version": seen, "note": "no"})
    client.post(f"/finance/orders/{order.id}/approve", data={"expected_version": seen})
    order = reload(order)
    assert order.status == "on_hold" and order.hold_codes == ["finance"]
    assert "reload to see the change" in read(client, "/finance/", "en")


def test_bulk_rejects_the_ticked_orders_with_one_reason(client, login):
    channel = finance_channel()
    first, second = waiting_order(channel, "F1"), waiting_order(channel, "F2")
    login("finance")
    client.post("/finance/bulk", data={"order_ids": [first.id, second.id], "decision": "reject",
                                       f"version_{first.id}": first.version, f"version_{second.id}": second.version,
                                       "note": "limit reached"})
    assert [reload(o).status for o in (first, second)] == ["on_hold", "on_hold"]
    assert reload(first).hold_reasons[0]["detail"] == "finance rejected: limit reached"


def test_the_desk_filters_by_store(client, login):
    waiting_order(finance_channel("FIN-A", name="Store A"), "A-1")
    other = finance_channel("FIN-B", name="Store B")
    waiting_order(other, "B-1")
    login("finance")
    html = client.get(f"/finance/?channel={other.id}").get_data(as_text=True)
    assert "B-1" in html and "A-1" not in html
    assert client.get("/finance/?channel=x1").status_code == 200   # a typed filter that is no store: no filter


def test_a_reviewer_and_a_picker_may_not_open_the_finance_desk(client, login):
    order = waiting_order()
    login("reviewer")
    assert client.get("/finance/").status_code == 403
    assert client.post(f"/finance/orders/{order.id}/approve", data={"expected_version": order.version}) \
        .status_code == 403
    assert reload(order).status == "finance_review"


def test_the_api_lists_and_decides_with_a_version_check(client, login):
    order = waiting_order()
    login("finance")
    listed = client.get("/api/finance/orders").get_json()
    assert listed["total"] == 1 and listed["rows"][0]["reasons"][0]["code"] == "finance_cod"
    assert listed["rows"][0]["reasons"][0]["rule"] == "Cash on delivery"
    stale = client.post(f"/api/finance/orders/{order.id}/approve", json={"expected_version": order.version - 1},
                        headers={"Origin": "http://localhost"})
    assert stale.status_code == 409 and stale.get_json()["error"] == "concurrent_update"
    no_reason = client.post(f"/api/finance/orders/{order.id}/reject", json={"expected_version": order.version},
                            headers={"Origin": "http://localhost"})
    assert no_reason.status_code == 422 and reload(order).status == "finance_review"
    done = client.post(f"/api/finance/orders/{order.id}/approve", json={"expected_version": order.version},
                       headers={"Origin": "http://localhost"})
    assert done.status_code == 200 and done.get_json()["status"] == "approved"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_rules_page_saves_and_a_bad_threshold_changes_nothing(client, login, locale):
    login("finance")
    read(client, "/finance/rules", locale)
    text = read(client, "/finance/rules", locale, status=422, method="post",
                data={"enabled_amount": "on", "thresholds": "CNY lots", "max_percent": "50"})
    assert "CNY 5000, USD 800" in text   # the refusal's example, in either language
    assert db.session.query(FinanceRule).count() == 0
    read(client, "/finance/rules", locale, status=302, method="post",
         data={"enabled_amount": "on", "thresholds": "CNY 2000", "enabled_cod": "on", "max_percent": "40"})
    rules = {row.code: row for row in db.session.query(FinanceRule)}
    assert rules["amount"].params == {"thresholds": {"CNY": 200_000}} and rules["discount"].enabled is False


@pytest.mark.parametrize("locale", LOCALES)
def test_a_store_switches_finance_review_on_from_its_admin_page(client, login, locale):
    channel = make_channel("FIN-STORE", name="Finance store")
    login("admin")
    text = read(client, f"/admin/channels/{channel.id}", locale)
    assert ("Finance review for this store" if locale == "en" else "本店铺订单需要财审") in text
    read(client, f"/finance/channels/{channel.id}", locale, status=302, method="post", data={"finance_review": "on"})
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).finance_review is True


@pytest.mark.parametrize("locale", LOCALES)
def test_a_finance_user_sets_a_skus_cost_on_the_rules_page(client, login, locale):
    from tests.builders import make_sku
    from wms.catalog.models import Sku

    make_sku("SKU-1", barcodes=())
    login("finance")
    text = read(client, "/finance/costs", locale, status=422, method="post", data={"sku": "SKU-1", "cost": "abc"})
    assert ("such as 12.50" if locale == "en" else "例如 12.50") in text
    read(client, "/finance/costs", locale, status=302, method="post", data={"sku": "SKU-1", "cost": "8.80"})
    assert db.session.query(Sku).filter_by(code="SKU-1").one().cost_cents == 880
    assert "CNY 8.80" in read(client, "/finance/rules", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_review_desks_order_page_says_cash_on_delivery_and_invoice(client, login, locale):
    order = waiting_order(invoice_requested=True)
    login("reviewer")
    text = read(client, f"/review/orders/{order.id}", locale)
    assert ("Cash on delivery" if locale == "en" else "货到付款") in text
    assert ("Invoice requested" if locale == "en" else "需开发票") in text
    assert ("Finance review" if locale == "en" else "待财审") in text
