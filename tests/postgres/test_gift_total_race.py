"""Two reviews claiming a gift rule's last units at once (two review jobs on two workers): the
rule's total holds. Both threads meet right before their conditional UPDATE of the rule's counters;
the second waits for the first's row lock, then finds the total reached (or takes what is left)."""
from sqlalchemy import select

from tests.builders import make_order, make_sku
from tests.builders_gifts import gift_lines, make_gift_rule
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race
from wms.extensions import db
from wms.orders.models import Order
from wms.review import checks, services
from wms.review.gift_models import GiftDecision, GiftRule

pytestmark = needs_postgres


def claims_gift(statement):
    return statement.lstrip().startswith("UPDATE gift_rules")


def review_racing(app, monkeypatch, **rule):
    monkeypatch.setattr("wms.review.actions.allocate_after_commit", lambda ids: None)
    make_sku()
    checks.ensure_rules()
    rule = make_gift_rule(**rule)
    one, two = make_order(external_id="GR-1").id, make_order(external_id="GR-2").id
    results = race(app, {"one": claims_gift, "two": claims_gift},
                   one=lambda: services.review_orders([one]), two=lambda: services.review_orders([two]))
    assert not any(isinstance(result, Exception) for result in results.values()), results
    given = sorted(sum(q for _c, q, _p, _r in gift_lines(db.session.get(Order, i))) for i in (one, two))
    return db.session.get(GiftRule, rule.id), given


def test_two_reviews_racing_for_the_last_gift_give_it_once(app, monkeypatch):
    rule, given = review_racing(app, monkeypatch, total_max=1)
    assert given == [0, 1]
    assert rule.units_given == 1 and rule.ran_out_reason == "total_reached"
    outcomes = sorted(db.session.scalars(select(GiftDecision.outcome)))
    assert outcomes == ["added", "not_added"]


def test_the_second_review_takes_what_is_left_of_the_total(app, monkeypatch):
    rule, given = review_racing(app, monkeypatch, total_max=3, gift_qty=2, per_order_max=2)
    assert given == [1, 2] and rule.units_given == 3
