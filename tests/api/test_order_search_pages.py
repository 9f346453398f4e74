"""The search box's page, the parcel list and the returns search: any state, paged, access kept."""
from tests.builders import make_order
from tests.builders_admin import forget_current_user
from tests.builders_handover import make_parcel
from wms.orders import states
from wms.shipping.models import PARCEL_SHIPPED, PARCEL_VOIDED


def _get(client, url):
    forget_current_user()
    return client.get(url, headers={"Accept-Language": "en"})


def test_one_match_opens_the_order_and_several_are_listed(client, login):
    login("reviewer")
    shipped = make_order(external_id="TB-1", status=states.SHIPPED, buyer_name="欧阳明", lines=())
    make_order(external_id="TB-2", status=states.PICKING, buyer_name="欧阳华", lines=())
    response = _get(client, "/search/?q=tb-1")
    assert response.status_code == 302 and response.headers["Location"] == f"/review/orders/{shipped.id}"
    listed = _get(client, "/search/?q=欧阳")
    page = listed.get_data(as_text=True)
    assert listed.status_code == 200 and "TB-1" in page and "TB-2" in page and "2 orders found" in page


def test_the_state_filter_lists_even_a_single_match(client, login):
    login("supervisor")
    make_order(external_id="TB-1", status=states.DELIVERED, buyer_name="欧阳明", lines=())
    page = _get(client, "/search/?q=TB-1&state=delivered").get_data(as_text=True)
    assert "1 orders found" in page and "TB-1" in page
    assert "TB-1" not in _get(client, "/search/?q=TB-1&state=packed").get_data(as_text=True).split("orders found")[1]


def test_hostile_search_text_answers_with_the_page_not_an_error(client, login):
    login("reviewer")
    for text in ("%25", "'%20OR%201=1", "%00", "😀"):
        assert _get(client, f"/search/?q={text}").status_code == 200
    too_long = _get(client, "/search/?q=" + "x" * 101)
    assert too_long.status_code == 422
    assert "Search text is at most 100 characters" in too_long.get_data(as_text=True)
    assert _get(client, "/search/?q=abc&state=nope").status_code == 422


def test_the_search_page_speaks_chinese(client, make_user):
    from tests.builders_admin import log_in_as

    log_in_as(client, make_user(role="reviewer", username="li", locale="zh_CN"))
    forget_current_user()
    page = client.get("/search/?q=nobody").get_data(as_text=True)
    assert "找到 0 个订单" in page and "查找订单" in page


def test_roles_without_order_search_are_refused(client, login):
    for role in ("picker", "packer", "dock"):
        forget_current_user()
        client.post("/logout")
        login(role, username=f"{role}-s")
        assert _get(client, "/search/?q=TB-1").status_code == 403, role


def test_the_parcel_list_filters_by_any_state_and_pages(client, login):
    login("supervisor")
    orders = [make_order(external_id=f"P-{n}", status=states.SHIPPED, lines=()) for n in range(3)]
    make_parcel(orders[0], tracking="SF1", status=PARCEL_SHIPPED)
    make_parcel(orders[1], tracking="SF2", status=PARCEL_VOIDED)
    make_parcel(orders[2], tracking="SF3")
    shipped = _get(client, "/shipping/parcels?status=shipped").get_data(as_text=True)
    assert "SF1" in shipped and "SF2" not in shipped and "SF3" not in shipped
    assert "SF2" in _get(client, "/shipping/parcels?status=voided").get_data(as_text=True)
    by_order = _get(client, "/shipping/parcels?q=p-2").get_data(as_text=True)
    assert "SF3" in by_order and "SF1" not in by_order
    assert _get(client, "/shipping/parcels?status=lost").status_code == 422
    assert _get(client, "/shipping/parcels?q=" + "'%25" * 40).status_code == 200


def test_the_parcel_list_pages(app):
    from wms.shipping import parcel_list

    orders = [make_order(external_id=f"Q-{n}", lines=()) for n in range(5)]
    for n, order in enumerate(orders):
        make_parcel(order, tracking=f"YT{n}")
    pages = [parcel_list.parcel_page(page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [len(p.parcels) for p in pages] == [2, 2, 1, 1] and pages[3].page == 3
    assert {p.total for p in pages} == {5} and {p.pages for p in pages} == {3}


def test_the_returns_search_finds_orders_in_any_state_and_offers_the_form_only_when_shipped(client, login):
    login("reviewer")
    shipped = make_order(external_id="R-1", status=states.SHIPPED, buyer_name="欧阳明", lines=())
    picking = make_order(external_id="R-2", status=states.PICKING, buyer_name="欧阳华", lines=())
    page = _get(client, "/aftersales/returns?order=欧阳").get_data(as_text=True)
    assert f"/aftersales/returns/{shipped.id}" in page
    assert "R-2" in page and f"/aftersales/returns/{picking.id}" not in page
    assert "not shipped: no return to receive" in page
    assert _get(client, "/aftersales/returns?order=" + "x" * 101).status_code == 422
