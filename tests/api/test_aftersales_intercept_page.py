"""A reviewer intercepts an order from its page: one past the desk (allocated) and not yet shipped, which the
desk's cancel no longer reaches, is cancelled and its stock given back; a refused intercept changes nothing."""
from sqlalchemy import func, select

from tests.builders import make_order
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.aftersales.models import Intercept
from wms.extensions import db
from wms.inventory.models import Reservation, StockItem
from wms.orders import states
from wms.orders.models import Order


def reserved():
    return db.session.scalar(select(func.coalesce(func.sum(StockItem.reserved), 0)))


def test_a_reviewer_intercepts_an_allocated_order_from_its_page_and_its_stock_is_given_back(client, login, app):
    stocked_warehouse(n_skus=1)
    order = allocated_orders([("INT-PAGE-1", [("SKU-0", 2)])])[0]
    assert reserved() == 2
    user = login("reviewer")
    page = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    assert f"/aftersales/orders/{order.id}/intercept" in page
    assert f"/review/orders/{order.id}/cancel" not in page
    response = client.post(f"/aftersales/orders/{order.id}/intercept", data={"reason": "buyer wants a refund"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review/orders/{order.id}")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.CANCELLED
    assert reserved() == 0 and db.session.scalar(select(func.count(Reservation.id))) == 0
    intercept = db.session.scalar(select(Intercept).where(Intercept.order_id == order.id))
    assert (intercept.source, intercept.state_at_intercept, intercept.created_by) == ("reviewer", "allocated",
                                                                                     user.username)
    html = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    assert "Order intercepted" in html and "buyer wants a refund" in html


def test_an_intercept_without_a_reason_is_refused_and_nothing_changes(client, login, app):
    stocked_warehouse(n_skus=1)
    order = allocated_orders([("INT-PAGE-2", [("SKU-0", 1)])])[0]
    login("reviewer")
    response = client.post(f"/aftersales/orders/{order.id}/intercept", data={"reason": "  "})
    assert response.status_code == 302
    assert "Give a reason for the cancellation" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.ALLOCATED
    assert reserved() == 1 and db.session.scalar(select(func.count(Intercept.id))) == 0


def test_an_order_still_at_the_desk_offers_the_desks_cancel_not_an_intercept(client, login, app):
    order = make_order(external_id="INT-PAGE-3", status=states.APPROVED)
    login("reviewer")
    page = client.get(f"/review/orders/{order.id}").get_data(as_text=True)
    assert f"/review/orders/{order.id}/cancel" in page
    assert f"/aftersales/orders/{order.id}/intercept" not in page


def test_a_packer_may_not_intercept(client, login, app):
    order = make_order(external_id="INT-PAGE-4", status=states.APPROVED)
    login("packer")
    assert client.post(f"/aftersales/orders/{order.id}/intercept", data={"reason": "no"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.APPROVED
