"""The demo's store per platform syncs from the sandbox `make run` starts for it: the launcher starts each
platform's sandbox and names it in `<PLATFORM>_SANDBOX_URL`, the demo channel names no address of its own, and
"Sync now" imports that store's orders over real HTTP. A channel with an address of its own keeps it."""
import pytest

from wms import demo
from wms.channels.base import sandbox_overrides
from wms.channels.services import sync_orders
from wms.extensions import db
from wms.orders.models import Order


@pytest.fixture
def started():
    from importlib import import_module

    shops = {platform: import_module(f"wms.channels.sandbox.{platform}").start_in_thread()
             for platform in ("taobao", "jd", "pdd", "douyin")}
    yield shops
    for shop in shops.values():
        shop.stop()


@pytest.mark.parametrize("platform", ["taobao", "jd", "pdd", "douyin"])
def test_the_demo_store_of_each_platform_imports_its_sandbox_orders(app, started, platform):
    app.config[f"{platform.upper()}_SANDBOX_URL"] = started[platform].base_url
    [channel] = [c for c in demo._platform_stores() if c.platform == platform]
    db.session.add(channel)
    db.session.commit()
    summary = sync_orders(channel.id)
    assert summary.failed == 0 and summary.created > 0
    assert db.session.query(Order).filter_by(channel_id=channel.id).count() == summary.created


def test_a_channel_with_an_address_of_its_own_is_not_sent_to_the_sandbox():
    class Channel:
        platform, settings = "jd", {"gateway_url": "https://api.jd.com/routerjson"}

    assert sandbox_overrides(Channel, {"JD_SANDBOX_URL": "http://127.0.0.1:1"}) == {}
    Channel.settings = {}
    assert sandbox_overrides(Channel, {"JD_SANDBOX_URL": "http://127.0.0.1:1"}) == {"gateway_url": "http://127.0.0.1:1"}
    assert sandbox_overrides(Channel, {}) == {}                     # production: no sandbox, the platform's own
    Channel.platform = "manual"
    assert sandbox_overrides(Channel, {"MANUAL_SANDBOX_URL": "http://x"}) == {}
