"""Each platform adapter, as the write-back calls it (one attempt: writeback._adapter), over real HTTP against its
sandbox: a documented transient answer (rate limit, 5xx, timeout) is a temporary failure, a documented refusal (an
order not found, shipped already, not payable, credentials) a permanent one (wms.failures)."""
import pytest
import requests

from tests.builders_channels import make_shopify_channel
from tests.builders_douyin import make_douyin_channel
from tests.builders_jd import make_jd_channel
from tests.builders_pdd import make_pdd_channel
from tests.builders_taobao import make_taobao_channel
from wms import failures
from wms.channels.sandbox import douyin as douyin_sandbox
from wms.channels.sandbox import jd as jd_sandbox
from wms.channels.sandbox import pdd as pdd_sandbox
from wms.channels.sandbox import shopify as shopify_sandbox
from wms.channels.sandbox import taobao as taobao_sandbox
from wms.channels.sandbox.douyin_seed import FIRST_ORDER_ID as DOUYIN_FIRST
from wms.channels.sandbox.jd_seed import FIRST_ORDER_ID as JD_FIRST
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.channels.sandbox.taobao_seed import FIRST_TID
from wms.tracking import writeback


@pytest.fixture
def running():
    started = []

    def start(module, **options):
        box = module.start_in_thread(**options)
        started.append(box)
        return box

    yield start
    for box in started:
        box.stop()


def kind_of_push(channel, external_id, carrier="顺丰速运", number="SF7000000001"):
    """The failure kind of one write-back push as writeback.push_writeback makes it (None: it went through)."""
    try:
        writeback._adapter(channel).push_tracking(external_id, carrier, number)
    except Exception as error:  # noqa: BLE001 - classified, as the write-back does
        return failures.kind_of(error)
    return None


def test_shopify(app, running):
    box = running(shopify_sandbox)
    channel = make_shopify_channel(box.base_url)
    requests.post(f"{box.base_url}/_sandbox/faults", json={"status": 429, "count": 1})
    assert kind_of_push(channel, str(FIRST_ID)) == failures.TEMPORARY
    requests.post(f"{box.base_url}/_sandbox/faults", json={"status": 503, "count": 1})
    assert kind_of_push(channel, str(FIRST_ID)) == failures.TEMPORARY
    assert kind_of_push(channel, "999000111") == failures.PERMANENT            # 404: no such order
    assert kind_of_push(make_shopify_channel(box.base_url, code="shop-x", token="wrong"), str(FIRST_ID)) == \
        failures.PERMANENT                                                     # 401
    assert kind_of_push(channel, str(FIRST_ID)) is None
    assert kind_of_push(channel, str(FIRST_ID)) == failures.PERMANENT          # nothing left to fulfil


def test_taobao(app, running):
    box = running(taobao_sandbox)
    channel = make_taobao_channel(box.base_url)
    requests.post(f"{box.base_url}/_sandbox/faults", json={"count": 1, "ban_seconds": 1})
    assert kind_of_push(channel, str(FIRST_TID)) == failures.TEMPORARY         # code 7: App Call Limited
    assert kind_of_push(channel, str(FIRST_TID + 2)) == failures.PERMANENT     # not paid: isv.* B04
    assert kind_of_push(make_taobao_channel(box.base_url, code="tmall-x", session="wrong"), str(FIRST_TID)) == \
        failures.PERMANENT                                                     # code 27: invalid session
    assert kind_of_push(channel, str(FIRST_TID)) is None


def test_jd(app, running):
    box = running(jd_sandbox, hang_s=0.6)
    channel = make_jd_channel(box.base_url, timeout=0.3)
    for fault in ("rate_limit", "unavailable", "timeout"):
        box.state.fail_next(fault)
        assert kind_of_push(channel, str(JD_FIRST)) == failures.TEMPORARY, fault
    box.state.fail_next("auth")
    assert kind_of_push(channel, str(JD_FIRST)) == failures.PERMANENT
    if box.state.shipments:  # the timed-out call did its work (its answer was lost): shipped already
        assert kind_of_push(channel, str(JD_FIRST)) == failures.PERMANENT
    else:
        assert kind_of_push(channel, str(JD_FIRST)) is None
        assert kind_of_push(channel, str(JD_FIRST)) == failures.PERMANENT      # shipped already: JD's refusal


def test_douyin(app, running):
    box = running(douyin_sandbox, hang_s=0.6)
    channel = make_douyin_channel(box.base_url)
    for fault in ("rate_limit", "server"):
        box.state.fail_next(fault)
        assert kind_of_push(channel, str(DOUYIN_FIRST + 10), "SF") == failures.TEMPORARY, fault
    box.state.fail_next("auth")
    assert kind_of_push(channel, str(DOUYIN_FIRST + 10), "SF") == failures.PERMANENT
    assert kind_of_push(channel, str(DOUYIN_FIRST + 20), "SF") == failures.PERMANENT   # not paid: 不允许发货


def test_pdd(app, running):
    box = running(pdd_sandbox)
    channel = make_pdd_channel(box)
    for fault in ("rate_limit", "unavailable"):
        box.state.fail_next(fault)
        assert kind_of_push(channel, "000000-NOT-THERE", "SF") == failures.TEMPORARY, fault
    box.state.fail_next("auth")
    assert kind_of_push(channel, "000000-NOT-THERE", "SF") == failures.PERMANENT
    assert kind_of_push(channel, "000000-NOT-THERE", "SF") == failures.PERMANENT      # 订单不存在
    assert kind_of_push(channel, "000000-NOT-THERE", "Pony Express") == failures.PERMANENT  # no such company


class _Answer:
    status_code = 200

    def __init__(self, payload):
        self.payload = payload

    def json(self):
        return self.payload


class _Gateway:
    """A TOP gateway that answers every call with one error_response (the sandbox has no code 10 fault)."""

    def __init__(self, error):
        self.error, self.calls = error, 0

    def post(self, *_args, **_kwargs):
        self.calls += 1
        return _Answer({"error_response": self.error})


def test_taobao_service_currently_unavailable_is_retried_then_temporary(app):
    from wms.channels.base import ChannelUnavailable
    from wms.channels.taobao import TaobaoAdapter

    gateway = _Gateway({"code": 10, "msg": "Service Currently Unavailable"})
    shop = TaobaoAdapter("http://top.invalid", "key", "secret", "session", http=gateway, sleep=lambda _s: None,
                         max_attempts=3)
    with pytest.raises(ChannelUnavailable) as unavailable:
        shop.push_tracking(str(FIRST_TID), "SF", "SF7000000001")
    assert gateway.calls == 3 and failures.kind_of(unavailable.value) == failures.TEMPORARY
