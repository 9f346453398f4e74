"""The desk shows flags (not holding) with a one-click merge for twins; supervisors choose flag, hold
or merge; the rules page names currencies the amount rule cannot check. In English and Chinese."""
import pytest

from tests.builders import make_order, make_sku
from tests.builders_review import allocations, reload  # noqa: F401  (fixture)
from wms.review import services


@pytest.fixture
def desk(db, login, allocations):
    make_sku()
    return login("reviewer")


def twins():
    first, second = make_order(external_id="D1"), make_order(external_id="D2", address="文三路 90号 1幢101室")
    services.review_orders([first.id, second.id])
    return reload(first), reload(second)


def test_the_flagged_view_shows_twins_with_a_merge_button_and_counts(client, desk):
    first, second = twins()
    make_order(external_id="LONE", buyer_phone="13900000009")
    html = client.get("/review/?state=flagged").get_data(as_text=True)
    assert "D1" in html and "D2" in html and "LONE" not in html
    assert 'class="chip flag reason-duplicate"' in html
    assert f'formaction="/review/orders/{second.id}/merge-twins"' in html
    assert 'id="flag-counts"' in html and "state=flagged&amp;reason=duplicate" in html
    assert "<b>2</b>" in html[html.index('id="flag-counts"'):]


def test_the_held_queue_counts_flags_apart_from_hold_reasons(client, desk):
    twins()
    html = client.get("/review/").get_data(as_text=True)
    assert "D1" not in html.split('id="queue-table"')[1]   # approved, not held
    counts = html[html.index('id="reason-counts"'):html.index('id="flag-counts"')]
    assert "reason=duplicate" not in counts


def test_one_click_on_the_queue_merges_the_twins_into_the_oldest(client, desk):
    first, second = twins()
    html = client.post(f"/review/orders/{second.id}/merge-twins",
                       data={"expected_version": second.version, "next": "/review/?state=flagged"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Merged D2 into D1" in html
    first, second = reload(first), reload(second)
    assert (second.status, second.merged_into_id, first.item_count, first.flags) == ("cancelled", first.id, 2, [])


def test_a_stale_merge_click_is_refused_with_a_message_and_merges_nothing(client, desk):
    first, second = twins()
    html = client.post(f"/review/orders/{second.id}/merge-twins", data={"expected_version": 99},
                       follow_redirects=True).get_data(as_text=True)
    assert "reload to see the change" in html
    assert reload(second).status == "approved" and reload(first).item_count == 1


def test_the_merge_click_goes_back_only_to_a_desk_page(client, desk):
    first, second = twins()
    response = client.post(f"/review/orders/{second.id}/merge-twins",
                           data={"expected_version": second.version, "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/review/")


def test_a_chinese_reader_sees_the_flags_and_the_merge_in_chinese(client, desk, db):
    first, second = twins()
    desk.locale = "zh_CN"
    db.session.commit()
    html = client.get("/review/?state=flagged").get_data(as_text=True)
    assert "已标记（未挂起）" in html and ">合并</button>" in html and "重复/可合并" in html
    page = client.get(f"/review/orders/{first.id}").get_data(as_text=True)
    assert "标记（不挂起订单）" in page
    row = next(r for r in client.get("/api/review/queue?state=flagged").get_json()["rows"] if r["id"] == first.id)
    assert row["flags"][0]["code"] == "duplicate" and row["flags"][0]["text"] != row["flags"][0]["detail"]
    html = client.post(f"/review/orders/{second.id}/merge-twins", data={"expected_version": second.version},
                       follow_redirects=True).get_data(as_text=True)
    assert "已将 D2 合并到 D1" in html


def test_the_order_page_lists_a_bad_phone_as_a_flag(client, desk):
    order = make_order(buyer_phone="12345")
    services.review_orders([order.id])
    html = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    flags = html[html.index("order-flags"):]
    assert "'12345' is not a valid CN phone number" in flags.replace("&#39;", "'")
    assert 'class="card hold-reasons"' not in html   # nothing holds it


def test_supervisors_choose_flag_hold_or_merge_on_the_rules_page(client, db, login):
    login("supervisor")
    html = client.get("/review/rules").get_data(as_text=True)
    assert 'name="choice_duplicate"' in html and 'name="choice_phone"' in html
    assert '<option value="offer" selected>' in html
    client.post("/review/rules", data={"position_duplicate": "6", "enabled_duplicate": "on",
                                       "params_duplicate": '{"action": "offer"}', "choice_duplicate": "merge",
                                       "position_phone": "3", "enabled_phone": "on", "params_phone": "{}",
                                       "choice_phone": "hold"})
    from wms.review.models import ReviewRule

    assert db.session.query(ReviewRule).filter_by(code="duplicate").one().params == {"action": "merge"}
    assert db.session.query(ReviewRule).filter_by(code="phone").one().params == {"invalid": "hold"}
    html = client.post("/review/rules", data={"position_duplicate": "6", "params_duplicate": "{}",
                                              "choice_duplicate": "shred"}, follow_redirects=True).get_data(as_text=True)
    assert "action must be one of offer, hold, merge" in html
    db.session.expire_all()
    assert db.session.query(ReviewRule).filter_by(code="duplicate").one().params == {"action": "merge"}


def test_the_rules_page_names_currencies_without_an_amount_threshold(client, db, login):
    make_order(external_id="J1", currency="JPY", total_cents=622_500)
    make_order(external_id="C1", currency="CNY")
    login("supervisor")
    html = client.get("/review/rules").get_data(as_text=True)
    notice = html[html.index('id="unchecked-currencies"'):]
    assert "Orders in JPY are not checked by the amount rule" in notice and "CNY" not in notice[:200]


def test_a_chinese_supervisor_reads_the_choices_and_the_currency_notice_in_chinese(client, db, login):
    make_order(external_id="J1", currency="JPY", total_cents=622_500)
    supervisor = login("supervisor")
    supervisor.locale = "zh_CN"
    db.session.commit()
    html = client.get("/review/rules").get_data(as_text=True)
    assert "提示合并（标记并显示合并按钮）" in html and "自动合并" in html and "仅标记，不挂起" in html
    assert "JPY 币种的订单不受金额规则检查" in html
