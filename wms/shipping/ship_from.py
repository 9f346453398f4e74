"""Where a parcel ships from: the sender printed on its label and sent to the carrier, the time zone
its print time is written in, and whether its label masks the buyer (隐私面单).

The warehouse knows these (its name, address, phone, time zone and privacy setting: wms.inventory's
Warehouse, the one its order was allocated to), but inventory sits beside shipping, not below it, so
shipping never imports it: a feature above both registers the lookup with @ship_from_source
(wms/packing/ship_from.py), as tracking registers its write-back with label_follow_ups.after_label.
Without one (shipping on its own in a test) a label has the carrier's sender settings, the configured
WAREHOUSE_TIMEZONE and privacy on.

A carrier's own sender settings (the carriers page: an account registered with a shop's name and
address) win field by field over the warehouse's; an empty field falls back to the warehouse.
"""
from dataclasses import dataclass

from flask import current_app

from wms.shipping.carriers import Address
from wms.timeutil import to_local, utcnow

_SOURCES = []


@dataclass(frozen=True)
class ShipFrom:
    """The sending warehouse as a label needs it."""

    name: str = ""
    phone: str = ""
    address: str = ""       # the full postal address as printed
    province: str = ""
    timezone: str = ""      # IANA name; "" = the configured WAREHOUSE_TIMEZONE
    privacy: bool = True    # 隐私面单: the buyer's name and phone masked on the label


def ship_from_source(source):
    """Register source(order_id) -> ShipFrom | None, asked for every label (a decorator)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def ship_from(order_id):
    """The ShipFrom of an order: the first registered source's answer, else the defaults."""
    for source in _SOURCES:
        found = source(order_id)
        if found is not None:
            return found
    return ShipFrom()


def sender_address(carrier, origin):
    """The sender for the carrier's request and the label: the carrier's sender settings, field by field,
    over the warehouse's."""
    own = (carrier.settings or {}).get("sender") or {}

    def pick(key, fallback=""):
        return str(own.get(key) or "").strip() or fallback

    street = pick("address")
    if street or any(own.get(key) for key in ("province", "city", "district")):
        return Address(pick("name", origin.name), pick("phone", origin.phone), pick("province"), pick("city"),
                       pick("district"), street)
    return Address(pick("name", origin.name), pick("phone", origin.phone), address=origin.address)


def printed_at(origin, now=None):
    """Now (or `now`, naive UTC) as the label prints it: in the warehouse's time zone."""
    zone = origin.timezone or current_app.config["WAREHOUSE_TIMEZONE"]
    return to_local(now or utcnow(), zone).strftime("%Y-%m-%d %H:%M")
