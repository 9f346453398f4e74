"""The stuck-order watch (issue 14, item 6): orders that have not moved for longer than their state's
limit show on the wall's exception panel and on the supervisor's list, with their last event and the
step that would move them."""
from datetime import timedelta

from sqlalchemy import update

from tests.builders import make_channel, make_order
from tests.builders_picking import stocked_warehouse
from wms.dashboard import services, stuck
from wms.extensions import db
from wms.orders.models import Order
from wms.timeutil import utcnow


def stale(order, minutes):
    """The order last moved `minutes` ago."""
    db.session.execute(update(Order).where(Order.id == order.id).values(updated_at=utcnow() - timedelta(minutes=minutes))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    return order


def test_an_order_past_its_states_limit_is_listed_with_its_last_event_and_next_step(app, client, login):
    login("supervisor")
    channel = make_channel()
    waiting = make_order(channel, "ST-1", status="approved")
    waiting.note("checked by phone")
    db.session.commit()
    stale(waiting, app.config["STUCK_LIMITS_MINUTES"]["approved"] + 5)
    fresh = make_order(channel, "ST-2", status="approved")   # moved just now: not stuck
    page = client.get("/wall/desk/stuck").get_data(as_text=True)
    assert "ST-1" in page and "ST-2" not in page
    assert "checked by phone" in page and 'data-step="allocate"' in page
    assert fresh.id not in [row["order"].id for row in stuck.stuck_orders()]


def test_the_allocate_button_moves_a_stuck_approved_order_on(app, client, login):
    login("supervisor")
    stocked_warehouse()
    order = stale(make_order(make_channel(), "ST-3", lines=(("SKU-0", 1),), status="approved"), 60)
    response = client.post(f"/wall/desk/stuck/{order.id}/allocate")
    assert response.status_code == 302
    assert db.session.get(Order, order.id).status == "allocated"
    assert "ST-3" not in client.get("/wall/desk/stuck").get_data(as_text=True)


def test_a_step_the_order_cannot_take_is_refused_and_changes_nothing(app, client, login):
    login("supervisor")
    order = stale(make_order(make_channel(), "ST-4", status="on_hold"), 10_000)
    response = client.post(f"/wall/desk/stuck/{order.id}/allocate", follow_redirects=True)
    assert "This order cannot take that step now" in response.get_data(as_text=True)
    assert db.session.get(Order, order.id).status == "on_hold"
    assert client.post("/wall/desk/stuck/999999/allocate").status_code in (302, 404)


def test_the_wall_counts_stuck_orders_and_the_desk_links_the_list(app, client, login):
    channel = make_channel()
    stale(make_order(channel, "ST-5", status="packed"), 31)
    stale(make_order(channel, "ST-6", status="shipped"), 10_000)   # after shipping, tracking watches it
    make_order(channel, "ST-7", status="packed")
    assert services.snapshot()["exceptions"]["stuck"] == 1
    login("supervisor")
    assert 'data-w="ex-stuck"' in client.get("/wall/desk").get_data(as_text=True)


def test_the_list_is_for_supervisors_and_reads_in_chinese(app, client, login, make_user):
    login("picker")
    assert client.get("/wall/desk/stuck").status_code in (302, 403)
    client.post("/logout")
    boss = make_user("supervisor", "boss", locale="zh_CN")
    client.post("/login", data={"username": boss.username, "password": "secret-pass"})
    stale(make_order(make_channel(), "ST-8", status="approved"), 60)
    page = client.get("/wall/desk/stuck").get_data(as_text=True)
    assert "滞留订单" in page and "分配库存" in page and "ST-8" in page


def test_a_limit_can_be_changed_in_the_settings(app):
    app.config["STUCK_LIMITS_MINUTES"] = {**app.config["STUCK_LIMITS_MINUTES"], "approved": 0}
    stale(make_order(make_channel(), "ST-9", status="approved"), 600)
    assert "approved" not in stuck.limits() and stuck.stuck_count() == 0


def test_the_order_page_names_the_next_step_and_offers_hold_only_where_a_hold_is_allowed(app, client, login):
    login("reviewer")
    stocked_warehouse()
    channel = make_channel()
    allocated = make_order(channel, "NP-1", lines=(("SKU-0", 1),), status="approved")
    from wms.inventory.services import allocate_orders

    allocate_orders([allocated.id])
    page = client.get(f"/review/orders/{allocated.id}").get_data(as_text=True)
    assert 'data-next="wave"' in page and "Release a wave" in page and f"/review/orders/{allocated.id}/hold" in page
    labelled = make_order(channel, "NP-2", status="labelled")
    page = client.get(f"/review/orders/{labelled.id}").get_data(as_text=True)
    assert f"/review/orders/{labelled.id}/hold" not in page   # labelled -> on_hold is not in the table: no button that can only fail
    assert "Nothing can move this order now" in page   # labelled without a labelled parcel: stranded, said so
