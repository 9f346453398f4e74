"""Builders for Pinduoduo tests: a pdd channel pointed at a running PDD sandbox, its catalogue, an adapter."""
from datetime import timedelta

from tests.builders import make_channel, make_sku
from wms.channels.pdd import PddAdapter
from wms.channels.sandbox.pdd import DEFAULT_CLIENT_ID, DEFAULT_SECRET, DEFAULT_TOKEN

CATALOGUE = ("TEA-LJ-250", "TEA-PUER-357", "MUG-CER-350", "SCARF-SILK-RED")


def initial_since(sandbox):
    """Before the first seeded order, off the minute so that no seeded time falls on a window's edge."""
    return (sandbox.state.started - timedelta(hours=6) + timedelta(seconds=7)).isoformat()


def pdd_settings(sandbox, **settings):
    return {"gateway_url": sandbox.base_url, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_SECRET,
            "access_token": DEFAULT_TOKEN, "initial_since": initial_since(sandbox), "settle_seconds": 0, **settings}


def make_pdd_channel(sandbox, code="pdd", **settings):
    """A pdd channel whose settings point at the running sandbox."""
    return make_channel(code=code, platform="pdd", name="青瓷茶舍拼多多店", settings=pdd_settings(sandbox, **settings))


def make_pdd_adapter(sandbox, **settings):
    """An adapter on the sandbox that sleeps into a list instead of waiting (retries stay fast)."""
    slept = []
    options = {"sleep": slept.append, "timeout": (2, 0.4), **settings}
    settings_ = pdd_settings(sandbox, **options)
    adapter = PddAdapter(settings_.pop("client_id"), settings_.pop("client_secret"), settings_.pop("access_token"),
                         **settings_)
    adapter.slept = slept
    return adapter


def make_pdd_catalogue():
    """Our SKUs for the seeded items whose merchant codes are our codes (not the basket, which has none)."""
    return [make_sku(code, barcodes=(f"69{n + 50:011d}",)) for n, code in enumerate(CATALOGUE, start=1)]
