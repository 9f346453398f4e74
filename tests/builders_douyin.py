"""Builders for Douyin tests: a douyin channel pointed at a running 抖店 sandbox, and its catalogue."""
from tests.builders import make_channel, make_sku
from wms.channels.sandbox.douyin import DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_TOKEN

INITIAL_SINCE = "2026-11-18T00:00:00Z"  # before the first seeded order
CATALOGUE = ("TEA-LJ-250", "TEA-PUER-357", "MUG-CER-350", "SCARF-SILK-RED")


def make_douyin_channel(base_url, code="douyin", access_token=DEFAULT_TOKEN, **settings):
    """A douyin channel whose settings point at the sandbox at `base_url`."""
    return make_channel(code=code, platform="douyin", name="青瓷茶舍抖音小店", settings={
        "gateway_url": base_url, "app_key": DEFAULT_APP_KEY, "app_secret": DEFAULT_SECRET,
        "access_token": access_token, "initial_since": INITIAL_SINCE, "settle_seconds": 0, **settings})


def make_douyin_catalogue():
    """Our SKUs for the seeded items whose merchant codes are our codes (not the live-room gift box)."""
    return [make_sku(code, barcodes=(f"69{n:011d}",)) for n, code in enumerate(CATALOGUE, start=1)]
