"""Taobao refunds (issue 19 item 3) over real HTTP against the local TOP sandbox: refunds.receive.get by
modified windows and pages, refund.get for a sub-order's units, a refund before shipping intercepts, after
shipping it is an expected return, the same refunds twice change nothing, the cursor is the refund's modified
time in UTC, a hostile record is refused and changes nothing, and a signed TMC refund push leads to the refund
being applied."""
from datetime import timedelta, timezone

import pytest
import requests
from hypothesis import given, strategies as st
from sqlalchemy import func, select, update

from tests.builders_taobao import (
    change_taobao_refund, make_taobao_catalogue, make_taobao_channel, open_taobao_refund,
)
from wms.aftersales import expected_returns
from wms.aftersales.models import Intercept
from wms.aftersales.refund_models import PlatformRefund
from wms.channels import refunds, services
from wms.channels.base import ChannelError, adapter_for
from wms.channels.refunds_models import RefundCursor
from wms.channels.sandbox import serve_in_thread
from wms.channels.sandbox.taobao import start_in_thread
from wms.channels.sandbox.taobao_seed import FIRST_TID
from wms.channels.taobao import REFUND_GET, REFUNDS_RECEIVE_GET
from wms.channels.taobao_protocol import format_top_time, parse_top_time, to_cursor
from wms.channels.taobao_refunds import refund_to_record
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderEvent

TWO_LINES = FIRST_TID          # 王芳: TEA-LJ-250 x2, MUG-CER-350 x1, waiting to ship
ONE_LINE = FIRST_TID + 1       # 李伟: TEA-PUER-357 x1 (128.00), waiting to ship
SHIPPED = FIRST_TID + 8        # 吴刚: TEA-LJ-250 x1, shipped


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_taobao_catalogue()
    shop = make_taobao_channel(sandbox.base_url)
    services.sync_orders(shop.id)
    return shop


def order(channel, tid):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel.id, Order.external_id == str(tid)))


def refund_row(channel, refund_id):
    db.session.expire_all()
    return db.session.scalar(select(PlatformRefund).where(PlatformRefund.channel_id == channel.id,
                                                          PlatformRefund.refund_id == str(refund_id)))


def ship(channel, tid):
    """Our copy of the trade went out (the floor's path is tested elsewhere)."""
    db.session.execute(update(Order).where(Order.channel_id == channel.id, Order.external_id == str(tid))
                       .values(status=states.SHIPPED))
    db.session.commit()


def counts():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (PlatformRefund, Intercept, OrderEvent))


def statuses(channel):
    db.session.expire_all()
    return dict(db.session.execute(select(Order.external_id, Order.status).where(Order.channel_id == channel.id)).all())


def cursor(channel):
    db.session.expire_all()
    row = db.session.get(RefundCursor, channel.id)
    return row.cursor if row else None


def calls(sandbox, method):
    return [r for r in sandbox.state.requests if r.get("method") == method]


def test_a_refund_before_shipping_intercepts_the_trade_and_its_modified_becomes_the_cursor(channel, sandbox):
    refund = open_taobao_refund(sandbox, ONE_LINE, reason="拍错了/多拍了", desc="地址写错")

    summary = refunds.sync_refunds(channel.id)

    assert (summary.fetched, summary.created, summary.intercepted) == (1, 1, 1), summary.errors
    waiting = order(channel, ONE_LINE)
    assert waiting.status == states.CANCELLED
    intercept = db.session.scalar(select(Intercept).where(Intercept.order_id == waiting.id))
    assert intercept.source == "channel" and refund["refund_id"] in intercept.reason
    row = refund_row(channel, refund["refund_id"])
    assert (row.kind, row.status, row.action, row.amount_cents) == ("refund_only", "requested", "intercepted", 12800)
    assert row.reason == "拍错了/多拍了 - 地址写错"
    assert row.requested_at == parse_top_time(refund["created"]).astimezone(timezone.utc).replace(tzinfo=None)
    assert cursor(channel) == to_cursor(refund["modified"]) and cursor(channel).endswith("+00:00")
    listed = calls(sandbox, REFUNDS_RECEIVE_GET)
    assert listed and all(r["use_has_next"] == "true" and "has_good_return" in r["fields"] for r in listed)
    assert calls(sandbox, REFUND_GET) == []   # the whole trade: the list says all we need


def test_a_refund_after_shipping_is_an_expected_return_found_by_the_sid_the_buyer_sends(channel, sandbox):
    ship(channel, SHIPPED)
    refund = open_taobao_refund(sandbox, SHIPPED, status="WAIT_BUYER_RETURN_GOODS", has_good_return=True,
                                refund_fee="48.00", reason="商品与描述不符", refund_phase="aftersale")

    first = refunds.sync_refunds(channel.id)

    shipped = order(channel, SHIPPED)
    assert (first.created, first.expected_returns, first.intercepted) == (1, 1, 0)
    assert shipped.status == states.SHIPPED
    row = refund_row(channel, refund["refund_id"])
    assert (row.kind, row.status, row.action, row.amount_cents) == ("return_refund", "agreed", "expect_return", 4800)
    change_taobao_refund(sandbox, refund["refund_id"], status="WAIT_SELLER_CONFIRM_GOODS", company_name="圆通速递",
                         sid="yt8800112233", good_status="BUYER_RETURNED_GOODS")

    second = refunds.sync_refunds(channel.id)

    assert (second.updated, second.created, second.expected_returns) == (1, 0, 0)
    row = refund_row(channel, refund["refund_id"])
    assert (row.return_carrier, row.return_tracking_number) == ("圆通速递", "YT8800112233")
    assert [r.order_id for r in expected_returns.find("YT8800112233")] == [shipped.id]


def test_the_same_refunds_seen_twice_change_nothing(channel, sandbox):
    open_taobao_refund(sandbox, ONE_LINE)
    ship(channel, SHIPPED)
    open_taobao_refund(sandbox, SHIPPED, status="SUCCESS", has_good_return=True, refund_fee="48.00")
    refunds.sync_refunds(channel.id)
    before, orders_before = counts(), statuses(channel)
    db.session.delete(db.session.get(RefundCursor, channel.id))   # read the whole list again
    db.session.commit()

    again = refunds.sync_refunds(channel.id)
    once_more = refunds.sync_refunds(channel.id)

    assert (again.fetched, again.unchanged, again.created, again.updated) == (2, 2, 0, 0)
    assert (once_more.created, once_more.updated, once_more.intercepted) == (0, 0, 0)
    assert counts() == before and statuses(channel) == orders_before


def test_a_refund_of_one_sub_order_asks_refund_get_for_its_units_and_holds_the_trade_for_the_desk(channel, sandbox):
    refund = open_taobao_refund(sandbox, TWO_LINES, line=0, refund_fee="96.00")

    summary = refunds.sync_refunds(channel.id)

    assert (summary.created, summary.held, summary.intercepted) == (1, 1, 0), summary.errors
    assert [r["refund_id"] for r in calls(sandbox, REFUND_GET)] == [refund["refund_id"]]
    assert order(channel, TWO_LINES).status == states.ON_HOLD
    assert refund_row(channel, refund["refund_id"]).amount_cents == 9600


def test_pages_are_followed_and_records_come_oldest_first_with_their_cursors(app, sandbox):
    make_taobao_catalogue()
    shop = make_taobao_channel(sandbox.base_url, page_size=2)
    services.sync_orders(shop.id)
    opened = [open_taobao_refund(sandbox, FIRST_TID + n, status="CLOSED") for n in (0, 1, 3, 4, 9)]
    stamp = parse_top_time(opened[0]["modified"])
    opened = [change_taobao_refund(sandbox, refund["refund_id"], modified=format_top_time(
        stamp - timedelta(seconds=50 - 10 * n))) for n, refund in enumerate(opened)]   # spread over a minute
    sandbox.state.requests.clear()

    yielded = list(adapter_for(shop).fetch_refunds(to_cursor(format_top_time(stamp - timedelta(minutes=5)))))

    assert [record["refund_id"] for record, _ in yielded] == [r["refund_id"] for r in opened]
    assert [c for _, c in yielded] == sorted(c for _, c in yielded)
    pages = [int(r["page_no"]) for r in calls(sandbox, REFUNDS_RECEIVE_GET)]
    assert pages == [1, 2, 3] and all(r["page_size"] == "2" for r in calls(sandbox, REFUNDS_RECEIVE_GET))
    summary = refunds.sync_refunds(shop.id)
    assert summary.cursor == yielded[-1][1]
    sandbox.state.requests.clear()
    refunds.sync_refunds(shop.id)
    first_window = calls(sandbox, REFUNDS_RECEIVE_GET)[0]
    assert first_window["start_modified"] == opened[-1]["modified"]   # the cursor, back in Beijing time


@pytest.mark.parametrize("fields, words", [
    ({"refund_fee": "12.345"}, "refund_fee is not an amount"),
    ({"refund_fee": "十二元"}, "refund_fee is not an amount"),
    ({"status": "HACKED"}, "status 'HACKED'"),
    ({"tid": "<script>alert(1)</script>" * 5}, "external_id is not a platform number"),
    ({"sid": "YT 88; DROP TABLE"}, "return_tracking_number is not a tracking number"),
    ({"modified": "yesterday"}, "modified is not a TOP time"),
    ({"created": "2026-13-45 99:99:99"}, "created is not a TOP time"),
])
def test_a_hostile_refund_is_refused_with_a_clear_error_and_changes_nothing(channel, sandbox, fields, words):
    change_taobao_refund(sandbox, open_taobao_refund(sandbox, ONE_LINE)["refund_id"], **fields)
    before, orders_before = counts(), statuses(channel)

    with pytest.raises(ChannelError) as refused:
        refunds.sync_refunds(channel.id)

    assert words in refused.value.message
    assert counts() == before and statuses(channel) == orders_before
    assert cursor(channel) is None


def test_refunds_before_a_hostile_one_are_applied_and_the_cursor_stops_before_it(channel, sandbox):
    good = open_taobao_refund(sandbox, ONE_LINE)
    open_taobao_refund(sandbox, TWO_LINES, refund_fee="-5", modified=good["modified"])   # the same second, after it

    with pytest.raises(ChannelError, match="amount_cents '-500' is not an amount"):
        refunds.sync_refunds(channel.id)

    assert refund_row(channel, good["refund_id"]).action == "intercepted"
    assert cursor(channel) == to_cursor(good["modified"])
    assert order(channel, TWO_LINES).status != states.CANCELLED


def test_a_call_limited_refund_poll_waits_the_ban_and_carries_on(channel, sandbox):
    open_taobao_refund(sandbox, ONE_LINE)
    sandbox.state.faults += [0]

    summary = refunds.sync_refunds(channel.id)

    assert summary.intercepted == 1


def test_a_signed_refund_push_over_http_leads_to_the_refund_being_applied(app, channel, sandbox):
    refund = open_taobao_refund(sandbox, ONE_LINE)
    server = serve_in_thread(app, None)
    try:
        answer = requests.post(f"{sandbox.base_url}/_sandbox/tmc", timeout=30, json={
            "url": f"{server.base_url}/api/channels/{channel.code}/taobao/push", "topic": "taobao_refund_RefundCreated",
            "content": {"refund_id": refund["refund_id"], "tid": ONE_LINE, "oid": ONE_LINE,
                        "refund_fee": refund["refund_fee"], "seller_nick": "青瓷茶舍旗舰店"}}).json()
    finally:
        server.stop()

    assert answer["status"] == 200, answer["body"]
    assert order(channel, ONE_LINE).status == states.CANCELLED
    assert refund_row(channel, refund["refund_id"]).action == "intercepted"


@given(yuan=st.integers(min_value=0, max_value=10 ** 9), fen=st.integers(min_value=0, max_value=99),
       seconds=st.integers(min_value=0, max_value=10 ** 8))
def test_refund_fee_in_yuan_is_exact_cents_and_beijing_times_become_utc(yuan, fen, seconds):
    created = parse_top_time("2026-01-01 00:00:00") + timedelta(seconds=seconds)
    record = refund_to_record({"refund_id": "1", "tid": "2", "oid": "2", "status": "SUCCESS", "has_good_return": "false",
                               "refund_fee": f"{yuan}.{fen:02d}", "created": format_top_time(created)})

    assert record["amount_cents"] == yuan * 100 + fen
    assert record["requested_at"] == (created - timedelta(hours=8)).replace(tzinfo=None).isoformat()
    assert (record["kind"], record["status"], record["lines"]) == ("refund_only", "done", [])
