"""Two tickers alerting ship-by breaches at once (a Redis lock lost, two workers): each order is
alerted by exactly one of them. Both threads meet right before their conditional UPDATE."""
from datetime import timedelta

from tests.builders import make_channel, make_order
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race
from wms.orders import deadlines
from wms.timeutil import utcnow

pytestmark = needs_postgres


def marks_alerts(statement):
    return statement.lstrip().startswith("UPDATE orders") and "ship_by_alerted_at" in statement


def test_two_tickers_at_once_alert_each_order_once(app, published):
    now = utcnow()
    channel = make_channel()
    for n in range(3):
        make_order(channel=channel, external_id=f"LATE-{n}", status="approved", ship_by=now - timedelta(hours=n))
    results = race(app, {"one": marks_alerts, "two": marks_alerts},
                   one=lambda: deadlines.alert_breaches(now=now, hours=2),
                   two=lambda: deadlines.alert_breaches(now=now, hours=2))
    assert not isinstance(results["one"], Exception) and not isinstance(results["two"], Exception), results
    assert sorted(results["one"] + results["two"]) == sorted(set(results["one"]) | set(results["two"]))
    assert len(results["one"]) + len(results["two"]) == 3
    assert len([e for e in published if e["event"] == deadlines.ALERT_EVENT]) == 3
