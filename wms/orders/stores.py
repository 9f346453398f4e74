"""The stores (channels) grouped by platform, for every list that filters by store (issue 19 item 4):
the review desk, search results, the parcel list, the returns screen, the channel pages.

A platform is named in English words here (each page shows them with `_()`, the Chinese in
wms/translations/zh_CN/channels.json); the channels feature's own settings forms use the same words.
"""
from sqlalchemy import select

from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Channel

PLATFORM_NAMES = {"shopify": "Shopify", "taobao": "Taobao / Tmall", "jd": "JD.com", "pdd": "Pinduoduo",
                  "douyin": "Douyin shop", "manual": "Manual (spreadsheets)"}
PLATFORM_ORDER = ("taobao", "jd", "pdd", "douyin", "shopify", "manual")


def platform_name(platform):
    """A platform's English name (its code for one we do not know)."""
    return PLATFORM_NAMES.get(platform, platform)


def platform_rank(platform):
    return PLATFORM_ORDER.index(platform) if platform in PLATFORM_ORDER else len(PLATFORM_ORDER)


def store_groups(channels=None):
    """[(platform, platform name, [channels])]: every store under its platform, platforms in a fixed order,
    stores active first, then by name."""
    if channels is None:
        channels = db.session.scalars(select(Channel)).all()
    groups = {}
    for channel in channels:
        groups.setdefault(channel.platform, []).append(channel)
    return [(platform, platform_name(platform), sorted(stores, key=lambda c: (not c.active, c.name, c.id)))
            for platform, stores in sorted(groups.items(), key=lambda item: (platform_rank(item[0]), item[0]))]


def store_id(value):
    """A store filter's value (a query parameter) as a channel id, or None for "any store"; refuses a
    value that is not a store's id."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise ValidationFailed("Unknown store", field="channel")
    return int(text)
