"""The Shopify adapter against the sandbox over HTTP: retries, GraphQL cost throttling, errors, the wire contract,
fulfillments."""
import pytest
import requests

from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable
from wms.channels.sandbox import shopify_inventory
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.channels.shopify import ShopifyAdapter
from wms.channels.shopify_gateway import MAX_THROTTLE_WAIT, throttle_wait
from wms.i18n import render
from wms.wording import wording


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


# --- GraphQL cost throttling (THROTTLED, HTTP 200) and the one budget of attempts it shares -----------------

ITEM = 4_300_000_001 + shopify_inventory.INVENTORY_ITEM_OFFSET


def stock_adapter(sandbox, **options):
    """An adapter whose push_stock sends only graphql.json requests (location known, an inventory item id)."""
    sandbox.state.add_variant(4_300_000_001, "TH-1", 0)
    return adapter(sandbox, location_id=shopify_inventory.LOCATION_ID, **options)


def throttle(sandbox, count=1, **bucket):
    requests.post(f"{sandbox.base_url}/_sandbox/faults",
                  json={"status": 429, "count": count, "throttle_status": bucket})


def fail(sandbox, status=503, count=1):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"status": status, "count": count})


def graphql_requests(sandbox):
    return sum(1 for _method, path, _query in sandbox.state.requests if path.endswith("/graphql.json"))


def test_the_sandbox_throttles_graphql_with_the_bucket_numbers_shopify_sends(sandbox):
    throttle(sandbox, currentlyAvailable=4.0, restoreRate=50.0)
    answer = requests.post(f"{sandbox.base_url}/admin/api/2025-01/graphql.json", json={"query": "{ shop { id } }"},
                           headers={"X-Shopify-Access-Token": "shpat_sandbox"})

    assert answer.status_code == 200 and answer.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert answer.json()["extensions"]["cost"] == {
        "requestedQueryCost": shopify_inventory.SET_QUANTITIES_COST, "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 4.0, "restoreRate": 50.0}}


def test_a_throttled_call_waits_what_the_bucket_needs_then_succeeds(sandbox):
    shop, slept = stock_adapter(sandbox)
    throttle(sandbox, currentlyAvailable=4.0, restoreRate=50.0)    # 10 requested: (10 - 4) / 50 s
    throttle(sandbox, currentlyAvailable=0.0, restoreRate=100.0)   # (10 - 0) / 100 s

    assert shop.push_stock([{"platform_sku": str(ITEM), "qty": 7}]) == [
        {"platform_sku": str(ITEM), "ok": True, "error": None}]
    assert slept == [0.12, 0.1] and sandbox.state.levels[ITEM] == 7 and graphql_requests(sandbox) == 3


def test_a_throttle_wait_is_capped_and_the_back_off_stands_in_for_missing_numbers():
    assert throttle_wait({"extensions": {"cost": {"requestedQueryCost": 1000, "throttleStatus": {
        "currentlyAvailable": 0, "restoreRate": 0.5}}}}) == MAX_THROTTLE_WAIT
    for answer in ({"errors": [{"extensions": {"code": "THROTTLED"}}]},
                   {"extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus": {"currentlyAvailable": 0}}}},
                   {"extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus": {
                       "currentlyAvailable": 0, "restoreRate": 0}}}},
                   {"extensions": {"cost": {"requestedQueryCost": "ten", "throttleStatus": {
                       "currentlyAvailable": 0, "restoreRate": 50}}}},
                   {"extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus": {  # room enough: not the bucket
                       "currentlyAvailable": 500, "restoreRate": 50}}}}):
        assert throttle_wait(answer) is None


def test_a_call_that_stays_throttled_sends_no_more_requests_than_its_one_budget(sandbox):
    shop, slept = stock_adapter(sandbox, max_attempts=3)
    throttle(sandbox, count=20, currentlyAvailable=5.0, restoreRate=50.0)

    with pytest.raises(ChannelUnavailable) as refused:
        shop.push_stock([{"platform_sku": str(ITEM), "qty": 7}])
    assert graphql_requests(sandbox) == 3 and slept == [0.1, 0.1]
    assert refused.value.message == "Shopify kept answering THROTTLED after 3 attempts"
    assert render(wording(refused.value.template, **refused.value.values), "zh_CN") == "尝试 3 次后Shopify仍返回 THROTTLED"
    assert sandbox.state.levels[ITEM] == 0


def test_5xx_and_throttled_answers_share_the_one_budget_of_a_call(sandbox):
    shop, slept = stock_adapter(sandbox, max_attempts=4)
    for _ in range(5):
        fail(sandbox, 503)
        throttle(sandbox, currentlyAvailable=0.0, restoreRate=20.0)   # (10 - 0) / 20 s

    with pytest.raises(ChannelUnavailable, match="THROTTLED after 4 attempts"):
        shop.push_stock([{"platform_sku": str(ITEM), "qty": 7}])
    assert graphql_requests(sandbox) == 4     # 503, THROTTLED, 503, THROTTLED: not a full set of retries each
    assert slept == [0.5, 0.5, 2.0]  # the back-off after each 503 (attempts 1, 3), the bucket's wait after THROTTLED


def test_a_5xx_then_a_throttled_answer_then_ok_succeeds_within_the_budget(sandbox):
    shop, slept = stock_adapter(sandbox, max_attempts=3)
    fail(sandbox, 502)
    throttle(sandbox, currentlyAvailable=6.0, restoreRate=100.0)

    assert shop.push_stock([{"platform_sku": str(ITEM), "qty": 9}])[0]["ok"]
    assert slept == [0.5, 0.04] and graphql_requests(sandbox) == 3 and sandbox.state.levels[ITEM] == 9
