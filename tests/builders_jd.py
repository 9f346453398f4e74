"""Builders for JD tests: a jd channel pointed at a running JOS sandbox, and its catalogue."""
from tests.builders import make_channel, make_sku
from wms.channels.sandbox.jd import DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_TOKEN

INITIAL_SINCE = "2026-11-18T00:00:00Z"  # before the first seeded order's change
CATALOGUE = ("TEA-LJ-250", "TEA-PUER-357", "MUG-CER-350", "SCARF-SILK-RED")


def jd_settings(base_url, **settings):
    """Channel settings (and adapter options) for the sandbox at `base_url`."""
    return {"gateway_url": base_url, "app_key": DEFAULT_APP_KEY, "app_secret": DEFAULT_SECRET,
            "access_token": DEFAULT_TOKEN, "initial_since": INITIAL_SINCE, "settle_seconds": 0, **settings}


def make_jd_channel(base_url, code="jd", **settings):
    """A jd channel whose settings point at the sandbox at `base_url`."""
    return make_channel(code=code, platform="jd", name="青瓷茶舍京东专卖店", settings=jd_settings(base_url, **settings))


def make_jd_catalogue():
    """Our SKUs for the seeded JD SKUs whose merchant codes are our codes (not the basket)."""
    return [make_sku(code, barcodes=(f"69{n + 50:011d}",)) for n, code in enumerate(CATALOGUE, start=1)]
