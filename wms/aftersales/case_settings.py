"""The per-store setting of after-sales cases: does an exchange's replacement order wait for the returned
goods (Channel.settings["exchange_waits_for_return"], on unless the store sets it false). The desk's settings
form writes it; opening an exchange reads it."""
from sqlalchemy import select

from wms import aftercommit
from wms.extensions import db
from wms.inputs import as_int
from wms.orders.models import Channel
from wms.rows import get_or_not_found

WAITS_SETTING = "exchange_waits_for_return"


def channel_waits(channel):
    """Whether this store's exchanges wait for the returned goods (on when it has not said; on for no store)."""
    value = (channel.settings or {}).get(WAITS_SETTING) if channel is not None else None
    return True if value is None else bool(value)


def store_waits(channel_id):
    """Whether the store's exchanges wait for the returned goods (on unless the store says otherwise)."""
    return channel_waits(db.session.get(Channel, channel_id))


def set_store_waits(channel_id, waits, actor=None):
    """The store's setting: does an exchange's replacement wait for the returned goods."""
    return set_stores_waits({channel_id: waits}, actor=actor)[0]


def set_stores_waits(choices, actor=None):
    """{channel id: waits} for several stores at once (the desk's settings form); returns the channels."""
    channels = [get_or_not_found(Channel, as_int(channel_id), "No such store") for channel_id in choices]
    for channel, waits in zip(channels, choices.values()):
        channel.settings = {**(channel.settings or {}), WAITS_SETTING: bool(waits)}
    aftercommit.commit()
    return channels


def store_settings():
    """[(channel, waits)] of every active store, by name: the desk's settings form."""
    channels = db.session.scalars(select(Channel).where(Channel.active.is_(True)).order_by(Channel.name)).all()
    return [(channel, channel_waits(channel)) for channel in channels]
