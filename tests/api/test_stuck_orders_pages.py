"""The stuck list in pages of 50, longest still first, with its count (capped like the wall's)."""
import re
from datetime import timedelta

from sqlalchemy import update

from tests.builders import make_channel, make_order
from wms.dashboard import stuck
from wms.extensions import db
from wms.orders.models import Order
from wms.timeutil import utcnow


def _stuck_orders(app, n):
    """`n` approved orders past the limit, ST-00 the longest still."""
    channel = make_channel()
    limit = app.config["STUCK_LIMITS_MINUTES"]["approved"]
    for i in range(n):
        order = make_order(channel, f"ST-{i:02d}", status="approved")
        db.session.execute(update(Order).where(Order.id == order.id)
                           .values(updated_at=utcnow() - timedelta(minutes=limit + 500 - i))
                           .execution_options(synchronize_session=False))
    db.session.commit()


def _listed(html):
    return re.findall(r">(ST-\d\d)</a>", html)


def test_the_stuck_list_pages_by_fifty_longest_still_first(app, client, login):
    login("supervisor")
    _stuck_orders(app, 55)
    first = client.get("/wall/desk/stuck").get_data(as_text=True)
    assert _listed(first) == [f"ST-{i:02d}" for i in range(50)]
    assert "55 stuck orders" in first and "Page 1 of 2" in first
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = client.get(following).get_data(as_text=True)
    assert _listed(second) == [f"ST-{i:02d}" for i in range(50, 55)] and 'rel="next"' not in second
    for typed in ("999", "abc", "-2"):   # past the end: the last page; not a number: the first
        html = client.get(f"/wall/desk/stuck?page={typed}").get_data(as_text=True)
        assert _listed(html) == (_listed(second) if typed == "999" else _listed(first)), typed


def test_past_the_cap_the_count_says_more_than(app, client, login, monkeypatch):
    login("supervisor")
    monkeypatch.setattr(stuck, "COUNT_CAP", 3)
    _stuck_orders(app, 5)
    html = client.get("/wall/desk/stuck").get_data(as_text=True)
    assert re.search(r"id=\"stuck-count\">([^<]*)<", html).group(1) == "More than 3 stuck orders"
    assert len(_listed(html)) == 5   # the first page lists what it holds; only the count stops
