"""Pinduoduo over real HTTP against the local PDD sandbox: the sync with reverse paging and a resumed
interruption, shipping written back (once, also after a lost answer), after-sales, stock pushes,
every failure mode of the sandbox, and hostile answers refused clearly."""
import pytest
from sqlalchemy import func, select

from tests.builders_pdd import make_pdd_adapter, make_pdd_catalogue, make_pdd_channel
from wms.channels import services
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable
from wms.channels.pdd_gateway import GOODS_LIST, ONLINE_SEND, ORDER_INCREMENT, QUANTITY_UPDATE
from wms.channels.pdd_protocol import parse_pdd_time, to_cursor
from wms.channels.sandbox import pdd as pdd_sandbox
from wms.channels.sandbox.pdd import start_in_thread
from wms.channels.sandbox.pdd_seed import SEED, order_sn
from wms.extensions import db
from wms.orders.models import Channel, Order

SEEDED = len(SEED)
SEEDED_LIVE = SEEDED - 2   # one cancelled unpaid, one refunded before we ever saw them


@pytest.fixture
def sandbox():
    running = start_in_thread(hang_s=0.8)
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_pdd_catalogue()
    return make_pdd_channel(sandbox)


def calls(sandbox, method):
    return [r for r in sandbox.state.requests if r.get("type") == method]


def order_count(channel_id):
    return db.session.scalar(select(func.count(Order.id)).where(Order.channel_id == channel_id))


def order_by_sn(channel_id, sn):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel_id, Order.external_id == sn))


def cursor_of(channel_id):
    db.session.expire_all()
    return db.session.get(Channel, channel_id).sync_cursor


# --- sync ----------------------------------------------------------------------------------

def test_first_sync_imports_every_live_order_with_masked_receivers_and_records_the_newest_update(channel, sandbox):
    summary = services.sync_orders(channel.id)

    assert (summary.fetched, summary.created, summary.failed) == (SEEDED, SEEDED_LIVE, 0), summary.errors
    assert summary.skipped_cancelled == 2
    wang = order_by_sn(channel.id, order_sn(0))
    assert (wang.buyer_name, wang.province, wang.city, wang.district) == ("王*", "上海市", "上海市", "浦东新区")
    assert (wang.total_cents, wang.currency, wang.payment_status) == (15170, "CNY", "paid")
    assert [(line.sku_code, line.qty, line.unit_price_cents) for line in wang.lines] == [
        ("TEA-LJ-250", 2, 4590), ("MUG-CER-350", 1, 5990)]
    newest = max(o["updated_at"] for o in sandbox.state.orders.values())
    assert cursor_of(channel.id) == to_cursor(parse_pdd_time(newest))
    windows = [(int(r["start_updated_at"]), int(r["end_updated_at"])) for r in calls(sandbox, ORDER_INCREMENT)]
    assert all(0 <= end - start <= 1800 for start, end in windows)
    assert all(r["order_status"] == "5" and r["refund_status"] == "5" for r in calls(sandbox, ORDER_INCREMENT))


def test_a_window_over_one_page_is_counted_then_read_from_the_last_page_back(channel, sandbox):
    for _ in range(5):
        sandbox.state.add_order({"seed": 1})
    adapter = make_pdd_adapter(sandbox, page_size=2)

    summary = services.sync_orders(channel.id, adapter=adapter)

    assert summary.created == SEEDED_LIVE + 5 and summary.failed == 0, summary.errors
    last = [(r["page"], r["use_has_next"]) for r in calls(sandbox, ORDER_INCREMENT)][-4:]
    assert last == [("1", "false"), ("3", "true"), ("2", "true"), ("1", "true")], last
    assert all(r["page_size"] == "2" for r in calls(sandbox, ORDER_INCREMENT))


def test_an_interrupted_sync_keeps_its_cursor_and_the_next_one_resumes_without_doubles(channel, sandbox):
    broken = order_sn(7)
    sandbox.state.orders[broken]["pay_amount"] = {"yuan": 119}   # a hostile answer in the middle of the timeline

    with pytest.raises(ChannelError, match=broken):
        services.sync_orders(channel.id, chunk_size=2)

    stopped_at = cursor_of(channel.id)
    imported = order_count(channel.id)
    assert stopped_at is not None and 0 < imported < SEEDED_LIVE
    assert order_by_sn(channel.id, broken) is None
    sandbox.state.orders[broken]["pay_amount"] = 119.0
    summary = services.sync_orders(channel.id, chunk_size=2)
    assert summary.cursor_from == stopped_at
    assert order_count(channel.id) == SEEDED_LIVE and summary.failed == 0
    assert order_by_sn(channel.id, broken).total_cents == 11900


def test_a_second_sync_starts_at_the_cursor_and_sees_a_change(channel, sandbox):
    services.sync_orders(channel.id)
    sandbox.state.requests.clear()
    sandbox.state.modify_order(order_sn(1), {"buyer_memo": "改成周一送"})

    summary = services.sync_orders(channel.id)

    assert summary.updated == 1 and summary.created == 0
    assert len(calls(sandbox, ORDER_INCREMENT)) <= 2


# --- write-back ----------------------------------------------------------------------------------

def test_push_tracking_ships_the_order_on_pdd_with_its_logistics_company(sandbox):
    adapter = make_pdd_adapter(sandbox)

    answer = adapter.push_tracking(order_sn(0), "SF", "SF1400099990001")

    assert answer == {"order_sn": order_sn(0), "logistics_id": 44, "tracking_number": "SF1400099990001",
                      "is_success": True, "already": False}
    assert sandbox.state.shipments[-1]["tracking_number"] == "SF1400099990001"
    assert sandbox.state.orders[order_sn(0)]["order_status"] == 2
    assert sandbox.state.orders[order_sn(0)]["receiver_phone"] == ""   # PDD hides the ciphertext once shipped


def test_a_shipment_whose_answer_was_lost_is_retried_and_counts_as_done_once(sandbox):
    adapter = make_pdd_adapter(sandbox)
    adapter.logistics_companies()
    sandbox.state.fail_next("timeout")

    answer = adapter.push_tracking(order_sn(1), "ZTO", "ZT7700001")

    assert answer["already"] is True and answer["is_success"] is True
    assert len(sandbox.state.shipments) == 1 and len(calls(sandbox, ONLINE_SEND)) == 2


def test_shipping_an_order_shipped_with_another_number_is_refused_with_pdds_reason(sandbox):
    adapter = make_pdd_adapter(sandbox)
    with pytest.raises(ChannelError, match="不能发货") as refused:
        adapter.push_tracking(order_sn(7), "SF", "SF999")
    assert refused.value.details["pdd_code"] == 50001
    with pytest.raises(ChannelError, match="no logistics company"):
        adapter.push_tracking(order_sn(0), "Nowhere Express", "X1")
    assert sandbox.state.shipments == []


# --- after-sales ---------------------------------------------------------------------------------

def test_after_sales_rows_come_oldest_first_with_cursors(sandbox):
    adapter = make_pdd_adapter(sandbox)

    refunds = list(adapter.fetch_refunds(None))

    assert [r["refund_id"] for r, _ in refunds] == ["9120001", "9120002", "9120003"]
    assert [r["status"] for r, _ in refunds] == ["done", "agreed", "requested"]
    assert refunds[1][0]["kind"] == "return_refund" and refunds[1][0]["amount_cents"] == 11900
    cursors = [c for _, c in refunds]
    assert cursors == sorted(cursors)
    added = sandbox.state.add_refund(order_sn(4), status=2, reason="七天无理由")
    later = list(adapter.fetch_refunds(cursors[-1]))
    assert [r["refund_id"] for r, _ in later][-1] == str(added["id"])
    assert all(r["after_sales_status"] == "1" and r["after_sales_type"] == "1"
               for r in calls(sandbox, "pdd.refund.list.increment.get"))


# --- stock -------------------------------------------------------------------------------------

def test_stock_is_pushed_per_sku_by_merchant_code_or_pdd_key(sandbox):
    adapter = make_pdd_adapter(sandbox)

    assert adapter.stock_batch_size == 1
    assert adapter.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 17}]) == [
        {"platform_sku": "TEA-LJ-250", "ok": True, "error": None}]
    assert adapter.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 16}])[0]["ok"]
    assert adapter.push_stock([{"platform_sku": "pdd-510123456009-1320001009", "qty": 3}])[0]["ok"]

    assert (sandbox.state.stock_of("TEA-LJ-250"), sandbox.state.stock_of("")) == (16, 3)
    assert len(calls(sandbox, GOODS_LIST)) == 1   # the merchant code was looked up once
    assert [r["update_type"] for r in calls(sandbox, QUANTITY_UPDATE)] == ["1", "1", "1"]


def test_a_refused_sku_is_its_own_result_and_the_call_goes_on(sandbox):
    adapter = make_pdd_adapter(sandbox)

    slot = adapter.push_stock([{"platform_sku": "SCARF-SILK-RED", "qty": 1}])
    unknown = adapter.push_stock([{"platform_sku": "NO-SUCH-SKU", "qty": 1}])
    negative = adapter.push_stock([{"platform_sku": "TEA-LJ-250", "qty": -2}])

    assert slot == [{"platform_sku": "SCARF-SILK-RED", "ok": False, "error": "在资源位上的商品不能减少库存"}]
    assert unknown[0]["ok"] is False and "NO-SUCH-SKU" in unknown[0]["error"]
    assert negative[0]["ok"] is False and sandbox.state.stock_of("TEA-LJ-250") == 120
    assert sandbox.state.stock_of("SCARF-SILK-RED") == 12
    with pytest.raises(ChannelError, match="1 SKU per stock update"):
        adapter.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 1}, {"platform_sku": "MUG-CER-350", "qty": 1}])


def test_an_expired_token_during_a_stock_push_is_an_exception_not_a_refusal(sandbox):
    adapter = make_pdd_adapter(sandbox)
    sandbox.state.fail_next("auth")
    with pytest.raises(ChannelAuthFailed):
        adapter.push_stock([{"platform_sku": "pdd-510123456001-1320001001", "qty": 5}])
    assert sandbox.state.stock_of("TEA-LJ-250") == 120


# --- failure modes -----------------------------------------------------------------------------

def test_an_expired_token_fails_at_once_without_retries(sandbox):
    adapter = make_pdd_adapter(sandbox)
    sandbox.state.fail_next("auth")
    with pytest.raises(ChannelAuthFailed, match="10019"):
        adapter.logistics_companies()
    assert adapter.slept == [] and len(sandbox.state.requests) == 1


@pytest.mark.parametrize("settings, code", [({"client_secret": "wrong"}, 20004), ({"access_token": "stolen"}, 20032),
                                            ({"client_id": "someone-else"}, 10016)])
def test_wrong_credentials_are_auth_failures(sandbox, settings, code):
    adapter = make_pdd_adapter(sandbox, **settings)
    with pytest.raises(ChannelAuthFailed) as refused:
        adapter.logistics_companies()
    assert refused.value.details["pdd_code"] == code


@pytest.mark.parametrize("mode", ["rate_limit", "unavailable", "timeout"])
def test_rate_limits_outages_and_timeouts_are_retried_with_backoff(sandbox, mode):
    adapter = make_pdd_adapter(sandbox)
    sandbox.state.fail_next(mode, times=2)

    companies = adapter.logistics_companies()

    assert any(c["code"] == "SF" for c in companies)
    assert adapter.slept == [0.5, 1.0]
    assert len(sandbox.state.requests) == 3


@pytest.mark.parametrize("mode", ["rate_limit", "unavailable", "timeout"])
def test_a_fault_that_outlasts_every_retry_is_channel_unavailable(sandbox, mode):
    adapter = make_pdd_adapter(sandbox, max_attempts=3)
    sandbox.state.fail_next(mode, times=3)
    with pytest.raises(ChannelUnavailable):
        adapter.logistics_companies()
    assert len(adapter.slept) == 2


def test_a_business_error_is_a_channel_error_with_pdds_message_and_no_retry(sandbox):
    adapter = make_pdd_adapter(sandbox)
    sandbox.state.fail_next("business")
    with pytest.raises(ChannelError, match="系统繁忙") as refused:
        adapter.logistics_companies()
    assert type(refused.value) is ChannelError and adapter.slept == []


def test_an_answer_that_is_not_json_is_a_clear_channel_error(sandbox):
    adapter = make_pdd_adapter(sandbox)
    sandbox.state.fail_next("garbage")
    with pytest.raises(ChannelError, match="without JSON"):
        adapter.logistics_companies()


@pytest.mark.parametrize("answer, field", [
    ({"order_sn_list": [], "total_count": "many"}, "total_count"),
    ({"order_sn_list": "none", "total_count": 1}, "order_sn_list"),
    ({"order_sn_list": [{"order_sn": "1", "updated_at": 5}], "total_count": 1}, "updated_at"),
])
def test_hostile_increment_answers_are_refused_and_nothing_is_imported(channel, sandbox, monkeypatch, answer, field):
    monkeypatch.setitem(pdd_sandbox.METHODS, ORDER_INCREMENT,
                        ("order_sn_increment_get_response", lambda store, params: answer))
    with pytest.raises(ChannelError, match=field):
        services.sync_orders(channel.id)
    assert order_count(channel.id) == 0 and cursor_of(channel.id) is None


def test_an_answer_without_its_response_key_is_refused(sandbox, monkeypatch):
    monkeypatch.setitem(pdd_sandbox.METHODS, "pdd.logistics.companies.get",
                        ("something_else_response", lambda store, params: {"logistics_companies": []}))
    with pytest.raises(ChannelError, match="logistics_companies_get_response"):
        make_pdd_adapter(sandbox).logistics_companies()


def test_the_sandbox_refuses_a_window_wider_than_thirty_minutes(sandbox):
    adapter = make_pdd_adapter(sandbox)
    with pytest.raises(ChannelError, match="30"):
        adapter.gateway.call(ORDER_INCREMENT, {"start_updated_at": 0, "end_updated_at": 1801, "order_status": 5,
                                               "refund_status": 5})


def test_the_sandbox_takes_the_guides_json_body_and_faults_over_http(sandbox):
    import time

    import requests

    from wms.channels.pdd_protocol import sign_request
    from wms.channels.sandbox.pdd import DEFAULT_CLIENT_ID, DEFAULT_SECRET, DEFAULT_TOKEN

    body = {"type": "pdd.order.information.get", "client_id": DEFAULT_CLIENT_ID, "access_token": DEFAULT_TOKEN,
            "timestamp": int(time.time()), "data_type": "JSON", "order_sn": order_sn(2)}
    body["sign"] = sign_request({k: str(v) for k, v in body.items()}, DEFAULT_SECRET)
    answer = requests.post(f"{sandbox.base_url}/api/router", json=body, timeout=5).json()
    assert answer["order_info_get_response"]["order_info"]["group_status"] == 0

    assert requests.post(f"{sandbox.base_url}/_sandbox/fail", json={"mode": "rate_limit"}, timeout=5).json() == {"pending": 1}
    assert requests.post(f"{sandbox.base_url}/_sandbox/fail", json={"mode": "bogus"}, timeout=5).status_code == 400
    limited = requests.post(f"{sandbox.base_url}/api/router", json=body, timeout=5).json()
    assert limited["error_response"]["error_code"] == 70031
