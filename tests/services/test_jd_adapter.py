"""The JD adapter over real HTTP against the local JOS sandbox: windows and pages, order detail, 出库,
refund applications, stock, every failure mode of the sandbox and hostile answers."""
import json

import pytest
import requests

from tests.builders_jd import jd_settings
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable
from wms.channels.jd import ORDER_SEARCH, SHIPMENT, STOCK_UPDATE, JdAdapter
from wms.channels.sandbox.jd import start_in_thread
from wms.channels.sandbox.jd_seed import FIRST_ORDER_ID

NEWEST = "2026-11-21T03:20:00+00:00"


@pytest.fixture
def sandbox():
    running = start_in_thread(hang_s=0.6)
    yield running
    running.stop()


def adapter(sandbox, **options):
    slept = []
    settings = jd_settings(sandbox.base_url, sleep=slept.append, **options)
    shop = JdAdapter(settings.pop("gateway_url"), settings.pop("app_key"), settings.pop("app_secret"),
                     settings.pop("access_token"), **settings)
    return shop, slept


def calls(sandbox, method=ORDER_SEARCH):
    return [r for r in sandbox.state.requests if r.get("method") == method]


def test_orders_come_oldest_change_first_in_one_day_windows_with_the_newest_as_last_cursor(sandbox):
    shop, _ = adapter(sandbox)

    pairs = list(shop.fetch_orders(None))

    assert len(pairs) == 10 and pairs[-1][1] == NEWEST
    assert [cursor for _r, cursor in pairs] == sorted(cursor for _r, cursor in pairs)
    first = calls(sandbox)[0]
    assert (first["business"]["start_date"], first["business"]["end_date"]) == ("2026-11-18 08:00:00", "2026-11-19 08:00:00")
    assert first["business"]["dateType"] == 0 and "TRADE_CANCELED" in first["business"]["order_state"]
    assert first["v"] == "2.0" and list(json.loads(first["360buy_param_json"])) == sorted(first["business"])


def test_pages_follow_order_total_within_a_window(sandbox):
    shop, _ = adapter(sandbox, page_size=2)

    assert len(list(shop.fetch_orders(None))) == 10

    pages = [(r["business"]["start_date"], r["business"]["page"]) for r in calls(sandbox)]
    assert ("2026-11-20 08:00:00", "3") in pages and ("2026-11-20 08:00:00", "4") not in pages
    assert {r["business"]["page_size"] for r in calls(sandbox)} == {"2"}


def test_a_cursor_starts_the_next_pull_at_its_second(sandbox):
    shop, _ = adapter(sandbox)

    pairs = list(shop.fetch_orders(NEWEST))

    assert [record["external_id"] for record, _c in pairs] == [str(FIRST_ORDER_ID + 9)]
    assert calls(sandbox)[0]["business"]["start_date"] == "2026-11-21 11:20:00"


def test_one_order_is_read_by_its_id(sandbox):
    shop, _ = adapter(sandbox)

    record = shop.fetch_order(FIRST_ORDER_ID + 1)

    assert (record["buyer_name"], record["buyer_remark"], record["total_cents"]) == ("李伟", "请周末送货，谢谢", 12800)


def test_an_order_ships_with_jds_logistics_id_and_waybill(sandbox):
    shop, _ = adapter(sandbox)

    answer = shop.push_tracking(str(FIRST_ORDER_ID), "顺丰速运", "SF1234567890123")

    assert answer == {"orderId": str(FIRST_ORDER_ID), "logiCoprId": "467", "logiNo": "SF1234567890123", "success": True}
    shipped = requests.get(f"{sandbox.base_url}/_sandbox/shipments").json()["shipments"]
    assert [(s["orderId"], s["logiCoprId"], s["logiNo"]) for s in shipped] == [(str(FIRST_ORDER_ID), "467", "SF1234567890123")]
    assert sandbox.state.orders[str(FIRST_ORDER_ID)]["orderState"] == "WAIT_GOODS_RECEIVE_CONFIRM"


def test_shipping_an_order_twice_is_refused_with_jds_words(sandbox):
    shop, _ = adapter(sandbox)
    shop.push_tracking(str(FIRST_ORDER_ID), "SF", "SF1")

    with pytest.raises(ChannelError, match="WAIT_GOODS_RECEIVE_CONFIRM，不能出库") as refused:
        shop.push_tracking(str(FIRST_ORDER_ID), "SF", "SF2")
    assert refused.value.details["jd_code"] == "10500009" and len(sandbox.state.shipments) == 1


def test_a_carrier_jd_has_no_id_for_is_refused_before_any_call(sandbox):
    shop, _ = adapter(sandbox)

    with pytest.raises(ChannelError, match="no logistics company for carrier Pony Express"):
        shop.push_tracking(str(FIRST_ORDER_ID), "Pony Express", "P1")
    assert calls(sandbox, SHIPMENT) == []


def test_refund_applications_come_by_last_change_from_both_windows(sandbox):
    shop, _ = adapter(sandbox)

    pairs = list(shop.fetch_refunds(None))

    assert [(r["refund_id"], r["status"], cursor) for r, cursor in pairs] == [
        ("7650003", "refused", "2026-11-19T08:30:00+00:00"), ("7650001", "requested", "2026-11-20T02:03:00+00:00"),
        ("7650002", "done", "2026-11-20T12:00:00+00:00")]
    assert pairs[2][0]["amount_cents"] == 4800 and pairs[2][0]["external_id"] == str(FIRST_ORDER_ID + 5)
    windows = {(prefix, r["business"].get(f"{prefix}TimeStart")) for r in sandbox.state.requests for prefix in ("apply", "check")
               if r["business"].get(f"{prefix}TimeStart")}
    assert ("apply", "2026-11-18 08:00:00") in windows and ("check", "2026-11-18 08:00:00") in windows


def test_refunds_after_a_cursor_only(sandbox):
    shop, _ = adapter(sandbox)

    assert [r["refund_id"] for r, _c in shop.fetch_refunds("2026-11-20T03:00:00+00:00")] == ["7650002"]


def test_stock_is_set_one_sku_a_call_and_an_unknown_sku_is_refused_on_its_own(sandbox):
    shop, _ = adapter(sandbox)

    assert shop.stock_batch_size == 1
    assert shop.push_stock([{"platform_sku": "100012345602", "qty": 7}]) == [
        {"platform_sku": "100012345602", "ok": True, "error": None}]
    [refused] = shop.push_stock([{"platform_sku": "100099999999", "qty": 3}])
    assert not refused["ok"] and "不存在或不属于当前商家" in refused["error"]
    assert requests.get(f"{sandbox.base_url}/_sandbox/stock").json()["stock"]["100012345602"] == 7
    assert [r["business"] for r in calls(sandbox, STOCK_UPDATE)] == [
        {"skuId": 100012345602, "stockNum": 7}, {"skuId": 100099999999, "stockNum": 3}]


def test_a_batch_larger_than_jd_takes_and_bad_items_never_reach_jd(sandbox):
    shop, _ = adapter(sandbox)

    with pytest.raises(ChannelError, match="1 SKU"):
        shop.push_stock([{"platform_sku": "100012345601", "qty": 1}] * 2)
    assert shop.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 1}])[0]["error"] == "not a JD skuId: 'TEA-LJ-250'"
    assert shop.push_stock([{"platform_sku": "100012345601", "qty": -1}])[0]["ok"] is False
    assert calls(sandbox, STOCK_UPDATE) == []


def test_an_expired_token_fails_the_stock_call_whole_not_as_a_refusal(sandbox):
    sandbox.state.fail_next("auth", method=STOCK_UPDATE)
    shop, _ = adapter(sandbox)

    with pytest.raises(ChannelAuthFailed, match="19 token已过期"):
        shop.push_stock([{"platform_sku": "100012345601", "qty": 1}])


def test_an_expired_access_token_is_an_auth_failure_and_is_not_retried(sandbox):
    sandbox.state.fail_next("auth")
    shop, slept = adapter(sandbox)

    with pytest.raises(ChannelAuthFailed) as error:
        list(shop.fetch_orders(None))
    assert error.value.details["jd_code"] == "19" and slept == [] and len(calls(sandbox)) == 1


def test_a_wrong_secret_is_refused_by_the_sandbox_as_an_invalid_signature(sandbox):
    shop, _ = adapter(sandbox, app_secret="not-the-secret")
    shop.app_secret = "not-the-secret"

    with pytest.raises(ChannelAuthFailed, match="12 无效签名"):
        list(shop.fetch_orders(None))


def test_call_limited_answers_are_retried_with_backoff(sandbox):
    sandbox.state.fail_next("rate_limit", times=2)
    shop, slept = adapter(sandbox)

    assert len(list(shop.fetch_orders(None))) == 10
    assert slept == [0.5, 1.0] and sandbox.state.faults == []


def test_a_call_limit_that_outlasts_the_attempts_is_unavailable(sandbox):
    sandbox.state.fail_next("rate_limit", times=9)
    shop, slept = adapter(sandbox, max_attempts=3)

    with pytest.raises(ChannelUnavailable, match="kept refusing the call after 3 attempts: 2 限制时间内调用失败次数"):
        list(shop.fetch_orders(None))
    assert slept == [0.5, 1.0]


def test_5xx_is_retried_and_gives_up_clearly(sandbox):
    sandbox.state.fail_next("unavailable", times=1)
    shop, slept = adapter(sandbox)
    assert len(list(shop.fetch_orders(None))) == 10 and slept == [0.5]

    sandbox.state.fail_next("unavailable", times=9)
    with pytest.raises(ChannelUnavailable, match="503 after 2 attempts"):
        list(adapter(sandbox, max_attempts=2)[0].fetch_orders(None))


def test_a_timeout_is_retried(sandbox):
    sandbox.state.fail_next("timeout")
    shop, slept = adapter(sandbox, timeout=(2, 0.3))

    assert len(list(shop.fetch_orders(None))) == 10 and slept == [0.5]


def test_an_unreachable_gateway_is_unavailable_not_a_crash(sandbox):
    base_url = sandbox.base_url
    sandbox.stop()
    shop = JdAdapter(base_url, "k", "s", "t", sleep=lambda s: None, max_attempts=2, timeout=(0.5, 0.5))

    with pytest.raises(ChannelUnavailable, match="did not answer"):
        list(shop.fetch_orders(None))


def test_the_documented_one_month_rule_comes_back_as_a_business_error_with_jds_words(sandbox):
    sandbox.state.fail_next("business", method=ORDER_SEARCH)
    shop, slept = adapter(sandbox)

    with pytest.raises(ChannelError, match="不得相差超过1个月") as error:
        list(shop.fetch_orders(None))
    assert error.value.code == "channel_error" and slept == []


@pytest.mark.parametrize("kind, message", [
    ("garbage", "answered 200 without JSON"), ("missing_fields", "an order we cannot read .*modified is missing"),
    ("wrong_types", "in a shape we do not know"),
])
def test_hostile_answers_are_a_clear_channel_error(sandbox, kind, message):
    sandbox.state.fail_next(kind, method=ORDER_SEARCH)
    shop, _ = adapter(sandbox)

    with pytest.raises(ChannelError, match=message):
        list(shop.fetch_orders(None))


def test_the_sandbox_refuses_windows_wider_than_a_month_and_unknown_faults(sandbox):
    shop, _ = adapter(sandbox)

    with pytest.raises(ChannelError, match="相差不能超过 31 天"):
        shop.call(ORDER_SEARCH, {"order_state": "LOCKED", "optional_fields": "orderId", "page": "1", "page_size": "10",
                                 "start_date": "2026-09-01 00:00:00", "end_date": "2026-11-01 00:00:00"})
    assert requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"kind": "meteor"}).status_code == 400
