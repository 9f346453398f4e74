"""Write-back failures that can be dealt with (issue 21 item 5), over real HTTP against the platform
sandboxes: a permanent refusal is tried once and shown at once; a temporary one is retried and recovers; a
supervisor retries, fixes and retries, or dismisses with a reason; a dismissal racing a push is told so."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from tests.builders import make_user
from tests.builders_channels import make_shopify_channel
from tests.builders_handover import make_carrier, shipped_orders
from tests.builders_pdd import make_pdd_catalogue, make_pdd_channel
from wms import failures
from wms.channels.sandbox import pdd as pdd_sandbox
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.errors import ConcurrentUpdate, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders.models import OrderEvent
from wms.timeutil import utcnow
from wms.tracking import writeback
from wms.tracking.models import WB_DISMISSED, WB_DONE, WB_FAILED, WB_PUSHING, WritebackTask


@pytest.fixture
def shopify():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def pdd():
    running = pdd_sandbox.start_in_thread()
    yield running
    running.stop()


def fulfilments(sandbox):
    return requests.get(f"{sandbox.base_url}/_sandbox/fulfillments").json()["fulfillments"]


def task():
    db.session.expire_all()
    return db.session.scalar(select(WritebackTask))


def timeline(order_id):
    return [e.reason for e in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id)
                                                 .order_by(OrderEvent.id))]


def refused_on_shopify(shopify, published=None):
    """An order Shopify does not know: its write-back is refused (404) for good."""
    make_carrier("SF", "顺丰速运")
    orders, parcels = shipped_orders(1, channel=make_shopify_channel(shopify.base_url), external_ids=["999000111"])
    return orders[0], parcels[0]


def test_a_permanent_refusal_is_tried_once_and_shown_with_the_platforms_reason(app, shopify, published):
    order, _parcel = refused_on_shopify(shopify)
    failed = task()
    assert failed.status == WB_FAILED and failed.attempts == 1
    assert failed.failure_kind == failures.PERMANENT and failed.next_attempt_at is None
    assert "404" in failed.last_error
    assert writeback.retry_due_writebacks(now=utcnow() + timedelta(days=30)) == 0
    assert task().attempts == 1
    said = timeline(order.id)[-1]
    assert "refused the write-back and it will not be retried by itself" in said and "404" in said
    heard = [e for e in published if e["event"] == "writeback.failed"]
    assert heard and heard[0]["room"] == "role:supervisor" and heard[0]["payload"]["failure_kind"] == "permanent"
    assert [t.id for t in writeback.open_writebacks()] == [failed.id]


def test_a_temporary_failure_is_retried_with_backoff_and_recovers(app, shopify, published):
    make_carrier("SF")
    requests.post(f"{shopify.base_url}/_sandbox/faults", json={"status": 503, "count": 1})
    shipped_orders(1, channel=make_shopify_channel(shopify.base_url), external_ids=[str(FIRST_ID)])
    first = task()
    assert first.status == WB_FAILED and first.failure_kind == failures.TEMPORARY
    assert first.next_attempt_at is not None
    assert not [e for e in published if e["event"] == "writeback.failed"]  # nobody needs to act yet
    writeback.retry_due_writebacks(now=utcnow() + timedelta(minutes=5))
    assert task().status == WB_DONE and len(fulfilments(shopify)) == 1


def test_pdd_refusing_an_order_it_does_not_know_is_permanent(app, pdd):
    make_pdd_catalogue()
    make_carrier("SF", "顺丰快递")
    shipped_orders(1, channel=make_pdd_channel(pdd), external_ids=["000000-NOT-THERE"])
    failed = task()
    assert failed.failure_kind == failures.PERMANENT and failed.next_attempt_at is None
    assert "订单不属于当前店铺或订单不存在" in failed.last_error
    assert pdd.state.shipments == []


def test_pdd_rate_limited_is_temporary_and_recovers(app, pdd):
    make_pdd_catalogue()
    make_carrier("SF", "顺丰快递")
    waiting = next(sn for sn, o in pdd.state.orders.items()
                   if o["order_status"] == 1 and o["confirm_status"] == 1 and o["refund_status"] != 4)
    pdd.state.fail_next("rate_limit")  # the first call of the first push
    shipped_orders(1, channel=make_pdd_channel(pdd), external_ids=[waiting])
    assert task().failure_kind == failures.TEMPORARY and task().next_attempt_at is not None
    writeback.retry_due_writebacks(now=utcnow() + timedelta(minutes=5))
    assert task().status == WB_DONE
    assert [s["order_sn"] for s in pdd.state.shipments] == [waiting]


def test_a_failure_dismissed_with_a_reason_leaves_the_list_and_is_audited(app, shopify, published):
    order, _parcel = refused_on_shopify(shopify)
    boss = make_user(role="supervisor", username="boss")
    writeback.dismiss_writeback(task().id, "  order was closed on the platform by hand ", actor=boss)
    dismissed = task()
    assert dismissed.status == WB_DISMISSED and dismissed.dismissed_by_id == boss.id
    assert dismissed.dismissed_reason == "order was closed on the platform by hand"
    assert dismissed.dismissed_at is not None and dismissed.next_attempt_at is None
    assert writeback.open_writebacks() == []
    assert [t.id for t in writeback.dismissed_writebacks()] == [dismissed.id]
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                              .order_by(OrderEvent.id.desc())).first()
    assert event.actor_name == "boss" and "order was closed on the platform by hand" in event.reason
    assert any(e["event"] == "writeback.dismissed" for e in published)
    assert writeback.retry_due_writebacks(now=utcnow() + timedelta(days=30)) == 0


def test_a_dismissal_needs_a_reason_and_changes_nothing_without_one(app, shopify):
    refused_on_shopify(shopify)
    with pytest.raises(ValidationFailed) as refused:
        writeback.dismiss_writeback(task().id, "   ", actor=None)
    assert refused.value.details["field"] == "reason"
    with pytest.raises(ValidationFailed):
        writeback.dismiss_writeback(task().id, "x" * 501)
    assert task().status == WB_FAILED and task().dismissed_at is None


def test_only_a_failed_write_back_can_be_dismissed(app, shopify):
    make_carrier("SF")
    shipped_orders(1, channel=make_shopify_channel(shopify.base_url), external_ids=[str(FIRST_ID)])
    assert task().status == WB_DONE
    with pytest.raises(ValidationFailed):
        writeback.dismiss_writeback(task().id, "not needed")
    assert task().status == WB_DONE
    with pytest.raises(NotFound):
        writeback.dismiss_writeback(987654, "no such task")


def test_a_dismissed_write_back_can_be_retried_later(app, shopify):
    order, _parcel = refused_on_shopify(shopify)
    writeback.dismiss_writeback(task().id, "waiting for the platform's support")
    writeback.retry_writeback(task().id, actor="boss")
    again = task()
    assert again.status == WB_FAILED and again.attempts == 2  # pushed again, refused again
    assert timeline(order.id)[-2] == "write-back retried by hand"


def test_fix_and_retry_writes_back_another_carrier_and_number_and_audits_old_and_new(app, pdd):
    make_pdd_catalogue()
    make_carrier("SF", "顺丰速运")
    make_carrier("YTO", "圆通快递")
    pdd.state.companies = [c for c in pdd.state.companies if c["code"] != "SF"]  # PDD stops taking SF
    waiting = next(sn for sn, o in pdd.state.orders.items()
                   if o["order_status"] == 1 and o["confirm_status"] == 1 and o["refund_status"] != 4)
    orders, parcels = shipped_orders(1, channel=make_pdd_channel(pdd), external_ids=[waiting])
    refused = task()
    assert refused.failure_kind == failures.PERMANENT and "no logistics company" in refused.last_error
    writeback.fix_and_retry_writeback(refused.id, carrier_code="YTO", tracking_number="YT7700000001", actor="boss")
    done = task()
    assert (done.status, done.carrier_code, done.tracking_number) == (WB_DONE, "YTO", "YT7700000001")
    assert [(s["order_sn"], s["logistics_id"], s["tracking_number"]) for s in pdd.state.shipments] == \
        [(waiting, 85, "YT7700000001")]
    said = timeline(orders[0].id)
    assert "write-back carrier changed from SF to YTO" in said
    assert f"write-back tracking number changed from {parcels[0].tracking_number} to YT7700000001" in said


def test_fix_and_retry_refuses_an_unknown_carrier_or_no_change(app, shopify):
    refused_on_shopify(shopify)
    before = task()
    with pytest.raises(ValidationFailed) as unknown:
        writeback.fix_and_retry_writeback(before.id, carrier_code="NOPE")
    assert unknown.value.details["field"] == "carrier_code"
    with pytest.raises(ValidationFailed):
        writeback.fix_and_retry_writeback(before.id, carrier_code="SF", tracking_number=before.tracking_number)
    with pytest.raises(ValidationFailed):
        writeback.fix_and_retry_writeback(before.id, tracking_number="T" * 65)
    after = task()
    assert (after.status, after.attempts, after.carrier_code) == (WB_FAILED, 1, "SF")


def test_a_dismissal_racing_a_push_one_wins_the_other_is_told(app, shopify):
    refused_on_shopify(shopify)
    failed = task()
    writeback.retry_writeback(failed.id)  # refused again: failed
    # a worker claims the task (as push_writeback does) just before the supervisor's dismissal lands
    assert writeback._claim(failed.id)
    assert task().status == WB_PUSHING
    with pytest.raises(ConcurrentUpdate) as told:
        writeback.dismiss_writeback(failed.id, "not needed any more")
    assert "being pushed now" in told.value.message
    assert task().status == WB_PUSHING and task().dismissed_at is None


def test_a_push_after_a_dismissal_leaves_the_task_alone(app, shopify):
    refused_on_shopify(shopify)
    writeback.dismiss_writeback(task().id, "closed on the platform")
    assert writeback.push_writeback(task().id) == "skipped"
    assert task().status == WB_DISMISSED and task().attempts == 1


def test_a_retry_racing_a_push_is_refused_clearly(app, shopify):
    refused_on_shopify(shopify)
    assert writeback._claim(task().id)
    with pytest.raises(ConcurrentUpdate):
        writeback.retry_writeback(task().id)
    with pytest.raises(ConcurrentUpdate):
        writeback.fix_and_retry_writeback(task().id, tracking_number="SF1234567890")
    assert task().status == WB_PUSHING and task().tracking_number != "SF1234567890"
