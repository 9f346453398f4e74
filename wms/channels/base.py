"""The sales-channel adapter interface, and `adapter_for(channel)` to pick one by platform.

An adapter speaks one platform's documented wire format and translates it to our canonical order
record (the dict `wms.imports.services.import_order_records` takes). It knows nothing of the
database: the sync service owns the transaction and the cursor. Pure: stdlib only (the adapters
themselves may use `requests`).

Canonical record keys: external_id, ordered_at (naive-UTC ISO or None), buyer_name, buyer_phone,
buyer_email, country (ISO2), province, city, district, address, postcode, total_cents, currency,
payment_status (paid | pending | refunded), buyer_remark, seller_note, tags, priority,
carrier_code, ship_by (the platform's promised ship-by time, naive-UTC ISO or None: the channel's rule
fills it when None), presale_ship_from (a presale's ship-from time, naive-UTC ISO or None: not a presale),
cash_on_delivery and invoice_requested (booleans: finance review's facts, false when the platform does
not give them; each adapter's docstring names the platform field), lines [{sku_code, name, qty,
unit_price_cents, list_price_cents (the list price, or None when the platform gives none)}]. Adapters add one more key,
`cancelled_at` (naive-UTC ISO or None), which the sync service acts on and strips before importing.
"""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Iterator, Protocol

from wms.errors import DomainError


class ChannelError(DomainError):
    """The platform could not be reached or said no; the sync stops and keeps its cursor."""

    status, code = 502, "channel_error"
    temporary = False  # the platform said no: the same call would be refused again (wms.failures)


class ChannelAuthFailed(ChannelError):
    """The platform refused our credentials (401/403): fix the channel's access token."""

    code = "channel_auth_failed"


class ChannelUnavailable(ChannelError):
    """Timeouts, 5xx or rate limits outlasted every retry."""

    code = "channel_unavailable"
    temporary = True   # a later identical call may go through (wms.failures)


class ChannelAdapter(Protocol):
    """What the sync service and the label step need from a sales platform."""

    platform: str

    def fetch_orders(self, since: str | None) -> Iterator[tuple[dict, str]]:
        """Orders updated at or after `since` (a cursor from an earlier call, None = all), oldest
        change first, as (canonical record, cursor) pairs; a cursor sorts as an ISO UTC time."""

    def push_tracking(self, external_id: str, carrier: str, tracking_number: str, *,
                      tracking_url: str | None = None, notify_buyer: bool = False) -> dict:
        """Tell the platform the order shipped with this carrier and tracking number."""


class RefundSource(Protocol):
    """An adapter whose platform reports refunds and after-sales requests (issue 19 item 3).

    Canonical refund record keys: refund_id (the platform's), external_id (the order's), kind
    (refund_only | return_refund | exchange | reship), status (requested | agreed | refused | closed |
    done), reason (the buyer's words), amount_cents, return_carrier, return_tracking_number,
    requested_at (naive-UTC ISO), lines [{sku_code, qty}] (empty = the whole order)."""

    def fetch_refunds(self, since: str | None) -> Iterator[tuple[dict, str]]:
        """Refund / after-sales records changed at or after `since`, oldest first, with cursors (as fetch_orders)."""


class StockTarget(Protocol):
    """An adapter whose platform takes the quantity a store may sell (issue 19 item 2)."""

    stock_batch_size: int  # items one call may carry, as the platform documents

    def push_stock(self, items: list[dict]) -> list[dict]:
        """Set each [{platform_sku, qty}] (at most stock_batch_size) as the sellable quantity; one result per
        item, in order: {platform_sku, ok: bool, error: str | None} (a per-item refusal is not an exception;
        an exception means the whole call failed and may be retried)."""


_FACTORIES = {}


def register(platform):
    """Class decorator: `cls.from_channel(channel)` builds the adapter for `platform`."""

    def decorate(cls):
        _FACTORIES[platform] = cls
        cls.platform = platform
        return cls

    return decorate


def adapter_for(channel, **overrides):
    """The adapter for `channel.platform`, configured from `channel.settings` (and overrides)."""
    _load_builtin_adapters()
    factory = _FACTORIES.get(channel.platform)
    if factory is None:
        raise ChannelError.worded("Channel {channel} ({platform}) has no sync adapter", channel=channel.code,
                                  platform=channel.platform, details={"platform": channel.platform})
    return factory.from_channel(channel, **overrides)


def platforms():
    """Platforms that have an adapter."""
    _load_builtin_adapters()
    return sorted(_FACTORIES)


def _load_builtin_adapters():
    from wms.channels import douyin, jd, pdd, shopify, taobao  # noqa: F401  (register themselves)


# The setting that holds a platform's address; `make run` starts a local sandbox for each platform named
# here and says where in `<PLATFORM>_SANDBOX_URL` (config).
URL_SETTING = {"shopify": "base_url", "taobao": "gateway_url", "jd": "gateway_url", "pdd": "gateway_url",
               "douyin": "gateway_url"}


def sandbox_overrides(channel, config):
    """The local sandbox's address for a channel that names none of its own (the demo and development):
    {setting: url}, or {} (a channel with an address, or no sandbox configured: production)."""
    setting = URL_SETTING.get(channel.platform)
    url = config.get(f"{channel.platform.upper()}_SANDBOX_URL") if setting else None
    if url and not (channel.settings or {}).get(setting):
        return {setting: url}
    return {}


def to_cents(amount):
    """A platform's decimal money string ("129.90") as integer cents, exactly; refuses fractions of a cent."""
    try:
        value = Decimal(str(amount if amount not in (None, "") else "0")) * 100
    except InvalidOperation:
        raise ValueError(f"not a money amount: {amount!r}") from None
    if value != value.to_integral_value():
        raise ValueError(f"money amount {amount!r} has fractions of a cent")
    return int(value)


# --- the sync cursor: one format for every platform ---------------------------------------------

def parse_iso(text):
    """An ISO 8601 timestamp with offset (or Z; naive = UTC) as an aware datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def cursor_text(moment):
    """An aware datetime as the sync cursor: UTC ISO text, which sorts and compares as text."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def naive_utc_text(moment):
    """An aware datetime as the naive-UTC ISO text the canonical record carries (None stays None)."""
    return None if moment is None else moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
