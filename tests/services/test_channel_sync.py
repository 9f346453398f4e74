"""Channel sync over real HTTP against the local Shopify sandbox: incremental, idempotent, resumable."""
import pytest
import requests
from sqlalchemy import func, select

from tests.builders_channels import make_shopify_channel
from wms.channels import services
from wms.channels.base import ChannelAuthFailed
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.channels.shopify_orders import to_cursor
from wms.extensions import db
from wms.i18n import event_text
from wms.orders.models import Channel, Order

SEEDED = 12
SEEDED_LIVE = SEEDED - 2  # two seeded orders were cancelled before we ever saw them


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    return make_shopify_channel(sandbox.base_url)


def order_count(channel_id):
    return db.session.scalar(select(func.count(Order.id)).where(Order.channel_id == channel_id))


def order_by_external(channel_id, external_id):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.channel_id == channel_id,
                                                 Order.external_id == str(external_id)))


def cursor_of(channel_id):
    db.session.expire_all()
    return db.session.get(Channel, channel_id).sync_cursor


def test_first_sync_imports_every_live_order_and_records_the_cursor(channel):
    summary = services.sync_orders(channel.id)

    assert (summary.fetched, summary.created, summary.failed) == (SEEDED, SEEDED_LIVE, 0), summary.errors
    assert summary.skipped_cancelled == 2
    assert order_count(channel.id) == SEEDED_LIVE
    wang = order_by_external(channel.id, FIRST_ID)
    assert (wang.buyer_name, wang.city, wang.total_cents, wang.currency) == ("王芳", "上海市", 17590, "CNY")
    assert [(line.sku_code, line.qty) for line in wang.lines] == [("TEA-LJ-250", 2), ("MUG-CER-350", 1)]
    assert cursor_of(channel.id) == "2026-11-20T03:20:00+00:00"  # the newest updated_at, in UTC
    assert db.session.get(Channel, channel.id).last_synced_at is not None
    imported = wang.events[0]
    assert (imported.reason, event_text(imported, "zh_CN")) == (
        "Imported from shopify order sync", "从 shopify 订单同步 导入")


def test_second_sync_asks_only_for_changes_since_the_cursor_and_creates_nothing(channel, sandbox):
    services.sync_orders(channel.id)
    sandbox.state.requests.clear()

    summary = services.sync_orders(channel.id)

    assert (summary.created, summary.updated) == (0, 0)
    assert summary.fetched <= 1  # only the order at the cursor's second (updated_at_min is inclusive)
    assert "updated_at_min=2026-11-20T03%3A20%3A00%2B00%3A00" in sandbox.state.requests[0][2].replace(":", "%3A")
    assert order_count(channel.id) == SEEDED_LIVE


def test_an_order_changed_in_the_shop_is_updated_and_new_ones_are_created(channel, sandbox):
    services.sync_orders(channel.id)
    changed = requests.patch(f"{sandbox.base_url}/_sandbox/orders/{FIRST_ID + 1}", json={
        "shipping_address": {"address1": "西湖区文三路100号2幢202室"}, "note": "改地址了"}).json()["order"]
    added = requests.post(f"{sandbox.base_url}/_sandbox/orders", json={"seed": 3}).json()["orders"][0]

    summary = services.sync_orders(channel.id)

    assert (summary.created, summary.updated) == (1, 1), summary
    li = order_by_external(channel.id, FIRST_ID + 1)
    assert li.address == "西湖区文三路100号2幢202室" and li.buyer_remark == "改地址了"
    assert order_by_external(channel.id, added["id"]).buyer_name == "John Smith"
    assert cursor_of(channel.id) == to_cursor(added["updated_at"]) >= to_cursor(changed["updated_at"])


def test_pagination_follows_the_link_header_across_several_pages(app, sandbox):
    channel = make_shopify_channel(sandbox.base_url, page_size=3)

    summary = services.sync_orders(channel.id, chunk_size=4)

    pages = [r for r in sandbox.state.requests if r[1].endswith("/orders.json")]
    assert len(pages) == 4  # 12 orders, 3 a page
    assert all(query.startswith("limit=3&page_info=") for _m, _p, query in pages[1:])
    assert summary.chunks == 3 and order_count(channel.id) == SEEDED_LIVE


def test_a_rate_limited_sync_waits_retry_after_and_carries_on(channel, sandbox):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"status": 429, "count": 2, "retry_after": "0.05"})

    summary = services.sync_orders(channel.id)

    assert summary.created == SEEDED_LIVE
    assert sandbox.state.faults == []
    assert len([r for r in sandbox.state.requests if r[1].endswith("/orders.json")]) == 3  # 2 refused + 1


def test_a_wrong_token_fails_clearly_and_leaves_the_cursor_alone(app, sandbox):
    channel = make_shopify_channel(sandbox.base_url, token="shpat_wrong")

    with pytest.raises(ChannelAuthFailed, match="refused the access token"):
        services.sync_orders(channel.id)

    assert cursor_of(channel.id) is None
    assert db.session.get(Channel, channel.id).last_synced_at is None
    assert order_count(channel.id) == 0


def test_a_crash_after_a_chunk_imported_resumes_without_loss_or_duplicates(app, sandbox, monkeypatch):
    channel = make_shopify_channel(sandbox.base_url, page_size=5)
    real_advance = services._advance_cursor
    calls = []

    def crash_on_second_chunk(channel_id, cursor, summary):
        calls.append(cursor)
        if len(calls) == 2:
            raise RuntimeError("worker killed")  # chunk 2 committed, its cursor not yet written
        real_advance(channel_id, cursor, summary)

    monkeypatch.setattr(services, "_advance_cursor", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        services.sync_orders(channel.id, chunk_size=4)
    assert cursor_of(channel.id) == calls[0]
    imported_before_crash = order_count(channel.id)
    monkeypatch.setattr(services, "_advance_cursor", real_advance)

    summary = services.sync_orders(channel.id, chunk_size=4)

    assert order_count(channel.id) == SEEDED_LIVE
    assert summary.created == SEEDED_LIVE - imported_before_crash  # chunk 2 came again: unchanged
    assert summary.unchanged > 0 and summary.failed == 0
    assert cursor_of(channel.id) == "2026-11-20T03:20:00+00:00"


def test_a_crash_inside_an_import_loses_nothing(app, sandbox, monkeypatch):
    from wms.imports import services as imports

    channel = make_shopify_channel(sandbox.base_url)
    real_import = imports.import_order_records
    calls = []

    def crash_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_import(*args, **kwargs)

    monkeypatch.setattr(imports, "import_order_records", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        services.sync_orders(channel.id, chunk_size=5)
    first_cursor = cursor_of(channel.id)
    monkeypatch.setattr(imports, "import_order_records", real_import)

    services.sync_orders(channel.id, chunk_size=5)

    assert first_cursor is not None and first_cursor < cursor_of(channel.id)
    assert order_count(channel.id) == SEEDED_LIVE


def test_an_order_cancelled_in_the_shop_is_cancelled_here(channel, sandbox):
    services.sync_orders(channel.id)
    requests.patch(f"{sandbox.base_url}/_sandbox/orders/{FIRST_ID + 2}",
                   json={"cancelled_at": "now", "financial_status": "voided"})

    summary = services.sync_orders(channel.id)

    assert summary.cancelled == 1
    order = order_by_external(channel.id, FIRST_ID + 2)
    assert order.status == "cancelled"
    assert order.events[-1].reason.endswith(services.CANCEL_REASON)


def test_an_order_cancelled_in_the_shop_while_on_the_floor_is_intercepted_once(channel, sandbox):
    from wms.aftersales.models import Intercept

    services.sync_orders(channel.id)
    order = order_by_external(channel.id, FIRST_ID)
    for state in ("approved", "allocated", "waved"):
        order.transition_to(state, reason="test")
    db.session.commit()
    requests.patch(f"{sandbox.base_url}/_sandbox/orders/{FIRST_ID}", json={"cancelled_at": "now"})

    summary = services.sync_orders(channel.id)
    services.sync_orders(channel.id)  # seeing it again does not intercept twice

    order = order_by_external(channel.id, FIRST_ID)
    assert summary.intercepts == [str(FIRST_ID)]
    assert order.status == "cancelled"
    intercepts = db.session.query(Intercept).filter_by(order_id=order.id).all()
    assert [(i.source, i.action) for i in intercepts] == [("channel", "left_wave")]


def test_a_manual_channel_cannot_be_synced(app):
    from tests.builders import make_channel
    from wms.errors import ValidationFailed

    manual = make_channel(code="taobao-file")

    with pytest.raises(ValidationFailed, match="manual"):
        services.sync_orders(manual.id)
