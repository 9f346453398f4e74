"""The store's stock sync page: a supervisor reads the last pushes and refusals, pauses and resumes,
pushes all now and sets the share; other roles are kept out; a hostile rule changes nothing."""
import re

import pytest
import requests

from tests.builders import make_sku
from tests.builders_inventory import make_bin, make_warehouse
from tests.builders_jd import make_jd_channel
from wms.channels import stock_sync
from wms.channels.mapping_models import SkuMapping
from wms.channels.sandbox import jd as jd_sandbox
from wms.channels.stock_models import ChannelStockRule
from wms.extensions import db
from wms.inventory.services import receive_stock


@pytest.fixture
def store(app):
    sandbox = jd_sandbox.start_in_thread()
    channel = make_jd_channel(sandbox.base_url)
    sku = make_sku("TEA-LJ-250")
    db.session.add_all([SkuMapping(channel_id=channel.id, platform_sku="100012345602", sku_id=sku.id),
                        SkuMapping(channel_id=channel.id, platform_sku="100099999999", sku_id=sku.id)])
    db.session.commit()
    warehouse = make_warehouse()
    receive_stock(warehouse.id, [(sku.id, make_bin(warehouse).id, 5)])
    stock_sync.collect_marks()
    yield channel, sandbox
    sandbox.stop()


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_page_shows_pushes_and_refusals_and_its_controls_work(client, login, store):
    channel, sandbox = store
    login("supervisor")
    page = client.get(f"/channels/{channel.id}/stock").get_data(as_text=True)
    assert "100012345602" in page and "100099999999" in page and "Pause stock sync" in page
    token = csrf(page)
    client.post(f"/channels/{channel.id}/stock/pause", data={"paused": "1", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(ChannelStockRule, channel.id).paused
    assert "Resume stock sync" in client.get(f"/channels/{channel.id}/stock").get_data(as_text=True)
    client.post(f"/channels/{channel.id}/stock/rule", data={"share_pct": "40", "csrf_token": token})
    client.post(f"/channels/{channel.id}/stock/pause", data={"paused": "0", "csrf_token": token})
    assert requests.get(f"{sandbox.base_url}/_sandbox/stock").json()["stock"]["100012345602"] == 2
    calls = len(sandbox.state.requests)
    answer = client.post(f"/channels/{channel.id}/stock/push-all", data={"csrf_token": token}, follow_redirects=True)
    assert "2 platform SKU(s) queued for a push" in answer.get_data(as_text=True)
    assert len(sandbox.state.requests) > calls


def test_a_hostile_share_is_refused_with_a_message_and_changes_nothing(client, login, store):
    channel, _sandbox = store
    login("supervisor")
    token = csrf(client.get(f"/channels/{channel.id}/stock").get_data(as_text=True))
    answer = client.post(f"/channels/{channel.id}/stock/rule", data={"share_pct": "<script>", "csrf_token": token},
                         follow_redirects=True)
    assert "The share must be a whole number from 0 to 100" in answer.get_data(as_text=True)
    db.session.expire_all()
    rule = db.session.get(ChannelStockRule, channel.id)
    assert rule is None or rule.share_pct == 100


def test_the_page_reads_in_chinese(client, login, store, make_user):
    channel, _sandbox = store
    make_user("supervisor", username="zh-super", locale="zh_CN")
    client.post("/login", data={"username": "zh-super", "password": "secret-pass"})
    page = client.get(f"/channels/{channel.id}/stock").get_data(as_text=True)
    assert "库存同步" in page and "立即全部推送" in page and "被拒绝的推送" in page


def test_a_picker_may_not_open_or_steer_it(client, login, store):
    channel, _sandbox = store
    login("picker")
    assert client.get(f"/channels/{channel.id}/stock").status_code in (302, 403)
    assert client.post(f"/channels/{channel.id}/stock/push-all").status_code in (302, 400, 403)
