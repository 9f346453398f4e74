"""Carrier adapters behind one interface (base.py); `adapter_for` builds one from a carrier's settings."""
from wms.shipping.carriers.base import (  # noqa: F401
    Address, CarrierAdapter, TrackingEvent, WaybillError, WaybillRequest, WaybillResult)

ADAPTERS = {}


def register(name):
    def decorate(cls):
        ADAPTERS[name] = cls
        return cls

    return decorate


def adapter_for(settings):
    """The adapter named by settings["adapter"] (default kuaidi100), configured from the same dict."""
    from wms.shipping.carriers import fourpx, kuaidi100  # noqa: F401  (each registers itself)

    name = (settings or {}).get("adapter", "kuaidi100")
    if name not in ADAPTERS:
        raise WaybillError("carrier_error", f"no carrier adapter named {name!r}")
    return ADAPTERS[name](settings or {})
