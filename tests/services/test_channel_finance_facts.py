"""Finance review's facts from each platform's documented order fields (cash on delivery, an invoice
asked for, a line's list price), as each adapter reads them and as each sandbox serves them; a
Taobao COD trade synced into a store with finance review on waits for finance."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.builders_taobao import make_taobao_catalogue, make_taobao_channel
from wms.channels import douyin_orders, jd_orders, pdd_orders, services, shopify_orders, taobao_trades
from wms.channels.sandbox import douyin_seed, jd_seed, pdd_seed, shopify_seed, taobao_seed
from wms.channels.sandbox.taobao import start_in_thread
from wms.extensions import db
from wms.imports import validation
from wms.orders.models import Order
from wms.review import services as review


def facts(record):
    return record["cash_on_delivery"], record["invoice_requested"]


def clean(record):
    """The record as the importer validates it (every adapter's record must pass)."""
    record = {k: v for k, v in record.items() if k != "cancelled_at"}
    checked, errors = validation.validate_record(record)
    assert errors == [], errors
    return checked


# --- Taobao: Trade.type "cod" ---------------------------------------------------------------------

def test_a_taobao_cod_trade_is_cash_on_delivery_and_a_fixed_one_is_not():
    trade = taobao_seed.build_trade(taobao_seed.FIRST_TID, taobao_seed.SEED[0])
    assert facts(taobao_trades.trade_to_record(trade)) == (False, False)
    assert facts(taobao_trades.trade_to_record({**trade, "type": "cod"})) == (True, False)
    assert facts(taobao_trades.trade_to_record({**trade, "type": None})) == (False, False)
    assert "type" in taobao_trades.TRADE_FIELDS.split(",")


def test_the_taobao_sandbox_serves_one_cod_trade():
    records = [clean(taobao_trades.trade_to_record(t)) for t in taobao_seed.seed_trades()]
    assert [r["external_id"] for r in records if r["cash_on_delivery"]] == [str(taobao_seed.FIRST_TID + 7)]


# --- JD: payType 1 and invoiceInfo ------------------------------------------------------------------

def test_jd_pay_type_1_is_cash_on_delivery_and_invoice_info_other_than_none_asks_for_one():
    order = jd_seed.build_order(jd_seed.FIRST_ORDER_ID, jd_seed.SEED[0])
    assert facts(jd_orders.order_to_record(order)) == (False, False)
    assert facts(jd_orders.order_to_record({**order, "payType": "1-货到付款"})) == (True, False)
    assert facts(jd_orders.order_to_record({**order, "payType": "1"})) == (True, False)
    asked = {**order, "invoiceInfo": "发票类型:电子发票;发票抬头:个人;发票内容:明细"}
    assert facts(jd_orders.order_to_record(asked)) == (False, True)
    assert facts(jd_orders.order_to_record({k: v for k, v in order.items() if k != "invoiceInfo"})) == (False, False)
    assert "invoiceInfo" in jd_orders.OPTIONAL_FIELDS.split(",")


def test_the_jd_sandbox_serves_a_cod_order_and_an_invoice_order():
    records = [clean(jd_orders.order_to_record(o)) for o in jd_seed.seed_orders()]
    assert [r["external_id"] for r in records if r["cash_on_delivery"]] == [str(jd_seed.FIRST_ORDER_ID + 2)]
    assert [r["external_id"] for r in records if r["invoice_requested"]] == [str(jd_seed.FIRST_ORDER_ID + 3)]


# --- PDD: invoice_status 1; no COD ------------------------------------------------------------------

def test_pdd_invoice_status_1_asks_for_an_invoice_and_no_pay_type_is_cod():
    started = datetime(2026, 12, 7, 12, 0, tzinfo=timezone(timedelta(hours=8)))
    orders = pdd_seed.seed_orders(started)
    order = orders[0]
    assert facts(pdd_orders.order_to_record(order)) == (False, False)
    assert facts(pdd_orders.order_to_record({**order, "invoice_status": 1})) == (False, True)
    assert facts(pdd_orders.order_to_record({**order, "invoice_status": "1"})) == (False, True)
    records = [clean(pdd_orders.order_to_record(o)) for o in orders]
    assert [r["invoice_requested"] for r in records].count(True) == 1
    assert not any(r["cash_on_delivery"] for r in records)


# --- Douyin: pay_type 0, origin_amount --------------------------------------------------------------

def test_douyin_pay_type_0_is_cash_on_delivery_and_a_missing_pay_type_is_not():
    order = douyin_seed.build_order(douyin_seed.FIRST_ORDER_ID, douyin_seed.SEED[0])
    assert facts(douyin_orders.order_to_record(order)) == (False, False)
    assert facts(douyin_orders.order_to_record({**order, "pay_type": 0})) == (True, False)
    assert facts(douyin_orders.order_to_record({k: v for k, v in order.items() if k != "pay_type"})) == (False, False)
    with pytest.raises(douyin_orders.MalformedRecord):
        douyin_orders.order_to_record({**order, "pay_type": "cod"})


def test_douyin_lines_carry_origin_amount_as_their_list_price_and_the_sandbox_serves_a_cod_order():
    records = [clean(douyin_orders.order_to_record(o)) for o in douyin_seed.seed_orders()]
    first = records[0]["lines"][0]
    assert first["list_price_cents"] == first["unit_price_cents"] > 0
    assert [r["external_id"] for r in records if r["cash_on_delivery"]] == [str(douyin_seed.FIRST_ORDER_ID + 40)]


# --- Shopify: payment_gateway_names, compare_at_price -----------------------------------------------

def test_shopify_cod_gateway_is_cash_on_delivery_and_compare_at_price_is_the_list_price():
    orders = shopify_seed.seed_orders()
    records = [clean(shopify_orders.order_to_record(o)) for o in orders]
    assert [r["external_id"] for r in records if r["cash_on_delivery"]] == [str(shopify_seed.FIRST_ID + 2)]
    lines = records[0]["lines"]
    assert [(line["sku_code"], line["unit_price_cents"], line["list_price_cents"]) for line in lines] == [
        ("TEA-LJ-250", 4800, 5800), ("MUG-CER-350", 6990, None)]
    other = {**orders[0], "payment_gateway_names": ["shopify_payments", "gift_card"]}
    assert facts(shopify_orders.order_to_record(other)) == (False, False)
    assert facts(shopify_orders.order_to_record({**orders[0], "payment_gateway_names": None})) == (False, False)


# --- a sync end to end --------------------------------------------------------------------------

@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


def test_a_synced_taobao_cod_trade_waits_for_finance_in_a_store_with_finance_review(app, sandbox, monkeypatch):
    monkeypatch.setattr("wms.review.actions.allocate_after_commit", lambda ids: None)
    make_taobao_catalogue()
    channel = make_taobao_channel(sandbox.base_url)
    channel.finance_review = True
    db.session.commit()
    summary = services.sync_orders(channel.id)
    assert summary.failed == 0, summary.errors
    db.session.expire_all()
    orders = {o.external_id: o for o in db.session.scalars(select(Order).where(Order.channel_id == channel.id))}
    cod = orders[str(taobao_seed.FIRST_TID + 7)]
    assert cod.cash_on_delivery is True
    assert [o.external_id for o in orders.values() if o.cash_on_delivery] == [cod.external_id]
    if cod.status == "imported":   # the sync's review job ran inline (RQ_SYNC) unless review is off
        review.review_orders([cod.id])
        db.session.expire_all()
    held = db.session.get(Order, cod.id)
    assert held.status == "finance_review", (held.status, held.hold_reasons)
