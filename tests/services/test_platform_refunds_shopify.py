"""Shopify refunds (kept on the order) through the refund poll, over real HTTP against the Shopify sandbox: a
refund of a whole unshipped order intercepts it, a returned line after shipping is an expected return, the same
refunds twice change nothing, and a broken refund is refused clearly with nothing written."""
import pytest
from sqlalchemy import func, select, update

from tests.builders import make_sku
from tests.builders_channels import make_shopify_channel
from wms.aftersales.refund_models import PlatformRefund
from wms.channels import refunds, services
from wms.channels.base import ChannelError
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    for code in ("TEA-LJ-250", "TEA-PUER-357", "MUG-CER-350", "SCARF-SILK-RED"):
        make_sku(code, barcodes=())
    return make_shopify_channel(sandbox.base_url)


def refund(refund_id, order_id, lines, restock_type, amount, note="Changed my mind"):
    return {"id": refund_id, "order_id": order_id, "created_at": "2026-11-20T10:00:00+08:00", "note": note,
            "refund_line_items": [{"id": refund_id + n, "line_item_id": order_id * 10 + n, "quantity": qty,
                                   "restock_type": restock_type, "line_item": {"sku": sku}}
                                  for n, (sku, qty) in enumerate(lines)],
            "transactions": [{"id": refund_id + 2, "kind": "refund", "status": "success", "amount": amount}]}


def ours(channel, order_id):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel.id, Order.external_id == str(order_id)))


def whole_order(sandbox, order_id):
    return [(line["sku"], line["quantity"]) for line in sandbox.state.orders[order_id]["line_items"]]


def test_a_shopify_refund_intercepts_an_unshipped_order_and_a_return_after_shipping_is_expected(channel, sandbox):
    services.sync_orders(channel.id)
    first, second = FIRST_ID, FIRST_ID + 1
    db.session.execute(update(Order).where(Order.channel_id == channel.id, Order.external_id == str(second))
                       .values(status=states.SHIPPED))
    db.session.commit()
    sandbox.state.modify_order(first, {"refunds": [refund(7_001, first, whole_order(sandbox, first), "cancel", "10.00")]})
    sandbox.state.modify_order(second, {"refunds": [refund(7_011, second, whole_order(sandbox, second), "return",
                                                           "20.50")]})

    summary = refunds.sync_refunds(channel.id)
    again = refunds.sync_refunds(channel.id)

    assert (summary.created, summary.intercepted, summary.expected_returns) == (2, 1, 1), summary.errors
    assert ours(channel, first).status == states.CANCELLED
    assert ours(channel, second).status == states.SHIPPED
    rows = {r.refund_id: r for r in db.session.scalars(select(PlatformRefund))}
    assert (rows["7001"].kind, rows["7001"].action, rows["7001"].amount_cents) == ("refund_only", "intercepted", 1000)
    assert (rows["7011"].kind, rows["7011"].action, rows["7011"].amount_cents) == ("return_refund", "expect_return", 2050)
    assert again.created == again.updated == 0


def test_a_broken_shopify_refund_is_refused_and_nothing_is_written(channel, sandbox):
    services.sync_orders(channel.id)
    sandbox.state.modify_order(FIRST_ID, {"refunds": [{"id": 9, "refund_line_items": "all of it"}]})

    with pytest.raises(ChannelError, match="has a refund we cannot read: refund_line_items"):
        refunds.sync_refunds(channel.id)

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PlatformRefund)) == 0
    assert ours(channel, FIRST_ID).status != states.CANCELLED
