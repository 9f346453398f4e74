"""Two refunds recorded at once on one order's cases (two reviewers, two requests): both threads meet right
before their conditional UPDATE of the order's refund total; the second waits for the first's row lock, then
finds too little left and is refused - what was paid is never passed."""
from tests.builders import make_order
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race
from wms.aftersales import case_states as cs
from wms.aftersales import cases, refund_totals
from wms.aftersales.refund_steps import record_refund
from wms.aftersales.case_models import AfterSalesCase, OrderRefundTotal
from wms.errors import ValidationFailed
from wms.extensions import db

pytestmark = needs_postgres


def moves_total(statement):
    return statement.lstrip().startswith("UPDATE aftersales_refund_totals")


def test_two_refunds_racing_for_what_is_left_give_it_once(app):
    order = make_order(external_id="AS-RACE-1", status="delivered", total_cents=1000)
    one, two = (cases.open_case(order.id, cs.REFUND_ONLY, reason=f"r{i}").id for i in range(2))
    db.session.add(OrderRefundTotal(order_id=order.id, paid_cents=1000, refunded_cents=0))
    db.session.commit()
    results = race(app, {"one": moves_total, "two": moves_total},
                   one=lambda: record_refund(one, 700).id, two=lambda: record_refund(two, 700).id)
    refused = [name for name, result in results.items() if isinstance(result, ValidationFailed)]
    assert len(refused) == 1 and not any(isinstance(r, Exception) and not isinstance(r, ValidationFailed)
                                         for r in results.values()), results
    assert refund_totals.refund_total(order.id) == (1000, 700)
    assert sorted(db.session.get(AfterSalesCase, i).refund_status for i in (one, two)) == ["", cs.REFUND_PENDING]
