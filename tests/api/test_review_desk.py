"""The review desk over HTTP: queue, order page, actions, conflicts, escaping, roles."""
import pytest

from tests.builders import make_channel, make_order, make_sku
from tests.builders_review import allocations, make_held_order, reload  # noqa: F401
from wms.review import services


@pytest.fixture
def desk(db, login, allocations):
    make_sku()
    return login("reviewer")


XSS = "<script>alert(1)</script>"


def test_buyer_text_is_escaped_in_the_queue_and_the_order_page(client, desk):
    order = make_order(buyer_name=XSS, buyer_remark=XSS)
    services.review_orders([order.id])
    for url in ("/review/", f"/review/orders/{order.id}"):
        html = client.get(url).get_data(as_text=True)
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_queue_shows_held_orders_with_reason_chips_and_counts(client, desk):
    held = make_order(external_id="H-1", payment_status="pending")
    make_order(external_id="OK-1", buyer_phone="13900000001")
    make_held_order("FLOOR-1", reasons=(("shortage", "SKU x: expected 3, found 1 at A-03-02-1"),),
                    buyer_phone="13900000002")
    services.review_orders([held.id])
    html = client.get("/review/").get_data(as_text=True)
    assert "H-1" in html and "FLOOR-1" in html and "OK-1" not in html
    assert 'class="chip reason reason-payment"' in html
    assert 'class="chip reason reason-shortage"' in html
    assert "reason=payment" in html
    assert '<td class="num">1</td>' in html and "built-in method" not in html  # the items column
    row = next(r for r in client.get("/api/review/queue").get_json()["rows"] if r["external_id"] == "H-1")
    assert (row["item_count"], row["reasons"][0]["code"]) == (1, "payment")


def test_hold_reasons_are_told_in_the_reviewers_language(client, desk, db):
    held = make_order(external_id="ZH-1", payment_status="pending", address="123",
                      province="浙江省", city="杭州市", district="西湖区")
    services.review_orders([held.id])
    english = client.get(f"/review/orders/{held.id}").get_data(as_text=True)
    assert "payment not confirmed (awaiting payment)" in english and "street address is only a number" in english
    desk.locale = "zh_CN"
    db.session.commit()
    chinese = client.get(f"/review/orders/{held.id}").get_data(as_text=True)
    reasons = chinese[chinese.index('class="card hold-reasons"'):chinese.index("</ul>", chinese.index("hold-reasons"))]
    assert "付款未确认（待付款）" in reasons and "详细地址只有数字" in reasons
    assert "payment not confirmed" not in reasons
    row = next(r for r in client.get("/api/review/queue").get_json()["rows"] if r["external_id"] == "ZH-1")
    payment = next(r for r in row["reasons"] if r["code"] == "payment")
    assert (payment["detail"], payment["text"]) == ("payment not confirmed (awaiting payment)", "付款未确认（待付款）")


def timeline(html):
    start = html.index('class="timeline"')
    return html[start:html.index("</ol>", start)]


def test_the_timeline_tells_what_the_server_wrote_in_the_reviewers_language(client, desk, db):
    held = make_order(external_id="ZH-2", payment_status="pending")
    services.review_orders([held.id])   # the automatic review writes the hold
    english = timeline(client.get(f"/review/orders/{held.id}").get_data(as_text=True))
    assert "Unpaid: payment not confirmed (awaiting payment)" in english
    desk.locale = "zh_CN"
    db.session.commit()
    chinese = timeline(client.get(f"/review/orders/{held.id}").get_data(as_text=True))
    assert "未付款：付款未确认（待付款）" in chinese and "payment not confirmed" not in chinese
    [event] = client.get(f"/api/review/orders/{held.id}").get_json()["events"]
    assert event["reason"].startswith("Unpaid: payment not confirmed (awaiting payment)")
    assert event["text"].startswith("未付款：付款未确认（待付款）")


def test_the_timeline_shows_a_typed_reason_as_it_was_typed(client, desk, db):
    order = make_order(external_id="ZH-3")
    typed = "买家来电取消 {wave}"
    client.post(f"/review/orders/{order.id}/cancel", data={"expected_version": 1, "reason": typed})
    desk.locale = "zh_CN"
    db.session.commit()
    assert typed in timeline(client.get(f"/review/orders/{order.id}").get_data(as_text=True))
    [event] = client.get(f"/api/review/orders/{order.id}").get_json()["events"]
    assert (event["to"], event["reason"], event["text"]) == ("cancelled", typed, typed)


def test_an_unknown_hold_code_gets_the_generic_chip(client, desk):
    make_held_order("X-1", reasons=(("customs", "needs a customs form"),))
    html = client.get("/review/").get_data(as_text=True)
    assert 'reason-other' in html and "needs a customs form" in html


def test_the_queue_filters_by_reason_channel_and_text(client, desk):
    make_channel("web")
    other_store = make_channel("tmall")
    make_held_order("A-1", reasons=(("address", "bad"),))
    make_held_order("B-1", reasons=(("phone", "bad"),), buyer_phone="13900000009")
    make_held_order("C-1", reasons=(("phone", "bad"),), channel=other_store, buyer_name="王五")
    page = client.get("/api/review/queue?reason=phone").get_json()
    assert sorted(r["external_id"] for r in page["rows"]) == ["B-1", "C-1"]
    assert page["reason_counts"] == {"address": 1, "phone": 2}
    page = client.get(f"/api/review/queue?channel={other_store.id}").get_json()
    assert [r["external_id"] for r in page["rows"]] == ["C-1"]
    # the search box's keys (wms.search), each an index probe: the name's start, the phone whole or
    # its last four digits, the order number whole or its start
    for text, found in (("王五", ["C-1"]), ("13900000009", ["B-1"]), ("0009", ["B-1"]), ("A-", ["A-1"]),
                        ("C-1", ["C-1"])):
        page = client.get("/api/review/queue", query_string={"q": text}).get_json()
        assert [r["external_id"] for r in page["rows"]] == found, text
    # never a LIKE '%...%': the middle of a name or of a phone finds nothing
    for text in ("五", "0000000"):
        assert client.get("/api/review/queue", query_string={"q": text}).get_json()["rows"] == [], text


def test_the_queue_is_paged_in_sql(client, desk):
    for i in range(55):
        make_held_order(f"P-{i:02d}", buyer_phone=f"1390000{i:04d}")
    first = client.get("/api/review/queue").get_json()
    second = client.get("/api/review/queue?page=2").get_json()
    assert (first["total"], first["pages"], len(first["rows"]), len(second["rows"])) == (55, 2, 50, 5)


def test_approving_from_the_order_page_flashes_and_writes_the_timeline(client, desk):
    order = make_order()
    response = client.post(f"/review/orders/{order.id}/approve", data={"expected_version": 1}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Order approved" in html and reload(order).status == "approved"
    assert "reviewer1" in html


def test_a_stale_page_gets_a_flash_and_nothing_is_written(client, desk, make_user):
    order = make_order()
    services.approve_order(order.id, actor=make_user("supervisor", username="alice"), expected_version=1)
    response = client.post(f"/review/orders/{order.id}/edit",
                           data={"expected_version": 1, "buyer_name": "Mallory"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "This order was changed by alice at" in html and "reload to see the change" in html
    assert reload(order).buyer_name == "张三"


def test_a_stale_api_call_answers_409_with_the_clear_message(client, desk, make_user):
    order = make_order()
    services.approve_order(order.id, actor=make_user("supervisor", username="alice"), expected_version=1)
    response = client.post(f"/api/review/orders/{order.id}/hold", json={"expected_version": 1, "reason": "x"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "concurrent_update" and body["message"].startswith("This order was changed by alice at")
    assert reload(order).status == "approved"


def test_api_edit_then_release_approves_a_fixed_order(client, desk):
    order = make_held_order(province="", city="", district="", address="???")
    response = client.post(f"/api/review/orders/{order.id}/edit",
                           json={"expected_version": 2, "changes": {"address": "上海市浦东新区世纪大道1号"}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["district"] == "浦东新区"
    response = client.post(f"/api/review/orders/{order.id}/release", json={"expected_version": 3})
    assert response.get_json()["status"] == "approved"


def test_api_refuses_a_body_without_a_version(client, desk):
    order = make_order()
    response = client.post(f"/api/review/orders/{order.id}/approve", json={})
    assert response.status_code == 422 and reload(order).status == "imported"


def test_bulk_approve_over_the_api_answers_per_order(client, desk):
    a, b = make_order(external_id="A"), make_held_order("B", buyer_phone="13900000003")
    response = client.post("/api/review/bulk-approve", json={"order_ids": [a.id, b.id]})
    outcomes = [(r["external_id"], r["outcome"]) for r in response.get_json()["results"]]
    assert outcomes == [("A", "approved"), ("B", "skipped")]


def test_bulk_approve_from_the_queue_reports_skips(client, desk):
    a, b = make_order(external_id="A"), make_held_order("B", buyer_phone="13900000003")
    html = client.post("/review/bulk-approve", data={"order_ids": [a.id, b.id]}, follow_redirects=True).get_data(as_text=True)
    assert "Approved 1, skipped 1" in html and reload(a).status == "approved"


def test_split_and_merge_from_the_order_page(client, desk):
    order = make_order(external_id="S", lines=(("SKU-1", 3),))
    line_id = order.lines[0].id
    client.post(f"/review/orders/{order.id}/split", data={"expected_version": 1, f"qty_{line_id}": 1})
    detail = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    assert "S-S1" in detail  # offered as mergeable: same buyer and address
    part = client.get("/api/review/queue?state=imported&q=S-S1").get_json()["rows"][0]
    client.post(f"/review/orders/{order.id}/merge", data={"expected_version": 2, "other_ids": [part["id"]]})
    assert [l.qty for l in reload(order).lines] == [3]


def test_unmatched_lines_show_unmatched(client, desk):
    order = make_order(lines=(("GHOST", 1),))
    assert "Unmatched" in client.get(f"/review/orders/{order.id}").get_data(as_text=True)


def test_the_desk_is_in_chinese_for_a_chinese_user(client, db, make_user, allocations):
    make_user("reviewer", username="cn1", locale="zh_CN")
    client.post("/login", data={"username": "cn1", "password": "secret-pass"})
    html = client.get("/review/").get_data(as_text=True)
    assert "审单队列" in html and "批量审核通过" in html


def test_pickers_cannot_open_the_desk_and_reviewers_cannot_change_rules(client, db, login):
    login("picker")
    assert client.get("/review/").status_code == 403
    client.post("/logout")
    login("reviewer", username="rev2")
    assert client.post("/review/rules", data={}).status_code == 403


def test_supervisors_switch_and_reorder_rules(client, db, login):
    login("supervisor")
    assert client.get("/review/rules").status_code == 200
    client.post("/review/rules", data={"position_remark": "1", "params_remark": '{"preview_chars": 20}'})
    from wms.review.models import ReviewRule

    remark = db.session.query(ReviewRule).filter_by(code="remark").one()
    assert (remark.enabled, remark.position, remark.params) == (False, 1, {"preview_chars": 20})
    html = client.post("/review/rules", data={"position_amount": "2", "enabled_amount": "on", "params_amount": "{bad"},
                       follow_redirects=True).get_data(as_text=True)
    assert "not valid JSON" in html


def test_the_blacklist_page_adds_entries_and_escapes_them(client, desk):
    html = client.post("/review/blacklist", data={"kind": "buyer", "value": XSS, "note": "fraud"},
                       follow_redirects=True).get_data(as_text=True)
    assert XSS not in html and "&lt;script&gt;" in html
