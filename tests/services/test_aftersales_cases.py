"""After-sales cases: return and refund after delivery, exchanges (waiting for the goods or not),
re-shipments, refunds never above what was paid (also when two are recorded at once), unannounced parcels."""
import threading

import pytest
from sqlalchemy import func, select

from tests.builders_handover import make_carrier, shipped_orders
from wms.aftersales import case_states as cs
from wms.aftersales import case_queries, case_settings, cases, refund_steps, refund_totals, returns
from wms.aftersales.case_models import AfterSalesCase, OrderRefundTotal
from wms.aftersales.models import ReturnReceipt
from wms.aftersales.refund_models import PlatformRefund
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, StockItem
from wms.orders import states
from wms.orders.models import Order
from wms.worker import QueuedJob


@pytest.fixture
def shipped(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    return db.session.get(Order, orders[0].id)


def on_hand(bin_id, sku_code):
    return db.session.scalar(select(func.coalesce(func.sum(StockItem.on_hand), 0)).join(Sku)
                             .where(StockItem.bin_id == bin_id, Sku.code == sku_code))


def jobs(name):
    return db.session.scalars(select(QueuedJob).where(QueuedJob.func == name)).all()


def test_return_and_refund_after_delivery_is_received_by_its_tracking_number_graded_and_refunded(shipped):
    line0, line1 = shipped.lines
    case = cases.open_case(shipped.id, cs.RETURN_REFUND, reason="wrong size", actor="reviewer",
                           lines=[{"order_line_id": line0.id, "qty": 1}, {"order_line_id": line1.id, "qty": 1}],
                           return_carrier="SF", return_tracking_number="sf-ret-77", refund_cents=3300)
    assert case.state == cs.WAITING_RETURN and case.refund_status == cs.REFUND_PENDING
    assert [found.id for found in case_queries.expected("SF-RET-77")] == [case.id]
    assert [found.id for found in case_queries.expected(shipped.external_id)] == [case.id]
    bin_ = db.session.scalar(select(Bin).order_by(Bin.id))
    before = on_hand(bin_.id, line0.sku_code)
    returns.receive_return(shipped.id, [
        {"order_line_id": line0.id, "qty": 1, "grade": "resellable", "bin_id": bin_.id},
        {"order_line_id": line1.id, "qty": 1, "grade": "damaged"}], actor="dock", reference="SF-RET-77",
        case_id=case.id)
    db.session.expire_all()
    case = db.session.get(AfterSalesCase, case.id)
    assert case.state == cs.RECEIVED
    assert on_hand(bin_.id, line0.sku_code) == before + 1
    receipt = db.session.scalar(select(ReturnReceipt).where(ReturnReceipt.case_id == case.id))
    assert [(line.grade, line.result) for line in receipt.lines] == [("resellable", "restock"),
                                                                     ("damaged", "write_off")]
    refund_steps.mark_refund_done(case.id, actor="finance", reference="paid back by hand")
    db.session.expire_all()
    case = db.session.get(AfterSalesCase, case.id)
    assert (case.state, case.refund_status) == (cs.REFUNDED, cs.REFUND_DONE)
    assert [job.args[1] for job in jobs("wms.tracking.jobs.notify_buyers")] == ["refund_done"]
    assert [e.kind for e in case.events].count("refund") == 2


def test_an_exchange_that_waits_holds_its_free_replacement_until_the_goods_are_back(shipped):
    line0 = shipped.lines[0]
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="too small", actor="reviewer",
                           lines=[{"order_line_id": line0.id, "qty": 1}], return_tracking_number="YT-9")
    replacement = case.replacement_order
    assert case.waits_for_return and replacement.status == states.ON_HOLD
    assert replacement.total_cents == 0 and [(l.sku_code, l.qty, l.unit_price_cents) for l in replacement.lines] \
        == [(line0.sku_code, 1, 0)]
    assert replacement.external_id == f"{shipped.external_id}-EX{case.id}"
    assert any("after-sales case" in e.reason for e in replacement.events)
    assert any("replacement order" in e.reason for e in db.session.get(Order, shipped.id).events)
    returns.receive_return(shipped.id, [{"order_line_id": line0.id, "qty": 1, "grade": "wrong_item"}],
                           actor="dock", reference="YT-9", case_id=case.id)
    db.session.expire_all()
    case = db.session.get(AfterSalesCase, case.id)
    assert case.state == cs.REPLACEMENT_ORDERED
    assert case.replacement_order.status in (states.APPROVED, states.ALLOCATED, states.BACKORDER)
    assert [c.id for c in case_queries.cases_of_order(case.replacement_order_id)] == [case.id]


def test_an_exchange_of_a_store_that_does_not_wait_sends_its_replacement_to_review_at_once(shipped):
    case_settings.set_store_waits(shipped.channel_id, False)
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="colour", lines=[
        {"order_line_id": shipped.lines[0].id, "qty": 1}])
    assert not case.waits_for_return
    assert case.replacement_order.status != states.ON_HOLD
    assert [job.args[0] for job in jobs("wms.review.jobs.review_orders")] == [[case.replacement_order_id]]


def test_a_reshipment_makes_a_free_linked_order_with_the_reason_on_both_timelines(shipped):
    case = cases.open_case(shipped.id, cs.RESHIP, reason="one missing from the box", actor="reviewer",
                           lines=[{"order_line_id": shipped.lines[1].id, "qty": 1}])
    assert case.state == cs.REPLACEMENT_ORDERED
    replacement = case.replacement_order
    assert replacement.external_id.endswith(f"-RS{case.id}") and replacement.total_cents == 0
    assert any("one missing from the box" in e.reason for e in replacement.events)
    assert any("one missing from the box" in e.reason for e in db.session.get(Order, shipped.id).events)
    with pytest.raises(ValidationFailed):
        cases.finish(case.id, actor="reviewer")      # not shipped yet
    assert db.session.get(AfterSalesCase, case.id).state == cs.REPLACEMENT_ORDERED
    replacement.status = states.SHIPPED
    db.session.commit()
    cases.finish(case.id, actor="reviewer")
    assert db.session.get(AfterSalesCase, case.id).state == cs.DONE
    assert jobs("wms.tracking.jobs.notify_buyers") == []   # a re-shipment's buyer hears "shipped" as for any order


def test_a_finished_exchange_asks_for_the_exchange_shipped_notice(shipped):
    case = cases.open_case(shipped.id, cs.EXCHANGE, reason="size", waits_for_return=False,
                           lines=[{"order_line_id": shipped.lines[0].id, "qty": 1}])
    returns.receive_return(shipped.id, [{"order_line_id": shipped.lines[0].id, "qty": 1, "grade": "damaged"}],
                           case_id=case.id)
    db.session.get(Order, case.replacement_order_id).status = states.SHIPPED
    db.session.commit()
    cases.finish(case.id)
    notice = jobs("wms.tracking.jobs.notify_buyers")[0]
    assert notice.args[:2] == [[shipped.id], "exchange_shipped"] and set(notice.args[2]) == {"carrier", "tracking"}


def test_a_case_never_takes_more_of_a_line_than_was_ordered_and_nothing_is_opened(shipped):
    line0 = shipped.lines[0]
    cases.open_case(shipped.id, cs.RETURN_REFUND, reason="a", lines=[{"order_line_id": line0.id, "qty": line0.qty}])
    with pytest.raises(ValidationFailed) as refused:
        cases.open_case(shipped.id, cs.EXCHANGE, reason="b", lines=[{"order_line_id": line0.id, "qty": 1},
                                                                    {"order_line_id": 99999, "qty": 1}])
    assert [e["field"] for e in refused.value.details["errors"]] == ["qty", "order_line_id"]
    assert db.session.scalar(select(func.count(AfterSalesCase.id))) == 1


def test_goods_cases_are_refused_before_shipping(app):
    from tests.builders import make_order

    order = make_order(external_id="AS-NOTSHIPPED", status=states.APPROVED)
    with pytest.raises(ValidationFailed):
        cases.open_case(order.id, cs.RETURN_REFUND, reason="x", lines=[{"order_line_id": order.lines[0].id, "qty": 1}])
    assert db.session.scalar(select(func.count(AfterSalesCase.id))) == 0


def test_refunds_never_pass_what_was_paid_across_cases(shipped):
    paid = shipped.total_cents
    first = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="late", refund_cents=paid - 100)
    second = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="again")
    with pytest.raises(ValidationFailed) as refused:
        refund_steps.record_refund(second.id, 101)
    assert refused.value.details["left_cents"] == 100
    assert db.session.get(AfterSalesCase, second.id).refund_status == cs.REFUND_NONE
    refund_steps.record_refund(second.id, 100)
    cases.close(first.id, "buyer withdrew it")
    assert refund_totals.refund_total(shipped.id) == (paid, 100)


def test_bad_refund_amounts_are_refused(shipped):
    case = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="late")
    for bad in ("abc", "-1", "0", "1.234", 0):
        with pytest.raises(ValidationFailed):
            refund_steps.record_refund(case.id, bad)
    assert refund_totals.refund_total(shipped.id)[1] == 0


def test_two_refunds_recorded_at_once_never_pass_the_total_one_is_refused(shipped, app):
    paid = shipped.total_cents
    ids = [cases.open_case(shipped.id, cs.REFUND_ONLY, reason=f"r{i}").id for i in range(2)]
    db.session.add(OrderRefundTotal(order_id=shipped.id, paid_cents=paid, refunded_cents=0))
    db.session.commit()
    outcomes, barrier = [], threading.Barrier(2)

    def record(case_id):
        with app.app_context():
            barrier.wait()
            try:
                refund_steps.record_refund(case_id, paid - 10)
                outcomes.append("ok")
            except ValidationFailed:
                outcomes.append("refused")
            except Exception as error:  # SQLite's writer lock: the loser is refused by the database
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=record, args=(case_id,)) for case_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert outcomes.count("ok") == 1
    assert refund_totals.refund_total(shipped.id) == (paid, paid - 10)
    statuses = sorted(db.session.get(AfterSalesCase, i).refund_status for i in ids)
    assert statuses == ["", "to_refund"]


def test_an_unannounced_parcel_is_received_and_matched_to_its_case_later(shipped):
    line0 = shipped.lines[0]
    receipt = returns.receive_return(shipped.id, [{"order_line_id": line0.id, "qty": 1, "grade": "damaged"}],
                                     actor="dock", reference="NO-NOTICE")
    assert [r.id for r in case_queries.unmatched_receipts(shipped.id)] == [receipt.id]
    case = cases.open_case(shipped.id, cs.RETURN_REFUND, reason="came back broken",
                           lines=[{"order_line_id": line0.id, "qty": 1}])
    cases.match_receipt(case.id, receipt.id, actor="dock")
    assert db.session.get(AfterSalesCase, case.id).state == cs.RECEIVED
    with pytest.raises(ValidationFailed):
        cases.match_receipt(case.id, receipt.id)


def test_a_platform_request_becomes_one_case(shipped):
    request = PlatformRefund(channel_id=shipped.channel_id, refund_id="RF-1", order_id=shipped.id,
                             kind="return_refund", status="requested", action="expect_return", reason="不合适",
                             amount_cents=500, return_tracking_number="ZT123")
    db.session.add(request)
    db.session.commit()
    assert [r.id for r in case_queries.platform_requests_without_case()] == [request.id]
    case = cases.open_from_platform(request.id)
    assert (case.kind, case.source, case.refund_cents, case.return_tracking_number) == (
        "return_refund", "platform", 500, "ZT123")
    assert cases.open_from_platform(request.id).id == case.id
    assert case_queries.platform_requests_without_case() == []


def test_sending_a_refund_to_a_store_without_a_refund_call_is_refused(shipped):
    case = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="late", refund_cents=100)
    with pytest.raises(ValidationFailed):
        refund_steps.send_refund(case.id)
    assert db.session.get(AfterSalesCase, case.id).refund_status == cs.REFUND_PENDING


def test_the_desk_filters_by_kind_state_and_a_tracking_or_order_number(shipped):
    a = cases.open_case(shipped.id, cs.RETURN_REFUND, reason="a", return_tracking_number="T-1",
                        lines=[{"order_line_id": shipped.lines[0].id, "qty": 1}])
    b = cases.open_case(shipped.id, cs.REFUND_ONLY, reason="b")
    assert [c.id for c in case_queries.desk(kind=cs.REFUND_ONLY)[0]] == [b.id]
    assert [c.id for c in case_queries.desk(state=cs.WAITING_RETURN)[0]] == [a.id]
    assert [c.id for c in case_queries.desk(q="t-1")[0]] == [a.id]
    assert {c.id for c in case_queries.desk(q=shipped.external_id)[0]} == {a.id, b.id}
    with pytest.raises(ValidationFailed):
        case_queries.desk(kind="nonsense")


def test_a_refund_before_shipping_intercepts_the_order_and_its_money_is_given_back_on_a_case(app):
    from tests.builders import make_order
    from wms.aftersales import services

    order = make_order(external_id="AS-BEFORE-SHIP", status=states.APPROVED, total_cents=9900)
    services.intercept_order(order.id, "buyer asked for a refund", source="reviewer", actor="reviewer")
    assert db.session.get(Order, order.id).status == states.CANCELLED
    case = cases.open_case(order.id, cs.REFUND_ONLY, reason="refund before shipping", refund_cents=9900)
    with pytest.raises(ValidationFailed):
        cases.open_case(order.id, cs.REFUND_ONLY, reason="twice", refund_cents=1)
    refund_steps.mark_refund_done(case.id, actor="finance")
    assert db.session.get(AfterSalesCase, case.id).state == cs.REFUNDED
    assert refund_totals.refund_total(order.id) == (9900, 9900)


def test_after_a_refund_poll_live_refund_requests_become_cases_and_exchanges_wait_for_a_person(shipped):
    def request(refund_id, kind, status="requested"):
        row = PlatformRefund(channel_id=shipped.channel_id, refund_id=refund_id, order_id=shipped.id, kind=kind,
                             status=status, action="expect_return", reason="r", amount_cents=100)
        db.session.add(row)
        db.session.commit()
        return row.id

    wanted = request("P-1", "return_refund")
    request("P-2", "exchange")
    request("P-3", "refund_only", status="refused")
    made = cases.cases_for_platform_requests(shipped.channel_id)
    assert [db.session.get(AfterSalesCase, i).platform_refund_id for i in made] == [wanted]
    assert cases.cases_for_platform_requests(shipped.channel_id) == []
    assert sorted(r.refund_id for r in case_queries.platform_requests_without_case()) == ["P-2", "P-3"]


def test_closing_an_exchange_cancels_its_held_replacement_but_not_one_on_the_floor(shipped):
    held = cases.open_case(shipped.id, cs.EXCHANGE, reason="size", waits_for_return=True,
                           lines=[{"order_line_id": shipped.lines[0].id, "qty": 1}])
    cases.close(held.id, "buyer kept it", actor="reviewer")
    db.session.expire_all()
    assert db.session.get(Order, held.replacement_order_id).status == states.CANCELLED
    moving = cases.open_case(shipped.id, cs.RESHIP, reason="missing",
                             lines=[{"order_line_id": shipped.lines[1].id, "qty": 1}])
    db.session.get(Order, moving.replacement_order_id).status = states.PICKING
    db.session.commit()
    with pytest.raises(ValidationFailed):
        cases.close(moving.id, "found it")
    db.session.expire_all()
    assert db.session.get(AfterSalesCase, moving.id).state == cs.REPLACEMENT_ORDERED


def test_the_parts_of_a_split_order_share_what_the_buyer_paid_no_refund_passes_it(app):
    """A refund recorded on a held order, then the desk splits it: the part's refunds count against the same
    paid total (a split moves money between the parts, the buyer paid once)."""
    from tests.builders import make_order, make_user
    from wms.review import services as review

    reviewer = make_user("reviewer", "split-reviewer")
    order = make_order(external_id="AS-SPLIT", status=states.ON_HOLD, total_cents=10000,
                       lines=(("SKU-1", 1), ("SKU-2", 1)))
    cases.open_case(order.id, cs.REFUND_ONLY, reason="price difference", refund_cents=8000)
    order = db.session.get(Order, order.id)
    part = review.split_order(order.id, {order.lines[1].id: 1}, actor=reviewer, expected_version=order.version)
    assert part.split_from_id == order.id

    on_part = cases.open_case(part.id, cs.REFUND_ONLY, reason="again")
    with pytest.raises(ValidationFailed) as refused:
        refund_steps.record_refund(on_part.id, 2001)
    assert refused.value.details["left_cents"] == 2000
    refund_steps.record_refund(on_part.id, 2000)
    assert refund_totals.refund_total(part.id) == refund_totals.refund_total(order.id) == (10000, 10000)
    assert db.session.get(OrderRefundTotal, part.id) is None   # one row, the root's


def test_a_merge_after_a_refund_never_lets_the_money_be_refunded_twice(app):
    """A refund on a held order, then the desk merges it into the buyer's other order: the target's refunds
    stop at what is left of both, and the merged-away order takes no more refunds (its money is the target's)."""
    from tests.builders import make_order, make_user
    from wms.review import services as review

    reviewer = make_user("reviewer", "merge-reviewer")
    other = make_order(external_id="AS-MERGE-A", status=states.ON_HOLD, total_cents=6000)
    target = make_order(external_id="AS-MERGE-B", status=states.ON_HOLD, total_cents=4000)
    cases.open_case(other.id, cs.REFUND_ONLY, reason="price difference", refund_cents=5000)
    target = db.session.get(Order, target.id)
    review.merge_orders(target.id, [other.id], actor=reviewer, expected_version=target.version)
    assert db.session.get(Order, target.id).total_cents == 10000

    on_target = cases.open_case(target.id, cs.REFUND_ONLY, reason="the rest")
    with pytest.raises(ValidationFailed) as refused:
        refund_steps.record_refund(on_target.id, 5001)
    assert refused.value.details["left_cents"] == 5000
    refund_steps.record_refund(on_target.id, 5000)
    on_merged = cases.open_case(other.id, cs.REFUND_ONLY, reason="again")
    with pytest.raises(ValidationFailed, match="merged into AS-MERGE-B"):
        refund_steps.record_refund(on_merged.id, 1)
