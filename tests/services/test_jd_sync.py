"""JD channel sync through the sync service over real HTTP against the JOS sandbox: the first pull,
an interruption resumed from the cursor, a cancellation, and the tracking write-back."""
import pytest
import requests
from sqlalchemy import func, select

import wms.channels.jd  # noqa: F401  (registers the "jd" platform)
from tests.builders_jd import make_jd_catalogue, make_jd_channel
from wms.channels import services
from wms.channels.base import ChannelUnavailable, adapter_for
from wms.channels.jd import ORDER_SEARCH
from wms.channels.sandbox.jd import start_in_thread
from wms.channels.sandbox.jd_seed import FIRST_ORDER_ID
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Channel, Order

SEEDED, SEEDED_LIVE = 10, 9   # one cancelled on JD before we ever saw it
NEWEST = "2026-11-21T03:20:00+00:00"


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_jd_catalogue()
    return make_jd_channel(sandbox.base_url)


def order_count(channel_id):
    return db.session.scalar(select(func.count(Order.id)).where(Order.channel_id == channel_id))


def order_by_id(channel_id, order_id):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel_id, Order.external_id == str(order_id)))


def cursor_of(channel_id):
    db.session.expire_all()
    return db.session.get(Channel, channel_id).sync_cursor


def test_the_first_sync_imports_every_live_order_and_keeps_the_newest_change_as_cursor(channel, sandbox):
    summary = services.sync_orders(channel.id)

    assert (summary.fetched, summary.created, summary.failed, summary.skipped_cancelled) == (SEEDED, SEEDED_LIVE, 0, 1)
    wang = order_by_id(channel.id, FIRST_ORDER_ID)
    assert (wang.buyer_name, wang.buyer_phone, wang.province, wang.city, wang.district) == (
        "王芳", "138****8000", "上海", "浦东新区", "陆家嘴街道")
    assert (wang.total_cents, wang.currency, wang.payment_status) == (16590, "CNY", "paid")
    assert [(line.sku_code, line.qty, line.unit_price_cents) for line in wang.lines] == [
        ("TEA-LJ-250", 2, 4800), ("MUG-CER-350", 1, 6990)]
    assert cursor_of(channel.id) == NEWEST


def test_an_interrupted_sync_resumes_from_its_cursor_and_doubles_nothing(app, sandbox):
    make_jd_catalogue()
    channel = make_jd_channel(sandbox.base_url, page_size=2)
    sandbox.state.fail_next("unavailable", times=5, method=ORDER_SEARCH, after=3)
    shop = adapter_for(channel, sleep=lambda s: None, max_attempts=2)

    with pytest.raises(ChannelUnavailable):
        services.sync_orders(channel.id, chunk_size=2, adapter=shop)

    halfway = cursor_of(channel.id)
    imported = order_count(channel.id)
    assert halfway is not None and halfway < NEWEST and 0 < imported < SEEDED_LIVE
    sandbox.state.faults.clear()
    first_start = len(sandbox.state.requests)

    summary = services.sync_orders(channel.id, chunk_size=2)

    resumed = sandbox.state.requests[first_start]["business"]["start_date"]
    assert resumed > "2026-11-18 08:00:00"   # from the cursor, not from the start
    assert order_count(channel.id) == SEEDED_LIVE and summary.failed == 0
    assert cursor_of(channel.id) == NEWEST


def test_an_order_cancelled_on_jd_cancels_our_copy(channel, sandbox):
    services.sync_orders(channel.id)
    requests.patch(f"{sandbox.base_url}/_sandbox/orders/{FIRST_ORDER_ID}", json={"orderState": "TRADE_CANCELED"})

    summary = services.sync_orders(channel.id)

    assert summary.cancelled == 1 and order_by_id(channel.id, FIRST_ORDER_ID).status == states.CANCELLED


def test_a_changed_order_is_updated_and_a_new_one_created(channel, sandbox):
    services.sync_orders(channel.id)
    requests.patch(f"{sandbox.base_url}/_sandbox/orders/{FIRST_ORDER_ID + 1}", json={"orderRemark": "改为工作日送"})
    added = requests.post(f"{sandbox.base_url}/_sandbox/orders", json={"seed": 3}).json()["orders"][0]

    summary = services.sync_orders(channel.id)

    assert (summary.created, summary.updated) == (1, 1), summary
    assert order_by_id(channel.id, FIRST_ORDER_ID + 1).buyer_remark == "改为工作日送"
    assert order_by_id(channel.id, added["orderId"]).buyer_name == "张伟"


def test_the_tracking_write_back_task_reaches_jd_through_the_adapter(channel, sandbox):
    from wms import aftercommit
    from wms.tracking.writeback import request_writeback

    services.sync_orders(channel.id)
    order = order_by_id(channel.id, FIRST_ORDER_ID + 1)

    task = request_writeback(order, "ZT78000000001", "zto")
    aftercommit.commit()

    db.session.expire_all()
    assert task.status == "done", task.last_error
    assert [(s["orderId"], s["logiCoprId"], s["logiNo"]) for s in sandbox.state.shipments] == [
        (str(FIRST_ORDER_ID + 1), "1499", "ZT78000000001")]
