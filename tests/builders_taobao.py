"""Builders for Taobao tests: a taobao channel pointed at a running TOP sandbox, its catalogue, refunds."""
import requests

from tests.builders import make_channel, make_sku
from wms.channels.sandbox.taobao_store import DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_SESSION

INITIAL_SINCE = "2026-11-18T00:00:00Z"  # before the first seeded trade
CATALOGUE = ("TEA-LJ-250", "TEA-PUER-357", "MUG-CER-350", "SCARF-SILK-RED", "FAN-SANDAL-01")


def make_taobao_channel(base_url, code="tmall", session=DEFAULT_SESSION, **settings):
    """A taobao channel whose settings point at the sandbox at `base_url`."""
    return make_channel(code=code, platform="taobao", name="青瓷茶舍旗舰店", settings={
        "gateway_url": base_url, "app_key": DEFAULT_APP_KEY, "app_secret": DEFAULT_SECRET, "session": session,
        "initial_since": INITIAL_SINCE, "settle_seconds": 0, **settings})


def make_taobao_catalogue():
    """Our SKUs for the seeded items whose merchant codes are our codes (not the gift box or basket)."""
    return [make_sku(code, barcodes=(f"69{n:011d}",)) for n, code in enumerate(CATALOGUE, start=1)]


def open_taobao_refund(sandbox, tid, line=None, **fields):
    """A buyer opens a refund on trade `tid` (its sub-order `line`, or all of it) in the sandbox, over HTTP."""
    answer = requests.post(f"{sandbox.base_url}/_sandbox/refunds", json={"tid": tid, "line": line, **fields}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["refund"]


def change_taobao_refund(sandbox, refund_id, **fields):
    """The platform moves a refund on (status, sid, company_name...), over HTTP; its modified is stamped now."""
    answer = requests.patch(f"{sandbox.base_url}/_sandbox/refunds/{refund_id}", json=fields, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["refund"]
