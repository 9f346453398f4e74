"""The rules page's warning: the currencies orders used in the last 90 days that the amount rule has
no threshold for, found by probing each currency's range of an index (never a read of those orders)."""
from datetime import timedelta

from sqlalchemy import update

from tests.builders import make_channel, make_order
from wms.extensions import db
from wms.orders.models import Order
from wms.review import settings
from wms.timeutil import utcnow


def _order(channel, number, currency, days_ago=0):
    order = make_order(channel, number, currency=currency)
    db.session.execute(update(Order).where(Order.id == order.id)
                       .values(created_at=utcnow() - timedelta(days=days_ago)).execution_options(synchronize_session=False))
    db.session.commit()


def test_only_recent_currencies_without_a_threshold_are_named(app):
    channel = make_channel()
    _order(channel, "C-1", "CNY")                 # has the default threshold
    _order(channel, "U-1", "USD", days_ago=3)
    _order(channel, "U-2", "USD", days_ago=200)
    _order(channel, "E-1", "EUR", days_ago=120)   # only long ago: not named
    _order(channel, "J-1", "jpy", days_ago=89)    # stored lower-case: named as JPY
    _order(channel, "A-1", "AUD", days_ago=91)
    assert settings.currencies_without_threshold() == ["JPY", "USD"]
    assert settings.currencies_without_threshold(days=150) == ["AUD", "EUR", "JPY", "USD"]


def test_no_orders_no_warning_and_the_page_names_them(app, client, login):
    assert settings.currencies_without_threshold() == []
    login("supervisor")
    assert 'id="unchecked-currencies"' not in client.get("/review/rules").get_data(as_text=True)
    _order(make_channel(), "U-9", "USD")
    page = client.get("/review/rules").get_data(as_text=True)
    assert 'id="unchecked-currencies"' in page and "Orders in USD are not checked" in page
