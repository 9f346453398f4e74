"""Platform refunds as events (issue 19 item 3), over real HTTP against the Pinduoduo sandbox's after-sales list:
a refund before shipping intercepts the order, a partial one holds it, one after shipping is an expected return
found by its return tracking number, the same refund twice changes nothing, a change is noted once, and a
record we cannot read is refused with a clear error and changes nothing."""
import time

import pytest
from sqlalchemy import func, select, update

from tests.builders_pdd import make_pdd_catalogue, make_pdd_channel
from wms.aftersales import expected_returns
from wms.aftersales.models import Intercept
from wms.aftersales.refund_models import PlatformRefund
from wms.channels import refunds, services
from wms.channels.base import ChannelError
from wms.channels.refunds_models import RefundCursor
from wms.channels.sandbox.pdd import start_in_thread
from wms.channels.sandbox.pdd_seed import order_sn
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderEvent

WAITING = order_sn(1)      # its refund 9120003: requested, refund only, the whole order
SHIPPED = order_sn(7)      # its refund 9120002: agreed, return and refund
TWO_LINES = order_sn(0)    # TEA-LJ-250 x2 and MUG-CER-350 x1


@pytest.fixture
def sandbox():
    running = start_in_thread(hang_s=0.8)
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_pdd_catalogue()
    return make_pdd_channel(sandbox)


def order(channel, sn):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel.id, Order.external_id == sn))


def refund_row(channel, refund_id):
    db.session.expire_all()
    return db.session.scalar(select(PlatformRefund).where(PlatformRefund.channel_id == channel.id,
                                                          PlatformRefund.refund_id == refund_id))


def ship(channel, sn):
    """Our copy of the order went out (the floor's path is tested elsewhere)."""
    db.session.execute(update(Order).where(Order.channel_id == channel.id, Order.external_id == sn)
                       .values(status=states.SHIPPED))
    db.session.commit()


def counts():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (PlatformRefund, Intercept, OrderEvent))


def touch_refund(sandbox, refund_id, **fields):
    """The platform changes an after-sales row now (its updated_time moves on)."""
    with sandbox.state.lock:
        row = sandbox.state.refunds[refund_id]
        row.update(fields)
        row["updated_time"] = str(max(int(time.time()), int(row["updated_time"]) + 1))


def timeline(order_):
    db.session.expire_all()
    return [e.reason for e in db.session.scalars(select(OrderEvent).where(
        OrderEvent.order_id == order_.id, OrderEvent.kind == refunds.TIMELINE).order_by(OrderEvent.id))]


def test_a_refund_polled_before_shipping_intercepts_the_order_and_says_so_on_its_timeline(channel, sandbox):
    result = refunds.sync_orders_and_refunds(channel.id)

    assert result["created"] > 0 and result["refunds"]["fetched"] == 3
    assert result["refunds"]["unknown_order"] == 1   # 9120001: an order refunded before we ever saw it
    waiting = order(channel, WAITING)
    assert waiting.status == states.CANCELLED
    intercept = db.session.scalar(select(Intercept).where(Intercept.order_id == waiting.id))
    assert intercept.source == "channel" and "9120003" in intercept.reason
    row = refund_row(channel, "9120003")
    assert (row.kind, row.status, row.action, row.amount_cents) == ("refund_only", "requested", "intercepted", 11900)
    assert timeline(waiting) == ["Platform refund 9120003 (refund_only, requested), 119.00: 拍错了/多拍了"]
    assert db.session.get(RefundCursor, channel.id).cursor == result["refunds"]["cursor"] is not None


def test_a_refund_after_shipping_is_an_expected_return_found_by_its_return_tracking_number(channel, sandbox):
    services.sync_orders(channel.id)
    ship(channel, SHIPPED)

    first = refunds.sync_refunds(channel.id)

    shipped = order(channel, SHIPPED)
    assert first.expected_returns == 1 and shipped.status == states.SHIPPED
    assert db.session.scalar(select(Intercept).where(Intercept.order_id == shipped.id)) is None
    assert refund_row(channel, "9120002").action == "expect_return"
    assert [r.order_id for r in expected_returns.waiting()] == [shipped.id]
    touch_refund(sandbox, 9_120_002, tracking_number="yt8800112233", shipping_name="圆通")

    second = refunds.sync_refunds(channel.id)

    assert (second.updated, second.created, second.expected_returns) == (1, 0, 0)
    row = refund_row(channel, "9120002")
    assert (row.return_tracking_number, row.return_carrier) == ("YT8800112233", "圆通")
    assert [r.order_id for r in expected_returns.find("yt8800112233")] == [shipped.id]
    assert timeline(shipped)[-1] == "Platform refund 9120002: the buyer sent the goods back with 圆通 YT8800112233"
    assert expected_returns.find("YT0000000000") == []


def test_the_same_refunds_seen_twice_change_nothing(channel, sandbox):
    refunds.sync_orders_and_refunds(channel.id)
    before = counts()
    db.session.delete(db.session.get(RefundCursor, channel.id))   # read the whole list again
    db.session.commit()

    again = refunds.sync_refunds(channel.id)

    assert (again.fetched, again.unchanged, again.created, again.updated) == (3, 2, 0, 0)
    assert counts() == before


def test_a_status_change_updates_the_refund_and_notes_the_timeline_once(channel, sandbox):
    refunds.sync_orders_and_refunds(channel.id)
    touch_refund(sandbox, 9_120_003, after_sales_status=10)   # 退款成功

    changed = refunds.sync_refunds(channel.id)
    unchanged = refunds.sync_refunds(channel.id)

    assert (changed.updated, unchanged.updated) == (1, 0)
    assert refund_row(channel, "9120003").status == "done"
    assert timeline(order(channel, WAITING))[-1] == "Platform refund 9120003 is now done"
    assert len(timeline(order(channel, WAITING))) == 2


def test_a_refund_of_some_units_before_shipping_holds_the_order_for_the_desk(channel, sandbox):
    services.sync_orders(channel.id)
    sandbox.state.add_refund(TWO_LINES, after_sales_type=2, status=2, reason="少买一件")   # its first line: 2 of 3 units

    summary = refunds.sync_refunds(channel.id)

    two = order(channel, TWO_LINES)
    assert summary.held == 1 and two.status == states.ON_HOLD
    assert "少买一件" in two.hold_reasons[0]["detail"]
    assert timeline(two)[-1].endswith("is for 2 of its units: on hold for the desk")


def test_a_hostile_refund_record_is_refused_clearly_and_changes_nothing(channel, sandbox):
    services.sync_orders(channel.id)
    before = counts()
    touch_refund(sandbox, 9_120_002, tracking_number="SF<script>alert(1)</script> " + "9" * 80)

    with pytest.raises(ChannelError, match="a refund we cannot read \\(9120002\\): return_tracking_number"):
        refunds.sync_refunds(channel.id)

    db.session.rollback()
    assert refund_row(channel, "9120002") is None
    after = counts()
    assert after[0] == before[0] + 1   # 9120003, read before it, was applied; nothing of 9120002
    assert order(channel, SHIPPED).status != states.CANCELLED


def test_a_hostile_amount_or_kind_is_refused_before_anything_is_written(channel, sandbox):
    services.sync_orders(channel.id)
    before = counts()

    for record in ({"refund_id": "R1", "external_id": WAITING, "kind": "steal", "status": "requested"},
                   {"refund_id": "R2", "external_id": WAITING, "kind": "refund_only", "status": "requested",
                    "amount_cents": -100},
                   {"refund_id": "R3\n", "external_id": WAITING, "kind": "refund_only", "status": "done",
                    "requested_at": "yesterday"},
                   ["not", "a", "record"]):
        with pytest.raises(ChannelError, match="cannot read"):
            refunds.apply_refund(channel.id, record, platform="pdd")

    assert counts() == before
    assert order(channel, WAITING).status != states.CANCELLED


def test_a_channel_without_refunds_reports_that_it_has_none(app):
    from tests.builders import make_channel

    manual = make_channel(code="shop-files", platform="manual")

    assert refunds.sync_refunds(manual.id).supported is False
    assert db.session.get(RefundCursor, manual.id) is None
