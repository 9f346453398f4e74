"""Every channel with where its sync stands, for the "Channel sync" list a supervisor opens from the
menu (each row leads to the channel's sync page and its "Sync now")."""
from sqlalchemy import select

from wms.orders.models import Channel
from wms.orders.stores import store_groups
from wms.channels.services import OPEN_JOB_STATES, SYNC_JOB
from wms.extensions import db
from wms.worker import QueuedJob


def sync_overview():
    """[{"channel", "last_synced_at", "running"}] of every channel, active ones first, by name."""
    channels = db.session.scalars(select(Channel).order_by(Channel.active.desc(), Channel.name, Channel.id)).all()
    open_jobs = db.session.scalars(select(QueuedJob.args).where(
        QueuedJob.func == SYNC_JOB, QueuedJob.status.in_(OPEN_JOB_STATES))).all()
    running = {args[0] for args in open_jobs if isinstance(args, list) and args}
    return [{"channel": channel, "last_synced_at": channel.last_synced_at, "running": channel.id in running}
            for channel in channels]


def by_platform(rows):
    """The overview's rows under their platform, as the store filters group them (issue 19 item 4):
    [(platform, platform name, [row])]."""
    by_channel = {row["channel"].id: row for row in rows}
    return [(platform, name, [by_channel[c.id] for c in channels])
            for platform, name, channels in store_groups([row["channel"] for row in rows])]
