"""The Shopify adapter against the sandbox over HTTP: retries, errors, the wire contract, fulfillments."""
import pytest
import requests

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.channels.shopify import ShopifyAdapter


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


def adapter(sandbox, token="shpat_sandbox", **options):
    slept = []
    return ShopifyAdapter(sandbox.base_url, token, sleep=slept.append, **options), slept


def test_429_sleeps_what_retry_after_says_then_succeeds(sandbox):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"status": 429, "count": 2, "retry_after": "2.0"})
    shop, slept = adapter(sandbox)

    assert len(list(shop.fetch_orders(None))) == 12
    assert slept == [2.0, 2.0]


def test_5xx_backs_off_exponentially_and_gives_up_with_a_clear_error(sandbox):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"status": 503, "count": 9})
    shop, slept = adapter(sandbox, max_attempts=4)

    with pytest.raises(ChannelUnavailable, match="503 after 4 attempts"):
        list(shop.fetch_orders(None))
    assert slept == [0.5, 1.0, 2.0]


def test_an_unreachable_shop_is_unavailable_not_a_crash(sandbox):
    base_url = sandbox.base_url
    sandbox.stop()
    shop = ShopifyAdapter(base_url, "t", sleep=lambda s: None, max_attempts=2, timeout=(0.5, 0.5))

    with pytest.raises(ChannelUnavailable, match="did not answer"):
        list(shop.fetch_orders(None))


def test_a_wrong_token_is_refused_with_401(sandbox):
    shop, slept = adapter(sandbox, token="nope")

    with pytest.raises(ChannelAuthFailed) as error:
        list(shop.fetch_orders(None))
    assert error.value.details["http_status"] == 401 and slept == []


def test_the_sandbox_refuses_filters_next_to_page_info_like_shopify(sandbox):
    url = f"{sandbox.base_url}/admin/api/2025-01/orders.json"
    headers = {"X-Shopify-Access-Token": "shpat_sandbox"}
    first = requests.get(url, params={"limit": 2, "status": "any"}, headers=headers)
    next_url = first.links["next"]["url"]

    refused = requests.get(next_url + "&status=any", headers=headers)

    assert refused.status_code == 400
    assert "cannot be passed when page_info is present" in refused.json()["errors"]["status"]
    assert requests.get(next_url, headers=headers).status_code == 200


def test_push_tracking_creates_a_fulfillment_for_the_open_fulfillment_orders(sandbox):
    shop, _ = adapter(sandbox)

    fulfillment = shop.push_tracking(str(FIRST_ID), "SF Express", "SF1234567890",
                                     tracking_url="https://www.sf-express.com/track?no=SF1234567890")

    pushed = requests.get(f"{sandbox.base_url}/_sandbox/fulfillments").json()["fulfillments"]
    assert [(p["order_id"], p["tracking_company"], p["tracking_number"]) for p in pushed] == [
        (FIRST_ID, "SF Express", "SF1234567890")]
    assert fulfillment["status"] == "success" and fulfillment["notify_customer"] is False


def test_pushing_tracking_twice_says_nothing_is_left_to_fulfil(sandbox):
    shop, _ = adapter(sandbox)
    shop.push_tracking(str(FIRST_ID), "SF Express", "SF1")

    with pytest.raises(ChannelError, match="nothing left to fulfil"):
        shop.push_tracking(str(FIRST_ID), "SF Express", "SF2")
    assert len(sandbox.state.fulfillments) == 1
