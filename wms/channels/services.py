"""Channel sync use cases: pull a platform's orders into ours, incrementally and resumably.

`sync_orders` streams (record, cursor) pairs from the channel's adapter and imports them in
chunks through `wms.imports.services.import_order_records` (idempotent on channel + external id).
The cursor (the newest `updated_at` seen) is written in its own small transaction right after a
chunk's import committed, never before: a crash between the two re-fetches that chunk next time,
which the importer answers with "unchanged". Nothing is lost and nothing is doubled.
"""
import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from wms import aftercommit, job_names
from wms.auth.access import require_channel
from wms.channels.base import adapter_for, sandbox_overrides
from wms.errors import DomainError, ValidationFailed
from wms.extensions import db
from wms.orders.models import Channel, Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.worker import QueuedJob, enqueue
from wms.wording import wording

log = logging.getLogger("wms.channels.sync")

CHUNK_SIZE = 100
SYNC_JOB = job_names.SYNC_CHANNEL_ORDERS
DEFAULT_INTERVAL_MINUTES = 15
OPEN_JOB_STATES = ("pending", "enqueued", "running")
SYNC_ACTOR = "channel-sync"
CANCEL_REASON = "Cancelled on the sales platform"
STALE_JOB_AFTER = timedelta(hours=1)  # rq's job timeout: a row still "running" after it is dead


@dataclass
class SyncSummary:
    """What one sync did, in counts (JSON-safe through to_dict)."""

    channel_id: int
    cursor_from: str | None = None
    cursor: str | None = None
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    cancelled: int = 0
    skipped_cancelled: int = 0   # cancelled on the platform before we ever imported them
    intercepts: list = field(default_factory=list)  # cancelled there, already on our floor: held/flagged
    chunks: int = 0
    errors: list = field(default_factory=list)  # [{"external_id", "message"}] from the importer

    def to_dict(self):
        return asdict(self)


def sync_orders(channel_id, *, chunk_size=CHUNK_SIZE, adapter=None):
    """Pull orders changed since the channel's cursor, import them chunk by chunk, advance the cursor."""
    channel = _syncable_channel(channel_id)
    adapter = adapter or adapter_for(channel, **_adapter_defaults(channel))
    summary = SyncSummary(channel_id, cursor_from=channel.sync_cursor, cursor=channel.sync_cursor)
    chunk = []
    for record, cursor in adapter.fetch_orders(channel.sync_cursor):
        chunk.append((record, cursor))
        if len(chunk) >= chunk_size:
            _sync_chunk(channel_id, chunk, summary, channel.platform)
            chunk = []
    if chunk:
        _sync_chunk(channel_id, chunk, summary, channel.platform)
    channel = db.session.get(Channel, channel_id)
    channel.last_synced_at = utcnow()
    aftercommit.commit()
    log.info("channel sync done", extra={"channel_id": channel_id, "sync": {
        k: v for k, v in summary.to_dict().items() if k not in ("errors", "intercepts")}})
    return summary


def _syncable_channel(channel_id):
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    if channel.platform == "manual":
        raise ValidationFailed.worded("Channel {channel} is manual: its orders come from files, not a sync",
                                      channel=channel.code, details={"field": "platform"})
    return channel


def _adapter_defaults(channel):
    """The sandbox URL from config when a channel names no address of its own (demo and development)."""
    return sandbox_overrides(channel, current_app.config)


def _sync_chunk(channel_id, chunk, summary, platform):
    """Import one chunk (its own commit), apply cancellations, then move the cursor past it."""
    from wms.channels.mapping_services import apply_sku_mappings
    from wms.imports.services import import_order_records

    records = apply_sku_mappings(channel_id, [dict(record) for record, _cursor in chunk])
    cancelled = {r["external_id"] for r in records if r.pop("cancelled_at", None)}
    known = _known_external_ids(channel_id, [r["external_id"] for r in records])
    wanted = [r for r in records if r["external_id"] not in cancelled or r["external_id"] in known]
    summary.fetched += len(records)
    summary.skipped_cancelled += len(records) - len(wanted)
    if wanted:
        result = import_order_records(channel_id, wanted, source=wording("{platform} order sync", platform=platform))
        _count(summary, result)
    _cancel_orders(channel_id, cancelled & known, summary)
    _advance_cursor(channel_id, max(cursor for _record, cursor in chunk), summary)


def _known_external_ids(channel_id, external_ids):
    return set(db.session.scalars(select(Order.external_id).where(
        Order.channel_id == channel_id, Order.external_id.in_(external_ids))))


def _count(summary, result):
    for name in ("created", "updated", "unchanged", "failed"):
        setattr(summary, name, getattr(summary, name) + getattr(result, name))
    summary.errors += [{"external_id": item.external_id,
                        "message": "; ".join(f"{e.get('field')}: {e.get('reason')}" for e in item.errors)[:300]}
                       for item in result.results if item.outcome == "failed"]


def _cancel_orders(channel_id, external_ids, summary):
    """Our copies of orders the platform cancelled: intercepted wherever they are (after-sales owns
    what that means per state: cancel at the desk, pull from the floor, void a label, ask the carrier)."""
    from wms.aftersales.models import ACTION_CANCELLED
    from wms.aftersales.services import intercept_order

    orders = db.session.execute(select(Order.id, Order.external_id).where(
        Order.channel_id == channel_id, Order.external_id.in_(external_ids))).all()
    for order_id, external_id in orders:
        try:
            intercept = intercept_order(order_id, reason=wording(CANCEL_REASON), source="channel", actor=SYNC_ACTOR)
        except DomainError as error:
            db.session.rollback()
            summary.intercepts.append(external_id)
            summary.errors.append({"external_id": external_id, "message": f"intercept failed: {error.message}"})
            continue
        if intercept is None:
            continue  # already cancelled or returned
        if intercept.action == ACTION_CANCELLED:
            summary.cancelled += 1
        else:
            summary.intercepts.append(external_id)


def _advance_cursor(channel_id, cursor, summary):
    """Move the cursor forward only (a concurrent or older run never moves it back)."""
    db.session.expire_all()
    channel = db.session.get(Channel, channel_id)
    summary.chunks += 1
    if channel.sync_cursor is None or cursor > channel.sync_cursor:
        channel.sync_cursor = cursor
    summary.cursor = channel.sync_cursor
    aftercommit.commit()


def request_sync(channel_id, actor=None):
    """"Sync now": enqueue a sync job unless one is already waiting or running; returns (job, is_new).

    An API token bound to other channels is refused (403)."""
    channel = _syncable_channel(channel_id)
    require_channel(actor, channel.code)
    job = open_sync_job(channel_id)
    if job is not None:
        return job, False
    job = enqueue(SYNC_JOB, channel_id, queue="imports")
    aftercommit.commit()
    return db.session.get(QueuedJob, job.id), True


def open_sync_job(channel_id):
    """The waiting or running sync job of the channel, if any (rows older than an hour are dead)."""
    cutoff = utcnow() - STALE_JOB_AFTER
    rows = db.session.scalars(select(QueuedJob).where(
        QueuedJob.func == SYNC_JOB, QueuedJob.status.in_(OPEN_JOB_STATES),
        QueuedJob.created_at >= cutoff).order_by(QueuedJob.id.desc())).all()
    return next((row for row in rows if row.args == [channel_id]), None)


def enqueue_due_syncs(now=None):
    """Scheduled sync: enqueue a job for every active platform channel whose interval has passed."""
    now = now or utcnow()
    channels = db.session.scalars(select(Channel).where(
        Channel.active.is_(True), Channel.platform != "manual").order_by(Channel.id)).all()
    queued = []
    for channel in channels:
        minutes = int((channel.settings or {}).get("sync_interval_minutes") or DEFAULT_INTERVAL_MINUTES)
        due = channel.last_synced_at is None or channel.last_synced_at <= now - timedelta(minutes=minutes)
        if due and open_sync_job(channel.id) is None:
            enqueue(SYNC_JOB, channel.id, queue="imports")
            queued.append(channel.id)
    aftercommit.commit()
    return queued


def sync_status(channel_id, actor=None):
    """The channel's cursor, last successful sync, and its latest sync job (for the status view)."""
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    require_channel(actor, channel.code)
    rows = db.session.scalars(select(QueuedJob).where(QueuedJob.func == SYNC_JOB)
                              .order_by(QueuedJob.id.desc()).limit(200)).all()
    job = next((row for row in rows if row.args == [channel_id]), None)
    return {"channel": channel, "cursor": channel.sync_cursor, "last_synced_at": channel.last_synced_at,
            "job": job, "running": job is not None and job.status in OPEN_JOB_STATES}
