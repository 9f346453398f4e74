"""Taobao channel sync over real HTTP against the local TOP sandbox: windows, paging, limits, errors."""
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import func, select

from tests.builders_taobao import make_taobao_catalogue, make_taobao_channel
from wms.channels import services
from wms.channels.base import ChannelAuthFailed, ChannelError, adapter_for
from wms.channels.mapping_models import SkuMapping
from wms.channels.sandbox.taobao import start_in_thread
from wms.channels.sandbox.taobao_seed import FIRST_TID
from wms.channels.taobao import INCREMENT_GET, TaobaoAdapter
from wms.channels.taobao_protocol import format_top_time, to_cursor
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Channel, Order

SEEDED = 10
SEEDED_LIVE = SEEDED - 2           # one closed unpaid, one refunded before we ever saw them
NEWEST = "2026-11-21T03:20:00+00:00"


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_taobao_catalogue()
    return make_taobao_channel(sandbox.base_url)


def order_count(channel_id):
    return db.session.scalar(select(func.count(Order.id)).where(Order.channel_id == channel_id))


def order_by_tid(channel_id, tid):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel_id, Order.external_id == str(tid)))


def cursor_of(channel_id):
    db.session.expire_all()
    return db.session.get(Channel, channel_id).sync_cursor


def calls(sandbox, method=INCREMENT_GET):
    return [r for r in sandbox.state.requests if r.get("method") == method]


def test_first_sync_imports_every_live_trade_and_records_the_newest_modified_as_cursor(channel, sandbox):
    summary = services.sync_orders(channel.id)

    assert (summary.fetched, summary.created, summary.failed) == (SEEDED, SEEDED_LIVE, 0), summary.errors
    assert summary.skipped_cancelled == 2
    assert order_count(channel.id) == SEEDED_LIVE
    wang = order_by_tid(channel.id, FIRST_TID)
    assert (wang.buyer_name, wang.province, wang.city, wang.district) == ("王芳", "上海", "上海市", "浦东新区")
    assert (wang.total_cents, wang.currency, wang.payment_status) == (16590, "CNY", "paid")
    assert [(line.sku_code, line.qty, line.unit_price_cents) for line in wang.lines] == [
        ("TEA-LJ-250", 2, 4800), ("MUG-CER-350", 1, 6990)]
    assert all(line.sku_id for line in wang.lines)
    assert cursor_of(channel.id) == NEWEST
    windows = [(r["start_modified"], r["end_modified"]) for r in calls(sandbox)]
    assert windows[0] == ("2026-11-18 08:00:00", "2026-11-19 08:00:00")  # one day per call, Beijing time
    assert all(r["use_has_next"] == "true" and r["sign_method"] == "md5" and r["v"] == "2.0" for r in calls(sandbox))


def test_second_sync_starts_at_the_cursor_and_creates_nothing(channel, sandbox):
    services.sync_orders(channel.id)
    sandbox.state.requests.clear()

    summary = services.sync_orders(channel.id)

    assert (summary.created, summary.updated) == (0, 0)
    assert summary.fetched == 1  # only the trade at the cursor's second (the window start is inclusive)
    assert calls(sandbox)[0]["start_modified"] == "2026-11-21 11:20:00"
    assert order_count(channel.id) == SEEDED_LIVE and cursor_of(channel.id) == NEWEST


def test_a_changed_trade_is_updated_and_a_new_one_created(channel, sandbox):
    services.sync_orders(channel.id)
    changed = requests.patch(f"{sandbox.base_url}/_sandbox/trades/{FIRST_TID + 1}", json={
        "receiver_address": "文三路100号2幢202室", "buyer_message": "改地址了"}).json()["trade"]
    added = requests.post(f"{sandbox.base_url}/_sandbox/trades", json={"seed": 1}).json()["trades"][0]

    summary = services.sync_orders(channel.id)

    assert (summary.created, summary.updated) == (1, 1), summary
    li = order_by_tid(channel.id, FIRST_TID + 1)
    assert (li.address, li.buyer_remark) == ("文三路100号2幢202室", "改地址了")
    assert order_by_tid(channel.id, added["tid"]).buyer_name == "李伟"
    assert cursor_of(channel.id) == to_cursor(added["modified"]) >= to_cursor(changed["modified"])


def test_a_trade_closed_on_taobao_cancels_our_copy(channel, sandbox):
    services.sync_orders(channel.id)
    requests.patch(f"{sandbox.base_url}/_sandbox/trades/{FIRST_TID}", json={"status": "TRADE_CLOSED"})

    summary = services.sync_orders(channel.id)

    assert summary.cancelled == 1
    assert order_by_tid(channel.id, FIRST_TID).status == states.CANCELLED


def test_paging_follows_has_next_within_each_window(app, sandbox):
    make_taobao_catalogue()
    channel = make_taobao_channel(sandbox.base_url, page_size=2)

    summary = services.sync_orders(channel.id, chunk_size=3)

    pages = [(r["start_modified"], r["page_no"]) for r in calls(sandbox)]
    assert ("2026-11-20 08:00:00", "3") in pages  # 5 trades that day, 2 a page
    assert all(r["page_size"] == "2" for r in calls(sandbox))
    assert summary.created == SEEDED_LIVE and summary.chunks == 4
    assert cursor_of(channel.id) == NEWEST


def test_a_call_limited_sync_waits_the_ban_and_carries_on(channel, sandbox):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"count": 2, "ban_seconds": 0})

    summary = services.sync_orders(channel.id)

    assert summary.created == SEEDED_LIVE
    assert sandbox.state.faults == []
    first_window = [r for r in calls(sandbox) if r["start_modified"] == "2026-11-18 08:00:00"]
    assert len(first_window) == 3  # refused twice with code 7, then answered


def test_the_adapter_sleeps_what_the_ban_says_and_gives_up_after_its_attempts(sandbox):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"count": 9, "ban_seconds": 3})
    slept = []
    shop = TaobaoAdapter(sandbox.base_url, "12345678", "sandbox-secret", "6100sandboxsession",
                         initial_since="2026-11-21T00:00:00Z", sleep=slept.append, max_attempts=3)

    with pytest.raises(ChannelError, match="kept refusing the call after 3 attempts") as error:
        list(shop.fetch_orders(None))
    assert slept == [3.0, 3.0] and error.value.code == "channel_unavailable"


def test_a_bad_session_fails_clearly_and_keeps_the_cursor(channel, sandbox):
    services.sync_orders(channel.id)
    channel = db.session.get(Channel, channel.id)
    channel.settings = {**channel.settings, "session": "6100expired"}
    db.session.commit()
    requests.post(f"{sandbox.base_url}/_sandbox/trades", json={"seed": 2})

    with pytest.raises(ChannelAuthFailed, match="seller session: 27 Invalid session"):
        services.sync_orders(channel.id)

    assert cursor_of(channel.id) == NEWEST
    assert order_count(channel.id) == SEEDED_LIVE


def test_a_wrong_secret_is_refused_as_an_invalid_signature_before_anything_is_imported(app, sandbox):
    channel = make_taobao_channel(sandbox.base_url, app_secret="not-the-secret")

    with pytest.raises(ChannelAuthFailed, match="25 Invalid signature"):
        services.sync_orders(channel.id)

    assert cursor_of(channel.id) is None and order_count(channel.id) == 0
    assert db.session.get(Channel, channel.id).last_synced_at is None


@pytest.mark.parametrize("sign_method", ["hmac", "hmac-sha256"])
def test_hmac_signed_calls_are_accepted_too(app, sandbox, sign_method):
    make_taobao_catalogue()
    channel = make_taobao_channel(sandbox.base_url, sign_method=sign_method)

    assert services.sync_orders(channel.id).created == SEEDED_LIVE
    assert {r["sign_method"] for r in calls(sandbox)} == {sign_method}


def test_windows_end_a_settle_time_before_now_so_late_indexed_trades_are_not_jumped(sandbox):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    shop = TaobaoAdapter(sandbox.base_url, "12345678", "sandbox-secret", "6100sandboxsession",
                         clock=lambda: now, initial_days=1, settle_seconds=60)

    list(shop.fetch_orders(None))

    assert calls(sandbox)[-1]["end_modified"] == format_top_time(now - timedelta(seconds=60))


def test_the_sandbox_refuses_windows_wider_than_a_day_like_top(channel, sandbox):
    shop = adapter_for(channel)

    with pytest.raises(ChannelError, match="isv.invalid-parameter"):
        shop.call(INCREMENT_GET, {"fields": "tid", "start_modified": "2026-11-18 00:00:00",
                                  "end_modified": "2026-11-19 00:00:01"})


def test_tracking_is_written_back_with_offline_send_and_the_sandbox_records_it(channel, sandbox):
    shop = adapter_for(channel)

    answer = shop.push_tracking(str(FIRST_TID), "顺丰速运", "SF1234567890123")

    assert answer == {"tid": str(FIRST_TID), "out_sid": "SF1234567890123", "company_code": "SF", "is_success": True}
    shipped = requests.get(f"{sandbox.base_url}/_sandbox/shipments").json()["shipments"]
    assert [(s["tid"], s["out_sid"], s["company_code"]) for s in shipped] == [(FIRST_TID, "SF1234567890123", "SF")]
    assert sandbox.state.trades[FIRST_TID]["status"] == "WAIT_BUYER_CONFIRM_GOODS"


def test_writing_back_an_unpaid_trade_is_refused_with_the_platform_reason(channel, sandbox):
    with pytest.raises(ChannelError, match="B04") as error:
        adapter_for(channel).push_tracking(str(FIRST_TID + 2), "ZTO", "7300000000001")

    assert error.value.details["sub_code"] == "isv.logistics-offline-service-error:B04"
    assert sandbox.state.shipments == []


def test_a_shipped_trade_syncs_back_unchanged(channel, sandbox):
    services.sync_orders(channel.id)
    adapter_for(channel).push_tracking(str(FIRST_TID), "SF", "SF1")

    summary = services.sync_orders(channel.id)

    assert (summary.fetched, summary.updated, summary.failed) == (2, 0, 0)  # the cursor's trade + the shipped one


def test_unknown_platform_skus_land_in_the_mapping_queue_and_the_order_still_imports(channel, sandbox):
    summary = services.sync_orders(channel.id)

    assert summary.failed == 0
    queued = db.session.scalars(select(SkuMapping).order_by(SkuMapping.platform_sku)).all()
    assert [(m.platform_sku, m.sample_title, m.sku_id) for m in queued] == [
        ("TB-GIFT-BOX", "茶礼盒 中秋送礼 龙井+普洱", None), ("tb-623456789012-4987654321098", "手工竹编收纳篮 大号", None)]
    zhang = order_by_tid(channel.id, FIRST_TID + 3)
    assert zhang.status == states.ON_HOLD and "unknown_sku" in zhang.hold_codes


def test_the_scheduled_tick_syncs_a_due_taobao_channel(channel, sandbox):
    queued = services.enqueue_due_syncs()  # RQ_SYNC: the job runs inline after the commit

    assert queued == [channel.id]
    assert order_count(channel.id) == SEEDED_LIVE and cursor_of(channel.id) == NEWEST


def test_the_tracking_write_back_task_reaches_taobao_through_the_adapter(channel, sandbox):
    from wms import aftercommit
    from wms.tracking.writeback import request_writeback

    services.sync_orders(channel.id)
    order = order_by_tid(channel.id, FIRST_TID + 1)

    task = request_writeback(order, "ZT78000000001", "zto")
    aftercommit.commit()  # the push job runs after the commit (inline in tests)

    db.session.expire_all()
    assert task.status == "done", task.last_error
    assert [(s["tid"], s["out_sid"], s["company_code"]) for s in sandbox.state.shipments] == [
        (FIRST_TID + 1, "ZT78000000001", "ZTO")]
