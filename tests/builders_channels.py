"""Builders for channel-sync tests: a Shopify channel pointed at a running sandbox."""
from tests.builders import make_channel
from wms.channels.sandbox.shopify_store import DEFAULT_TOKEN


def make_shopify_channel(base_url, code="shop", token=DEFAULT_TOKEN, **settings):
    """A shopify channel whose settings point at `base_url` with `token`."""
    return make_channel(code=code, platform="shopify", name="Sandbox Shopify",
                        settings={"base_url": base_url, "access_token": token, **settings})
