"""Douyin shop sync over real HTTP against the local 抖店 sandbox: windows, paging, an interrupted sync resumed,
write-back, after-sales, stock, and every failure mode of the sandbox (auth, rate limit, 5xx, timeout,
business error, hostile answers)."""
import time
from datetime import datetime, timezone

import pytest
import requests
from sqlalchemy import func, select

from tests.builders_douyin import make_douyin_catalogue, make_douyin_channel
from wms.channels import services
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable, adapter_for
from wms.channels.douyin import AFTER_SALE_LIST, SEARCH_LIST, SYNC_STOCK, SYNC_STOCK_BATCH, DouyinAdapter
from wms.channels.douyin_protocol import epoch_of, from_cursor, to_cursor
from wms.channels.sandbox.douyin import DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_TOKEN, start_in_thread
from wms.channels.sandbox.douyin_seed import FIRST_ORDER_ID
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Channel, Order

SEEDED = 10
SEEDED_LIVE = SEEDED - 2            # one cancelled unpaid, one cancelled after payment: never seen before
NEWEST = "2026-11-21T03:20:00+00:00"  # 11:20 Beijing time


def oid(n):
    return str(FIRST_ORDER_ID + 10 * n)


def no_sleep(_seconds):
    pass


@pytest.fixture
def sandbox():
    running = start_in_thread(hang_s=0.6)
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_douyin_catalogue()
    return make_douyin_channel(sandbox.base_url)


def adapter(sandbox, **options):
    return DouyinAdapter(sandbox.base_url, DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_TOKEN, settle_seconds=0,
                         initial_since="2026-11-18T00:00:00Z", **{"sleep": no_sleep, **options})


def sync(channel, **options):
    return services.sync_orders(channel.id, adapter=adapter_for(channel, sleep=no_sleep, **options))


def order_count(channel_id):
    return db.session.scalar(select(func.count(Order.id)).where(Order.channel_id == channel_id))


def order_by_id(channel_id, external_id):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel_id, Order.external_id == external_id))


def cursor_of(channel_id):
    db.session.expire_all()
    return db.session.get(Channel, channel_id).sync_cursor


def calls(sandbox, method=SEARCH_LIST):
    return [r for r in sandbox.state.requests if r["method"] == method]


# --- orders ------------------------------------------------------------------------------------

def test_first_sync_imports_every_live_order_and_records_the_newest_update_as_cursor(channel, sandbox):
    summary = sync(channel)

    assert (summary.fetched, summary.created, summary.failed) == (SEEDED, SEEDED_LIVE, 0), summary.errors
    assert summary.skipped_cancelled == 2
    wang = order_by_id(channel.id, oid(0))
    assert (wang.buyer_name, wang.buyer_phone, wang.province, wang.district) == ("王*", "138****8000", "上海市", "浦东新区")
    assert (wang.total_cents, wang.currency, wang.payment_status) == (16590, "CNY", "paid")
    assert [(line.sku_code, line.qty, line.unit_price_cents) for line in wang.lines] == [
        ("TEA-LJ-250", 2, 4800), ("MUG-CER-350", 1, 6990)]
    assert order_by_id(channel.id, oid(2)).payment_status == "pending"
    assert cursor_of(channel.id) == NEWEST
    first = calls(sandbox)[0]
    assert first["body"]["update_time_start"] == epoch_of(datetime(2026, 11, 18, tzinfo=timezone.utc))
    assert first["body"]["update_time_end"] - first["body"]["update_time_start"] == 86400  # one day a window
    assert all(r["body"]["order_by"] == "update_time" and r["body"]["order_asc"] is True and r["body"]["size"] == 100
               for r in calls(sandbox))
    assert all(r["query"]["sign_method"] == "hmac-sha256" and r["query"]["v"] == "2" for r in calls(sandbox))


def test_second_sync_starts_at_the_cursor_and_creates_nothing(channel, sandbox):
    sync(channel)
    sandbox.state.requests.clear()

    summary = sync(channel)

    assert (summary.created, summary.updated, summary.fetched) == (0, 0, 1)  # only the order at the cursor's second
    assert calls(sandbox)[0]["body"]["update_time_start"] == epoch_of(from_cursor(NEWEST))
    assert order_count(channel.id) == SEEDED_LIVE and cursor_of(channel.id) == NEWEST


def test_a_changed_order_is_updated_a_new_one_created_and_a_cancelled_one_intercepted(channel, sandbox):
    sync(channel)
    changed = sandbox.state.modify_order(oid(1), {"buyer_words": "改成工作日送"})
    added = sandbox.state.add_order({"seed": 4})
    sandbox.state.modify_order(oid(0), {"order_status": 4})

    summary = sync(channel)

    # the cancelled one is updated too (paid, now refunded) before it is intercepted
    assert (summary.created, summary.updated, summary.cancelled) == (1, 2, 1), summary
    assert order_by_id(channel.id, oid(1)).buyer_remark == "改成工作日送"
    assert order_by_id(channel.id, added["order_id"]).buyer_name == "刘*"
    assert order_by_id(channel.id, oid(0)).status == states.CANCELLED
    assert cursor_of(channel.id) >= to_cursor(changed["update_time"])


def test_paging_walks_every_page_of_a_window(app, sandbox):
    make_douyin_catalogue()
    channel = make_douyin_channel(sandbox.base_url, page_size=2)

    summary = sync(channel, page_size=2)

    third_day = epoch_of(datetime(2026, 11, 20, tzinfo=timezone.utc))
    pages = [r["body"]["page"] for r in calls(sandbox) if r["body"]["update_time_start"] == third_day]
    assert pages == [0, 1, 2]  # 5 orders that day, 2 a page
    assert summary.created == SEEDED_LIVE and cursor_of(channel.id) == NEWEST


def test_an_interrupted_sync_keeps_the_cursor_of_its_committed_chunk_and_resumes_there(app, sandbox):
    make_douyin_catalogue()
    channel = make_douyin_channel(sandbox.base_url)
    sandbox.state.fail_next("server", times=2, after=3)  # the third day's first page fails twice

    with pytest.raises(ChannelUnavailable, match="kept answering 500"):
        services.sync_orders(channel.id, chunk_size=2, adapter=adapter_for(
            channel, sleep=no_sleep, page_size=2, max_attempts=2))

    assert order_count(channel.id) == 2  # one chunk of the second day committed, its third order was not
    assert cursor_of(channel.id) == to_cursor(order_by_id(channel.id, oid(1)) and
                                              sandbox.state.orders[oid(1)]["update_time"])

    summary = services.sync_orders(channel.id, chunk_size=2, adapter=adapter_for(channel, sleep=no_sleep, page_size=2))

    assert (summary.created, summary.unchanged) == (SEEDED_LIVE - 2, 1)  # the cursor's order comes again, unchanged
    assert order_count(channel.id) == SEEDED_LIVE and cursor_of(channel.id) == NEWEST


def test_one_order_is_read_with_order_detail(channel, sandbox):
    record = adapter(sandbox).fetch_order(oid(4))

    assert (record["external_id"], record["total_cents"]) == (oid(4), 18600)
    assert calls(sandbox, "order.orderDetail")[0]["body"] == {"shop_order_id": oid(4)}


# --- write-back --------------------------------------------------------------------------------

def test_tracking_is_written_back_with_logistics_add_and_the_order_syncs_back_shipped(channel, sandbox):
    sync(channel)

    answer = adapter_for(channel).push_tracking(oid(1), "zto", "ZT78000000001")

    assert answer == {"order_id": oid(1), "company_code": "zhongtong", "logistics_code": "ZT78000000001"}
    assert [(s["order_id"], s["company_code"], s["logistics_code"]) for s in sandbox.state.shipments] == [
        (oid(1), "zhongtong", "ZT78000000001")]
    assert sandbox.state.orders[oid(1)]["order_status"] == 3
    assert sync(channel).failed == 0


def test_writing_back_an_unpaid_order_is_refused_with_the_platform_reason(channel, sandbox):
    with pytest.raises(ChannelError, match="不允许发货") as error:
        adapter_for(channel).push_tracking(oid(2), "SF", "SF1")

    assert type(error.value) is ChannelError and error.value.details["douyin_code"] == 50002
    assert sandbox.state.shipments == []


def test_the_tracking_write_back_task_reaches_douyin_through_the_adapter(channel, sandbox):
    from wms import aftercommit
    from wms.tracking.writeback import request_writeback

    sync(channel)
    task = request_writeback(order_by_id(channel.id, oid(4)), "SF1234567890", "sf")
    aftercommit.commit()  # the push job runs after the commit (inline in tests)

    db.session.expire_all()
    assert task.status == "done", task.last_error
    assert [(s["order_id"], s["company_code"]) for s in sandbox.state.shipments] == [(oid(4), "shunfeng")]


# --- after-sales -------------------------------------------------------------------------------

def test_after_sales_are_fetched_oldest_change_first_with_cursors_and_resume_from_one(sandbox):
    shop = adapter(sandbox, page_size=1, window_hours=24 * 90)  # one window: both seeded after-sales, a page each

    first = list(shop.fetch_refunds(None))

    assert [(r["refund_id"], r["external_id"], r["kind"], r["status"]) for r, _c in first] == [
        ("7100000000000000001", oid(1), "refund_only", "requested"),
        ("7100000000000000002", oid(8), "return_refund", "agreed")]
    assert first[1][0]["return_tracking_number"] == "ZT7788990011"
    assert [c for _r, c in first] == ["2026-11-19T06:00:00+00:00", "2026-11-21T04:30:00+00:00"]
    assert any(r["body"]["page"] == 1 for r in calls(sandbox, AFTER_SALE_LIST))  # has_more followed
    added = sandbox.state.add_after_sale(oid(4), kind=3, status=6, reason="尺码不合适")

    again = list(shop.fetch_refunds(first[-1][1]))

    assert [r["refund_id"] for r, _c in again] == ["7100000000000000002", added["aftersale_info"]["aftersale_id"]]
    assert again[-1][0]["kind"] == "exchange"


def test_a_hostile_after_sale_stops_the_pull_with_a_clear_error(sandbox):
    item = next(iter(sandbox.state.after_sales.values()))
    item["aftersale_info"]["aftersale_status"] = 99

    with pytest.raises(ChannelError, match="afterSale.List with a record we cannot read: .*aftersale_status 99"):
        list(adapter(sandbox).fetch_refunds(None))


# --- stock -------------------------------------------------------------------------------------

def test_stock_is_pushed_one_sku_a_call_by_merchant_code_or_by_product_and_sku_id(sandbox):
    shop = adapter(sandbox)

    results = [shop.push_stock([item])[0] for item in (
        {"platform_sku": "TEA-LJ-250", "qty": 7}, {"platform_sku": "dy-3571000000000000009-1770000000000009", "qty": 0})]

    assert results == [{"platform_sku": "TEA-LJ-250", "ok": True, "error": None},
                       {"platform_sku": "dy-3571000000000000009-1770000000000009", "ok": True, "error": None}]
    assert sandbox.state.stock["TEA-LJ-250"] == 7 and sandbox.state.stock["dy-3571000000000000009-1770000000000009"] == 0
    assert [r["body"] for r in calls(sandbox, SYNC_STOCK)] == [
        {"code": "TEA-LJ-250", "incremental": False, "stock_num": 7},
        {"incremental": False, "product_id": 3571000000000000009, "sku_id": 1770000000000009, "stock_num": 0}]


def test_a_batch_larger_than_the_platform_takes_is_refused_before_any_call(sandbox):
    shop = adapter(sandbox)
    with pytest.raises(ChannelError, match=f"at most {shop.stock_batch_size} SKU"):
        shop.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 1}] * (shop.stock_batch_size + 1))

    assert calls(sandbox, SYNC_STOCK) == [] and calls(sandbox, SYNC_STOCK_BATCH) == []


def test_the_skus_of_one_product_go_in_one_batch_call_and_a_refused_batch_is_answered_per_sku(sandbox):
    """sku.syncStockBatch is all or nothing and does not say which SKU it refused: its SKUs are then sent one
    by one, so only the unknown one is refused and the others are set."""
    keys = [f"dy-3571000000000000077-{1770000000000700 + n}" for n in range(3)]
    for key in keys:
        sandbox.state.stock[key] = 0
    shop = adapter(sandbox)
    assert len({shop.stock_group(key) for key in keys}) == 1 and shop.stock_group("TEA-LJ-250") != shop.stock_group(keys[0])
    assert all(a["ok"] for a in shop.push_stock([{"platform_sku": key, "qty": 4 + n} for n, key in enumerate(keys)]))
    [batch] = calls(sandbox, SYNC_STOCK_BATCH)
    assert batch["body"]["incremental"] is False and [e["stock_num"] for e in batch["body"]["sku_sync_list"]] == [4, 5, 6]
    assert calls(sandbox, SYNC_STOCK) == [] and [sandbox.state.stock[key] for key in keys] == [4, 5, 6]
    answers = shop.push_stock([{"platform_sku": keys[0], "qty": 1}, {"platform_sku": "dy-3571000000000000077-9", "qty": 2},
                               {"platform_sku": keys[2], "qty": 3}])
    assert [a["ok"] for a in answers] == [True, False, True] and "-20004" in answers[1]["error"]
    assert [sandbox.state.stock[key] for key in keys] == [1, 5, 3] and len(calls(sandbox, SYNC_STOCK)) == 3


def test_a_refused_sku_is_a_per_item_result_not_an_exception(sandbox):
    shop = adapter(sandbox)

    unknown = shop.push_stock([{"platform_sku": "NO-SUCH-SKU", "qty": 3}])
    negative = shop.push_stock([{"platform_sku": "TEA-LJ-250", "qty": -1}])
    sandbox.state.fail_next("business")
    short = shop.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 3}])

    assert unknown[0]["ok"] is False and "sku不存在" in unknown[0]["error"]
    assert negative[0]["ok"] is False and len(calls(sandbox, SYNC_STOCK)) == 2  # never sent
    assert short[0]["ok"] is False and "库存不足" in short[0]["error"]
    assert sandbox.state.stock["TEA-LJ-250"] == 120


def test_a_batch_rides_out_a_rate_limit_and_a_timeout_a_business_refusal_is_asked_per_sku_and_auth_fails_it(sandbox):
    keys = [f"dy-3571000000000000088-{1770000000000800 + n}" for n in range(2)]
    for key in keys:
        sandbox.state.stock[key] = 0
    sandbox.state.hang_s = 0.5
    shop = adapter(sandbox, timeout=(1, 0.2))
    sandbox.state.fail_next("rate_limit")
    sandbox.state.fail_next("timeout")  # queued after the rate limit: the third call goes through
    assert all(a["ok"] for a in shop.push_stock([{"platform_sku": key, "qty": 2} for key in keys]))
    assert [sandbox.state.stock[key] for key in keys] == [2, 2] and len(calls(sandbox, SYNC_STOCK_BATCH)) == 3
    sandbox.state.fail_next("business")  # the batch refused as a whole: each SKU is asked on its own
    assert all(a["ok"] for a in shop.push_stock([{"platform_sku": key, "qty": 3} for key in keys]))
    assert [sandbox.state.stock[key] for key in keys] == [3, 3] and len(calls(sandbox, SYNC_STOCK)) == 2
    sandbox.state.fail_next("auth")
    with pytest.raises(ChannelAuthFailed):
        shop.push_stock([{"platform_sku": key, "qty": 4} for key in keys])
    assert [sandbox.state.stock[key] for key in keys] == [3, 3]


def test_a_stock_push_rides_out_a_rate_limit_but_an_auth_failure_fails_the_call(sandbox):
    shop = adapter(sandbox)
    sandbox.state.fail_next("rate_limit", times=2)

    assert shop.push_stock([{"platform_sku": "MUG-CER-350", "qty": 9}])[0]["ok"] is True
    sandbox.state.fail_next("auth")
    with pytest.raises(ChannelAuthFailed):
        shop.push_stock([{"platform_sku": "MUG-CER-350", "qty": 8}])
    assert sandbox.state.stock["MUG-CER-350"] == 9


# --- failures ----------------------------------------------------------------------------------

def test_a_rate_limited_sync_backs_off_and_carries_on(channel, sandbox):
    slept = []
    sandbox.state.fail_next("rate_limit", times=2)

    summary = services.sync_orders(channel.id, adapter=adapter_for(channel, sleep=slept.append))

    assert summary.created == SEEDED_LIVE and slept == [0.5, 1.0]
    assert sandbox.state.faults == []


def test_the_adapter_gives_up_after_its_attempts_as_unavailable(sandbox):
    slept = []
    sandbox.state.fail_next("rate_limit", times=9)

    with pytest.raises(ChannelUnavailable, match="after 3 attempts: 60000") as error:
        list(adapter(sandbox, sleep=slept.append, max_attempts=3).fetch_orders(None))
    assert slept == [0.5, 1.0] and error.value.details["sub_code"] == "isv.traffic-limited"


def test_a_5xx_is_retried(channel, sandbox):
    sandbox.state.fail_next("server")

    assert sync(channel).created == SEEDED_LIVE
    first_day = epoch_of(datetime(2026, 11, 18, tzinfo=timezone.utc))
    assert len([r for r in calls(sandbox) if r["body"]["update_time_start"] == first_day]) == 2  # refused, then answered


def test_a_timeout_is_retried_then_reported_unavailable(sandbox):
    shop = adapter(sandbox, timeout=0.2, max_attempts=2)
    sandbox.state.fail_next("timeout")

    assert len(list(shop.fetch_orders(None))) == SEEDED
    sandbox.state.fail_next("timeout", times=2)
    with pytest.raises(ChannelUnavailable, match="did not answer"):
        list(shop.fetch_orders(None))


def test_a_lost_authorisation_fails_clearly_and_keeps_the_cursor(channel, sandbox):
    sync(channel)
    sandbox.state.add_order({"seed": 1})
    sandbox.state.fail_next("auth")

    with pytest.raises(ChannelAuthFailed, match="30001 .*dop.authorization-no-existed"):
        sync(channel)

    assert cursor_of(channel.id) == NEWEST and order_count(channel.id) == SEEDED_LIVE


@pytest.mark.parametrize("setting, sub_code", [({"access_token": "expired-token"}, "isv.access-token-no-existed"),
                                               ({"app_secret": "not-the-secret"}, "isv.signature-invalid")])
def test_a_wrong_token_or_secret_is_refused_before_anything_is_imported(app, sandbox, setting, sub_code):
    channel = make_douyin_channel(sandbox.base_url, **setting)

    with pytest.raises(ChannelAuthFailed, match=sub_code):
        sync(channel)

    assert cursor_of(channel.id) is None and order_count(channel.id) == 0


def test_md5_signed_calls_are_accepted_too(app, sandbox):
    make_douyin_catalogue()
    channel = make_douyin_channel(sandbox.base_url, sign_method="md5")

    assert sync(channel).created == SEEDED_LIVE
    assert {r["query"]["sign_method"] for r in calls(sandbox)} == {"md5"}


def test_a_clock_ten_minutes_off_is_refused_by_the_gateway(sandbox):
    late = adapter(sandbox, clock=lambda: datetime.fromtimestamp(time.time() - 660, timezone.utc))

    with pytest.raises(ChannelError, match="isv.timestamp-invalid"):
        late.fetch_order(oid(0))


def test_a_business_error_is_a_channel_error_with_the_platform_message(sandbox):
    sandbox.state.fail_next("business")

    with pytest.raises(ChannelError, match="Douyin rejected order.searchList: 50002 .*库存不足") as error:
        list(adapter(sandbox).fetch_orders(None))
    assert type(error.value) is ChannelError


@pytest.mark.parametrize("change, field", [
    (lambda o: o.update(pay_amount="165.90"), "pay_amount"),
    (lambda o: o.update(sku_order_list=None), "sku_order_list"),
    (lambda o: o["sku_order_list"][0].update(item_num=None), "item_num"),
])
def test_a_hostile_order_stops_the_sync_before_anything_is_imported(channel, sandbox, change, field):
    change(sandbox.state.orders[oid(0)])

    with pytest.raises(ChannelError, match=f"record we cannot read: .*{field}"):
        sync(channel)

    assert order_count(channel.id) == 0 and cursor_of(channel.id) is None


def test_a_hostile_answer_shape_is_a_clear_error(sandbox):
    sandbox.state.fail_next("malformed")

    with pytest.raises(ChannelError, match="shop_order_list is not a list"):
        list(adapter(sandbox).fetch_orders(None))
    sandbox.state.orders[oid(0)]["order_status"] = "已取消"
    with pytest.raises(ChannelError, match="order_status is missing or not a whole number"):
        list(adapter(sandbox).fetch_orders(None))


def test_the_sandbox_refuses_a_page_larger_than_the_platform_allows(sandbox):
    shop = adapter(sandbox)

    with pytest.raises(ChannelError, match="size 取值范围 1-100"):
        shop.call(SEARCH_LIST, {"update_time_start": 0, "update_time_end": 1, "page": 0, "size": 101})
    with pytest.raises(ChannelError, match="isp.api-service-off"):
        shop.call("order.noSuchMethod", {})


def test_the_sandbox_faults_can_be_set_over_http(sandbox):
    answer = requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"kind": "auth", "times": 2}, timeout=5)
    refused = requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"kind": "nonsense"}, timeout=5)

    assert answer.json() == {"pending": 2} and refused.status_code == 400
