"""Writing the tracking number back to the sales channel, with visible failures and backoff retries.

When: at label time for channels set to 虚拟发货 (Channel.virtual_shipping; in the 店小秘 flow the label
is made before picking), when a person asks for 虚拟发货 on selected orders, otherwise when the
manifest closes at the dock. One WritebackTask per order holds the attempts, the last error and the
next attempt time; `retry_due_writebacks` (periodic) pushes the due ones again with exponential
backoff (statuses.retry_delay_seconds) until MAX_ATTEMPTS, after which a supervisor retries by hand.
The HTTP call happens outside any transaction, on a task claimed by a conditional UPDATE, so two
workers never push the same order twice at once.
"""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from wms import aftercommit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.shipping.waybills import after_label
from wms.timeutil import utcnow
from wms.tracking import statuses
from wms.tracking.models import WB_DONE, WB_FAILED, WB_PENDING, WB_PUSHING, WritebackTask
from wms.worker import enqueue
from wms.wording import wording

log = logging.getLogger("wms.tracking.writeback")

JOB = "wms.tracking.jobs.push_writeback"
MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)  # a worker that died mid-push; its claim is taken over


def request_writeback(order, tracking_number, carrier_code, trigger="handover"):
    """Create the order's write-back task and push it after commit (once per order). No commit."""
    if order.channel is None or order.channel.platform == "manual":
        return None  # manual channels have no platform to tell
    task = db.session.scalar(select(WritebackTask).where(WritebackTask.order_id == order.id))
    if task is not None:
        return task
    task = WritebackTask(order_id=order.id, channel_id=order.channel_id, carrier_code=carrier_code,
                         tracking_number=tracking_number, trigger=trigger, next_attempt_at=utcnow())
    db.session.add(task)
    db.session.flush()
    enqueue(JOB, task.id)
    return task


@after_label
def on_label_created(order_id, tracking_number, carrier_code):
    """After a new label (shipping runs it): 虚拟发货 channels get the tracking number now. Commits; the task or None."""
    order = get_or_not_found(Order, order_id, "Order not found", order_id=order_id)
    if not (order.channel and order.channel.virtual_shipping):
        return None
    task = request_writeback(order, tracking_number, carrier_code, trigger="label")
    aftercommit.commit()
    return task


def virtual_ship(order_id, tracking_number, carrier_code):
    """虚拟发货 asked for by hand on selected orders (the waybill desk): the number is written back now,
    whatever the channel's setting; once per order like every write-back. Commits; the task or None."""
    order = get_or_not_found(Order, order_id, "Order not found", order_id=order_id)
    task = request_writeback(order, tracking_number, carrier_code, trigger="label")
    aftercommit.commit()
    return task


def push_writeback(task_id):
    """Push one task to its channel (a job). Idempotent: a done or claimed task is left alone."""
    if not _claim(task_id):
        return "skipped"
    task = db.session.get(WritebackTask, task_id)
    order, channel = task.order, task.channel
    request = (order.external_id, _carrier_name(task.carrier_code), task.tracking_number)
    notify_buyer = bool(channel.notifies_buyers)
    db.session.commit()  # end the read transaction: no database lock is held during the HTTP call
    try:
        result = _adapter(channel).push_tracking(*request, notify_buyer=notify_buyer)
    except Exception as error:  # every failure is recorded and retried, whatever raised it
        return _failed(task_id, error)
    task = db.session.get(WritebackTask, task_id)
    task.status, task.done_at, task.last_error, task.next_attempt_at = WB_DONE, utcnow(), "", None
    task.result = _plain(result)
    task.order.note(wording("tracking number {number} written back to {channel}", number=task.tracking_number,
                            channel=channel.code), kind="writeback")
    aftercommit.commit()
    return WB_DONE


def retry_due_writebacks(now=None, limit=200):
    """Periodic: queue every failed or pending task whose next attempt is due."""
    now = now or utcnow()
    ids = db.session.scalars(select(WritebackTask.id).where(
        WritebackTask.status.in_((WB_PENDING, WB_FAILED)), WritebackTask.next_attempt_at <= now)
        .order_by(WritebackTask.next_attempt_at).limit(limit)).all()
    for task_id in ids:
        enqueue(JOB, task_id)
    aftercommit.commit()
    return len(ids)


def retry_writeback(task_id, actor=None):
    """A supervisor's retry: push again now, even after the automatic attempts ran out."""
    task = get_or_not_found(WritebackTask, task_id, "No such write-back")
    if task.status == WB_DONE:
        raise ValidationFailed("This tracking number was already written back")
    task.status, task.next_attempt_at = WB_FAILED, utcnow()
    task.order.note(wording("write-back retried by hand"), actor=actor, kind="writeback")
    enqueue(JOB, task.id)
    aftercommit.commit()
    return task


def open_writebacks(limit=500):
    """Tasks not done yet, failures first: what supervisors watch."""
    return db.session.scalars(select(WritebackTask).where(WritebackTask.status != WB_DONE)
                              .options(joinedload(WritebackTask.order), joinedload(WritebackTask.channel))
                              .order_by(WritebackTask.attempts.desc(), WritebackTask.id).limit(limit)).all()


def _claim(task_id):
    now = utcnow()
    claimed = db.session.execute(
        update(WritebackTask).where(WritebackTask.id == task_id, or_(
            WritebackTask.status.in_((WB_PENDING, WB_FAILED)),
            (WritebackTask.status == WB_PUSHING) & (WritebackTask.claimed_at < now - STALE_CLAIM)))
        .values(status=WB_PUSHING, claimed_at=now, attempts=WritebackTask.attempts + 1)).rowcount
    db.session.commit()
    return claimed == 1


def _failed(task_id, error):
    db.session.rollback()
    task = db.session.get(WritebackTask, task_id)
    task.status = WB_FAILED
    task.last_error = f"{type(error).__name__}: {getattr(error, 'message', None) or error}"[:2000]
    gave_up = task.attempts >= MAX_ATTEMPTS
    task.next_attempt_at = None if gave_up else utcnow() + timedelta(
        seconds=statuses.retry_delay_seconds(task.attempts, base=current_app.config.get("WRITEBACK_RETRY_BASE_SECONDS", 60)))
    values = {"attempt": task.attempts, "error": task.last_error[:300]}
    failed = wording("write-back failed (attempt {attempt}, gave up): {error}", **values) if gave_up \
        else wording("write-back failed (attempt {attempt}): {error}", **values)
    task.order.note(failed, kind="writeback")
    aftercommit.commit()
    log.warning("tracking write-back failed", extra={"task_id": task_id, "attempts": task.attempts})
    return WB_FAILED


def _adapter(channel):
    from wms.channels.base import adapter_for, sandbox_overrides

    # our own backoff retries: no sleeping inside a worker
    return adapter_for(channel, max_attempts=1, **sandbox_overrides(channel, current_app.config))


def _carrier_name(code):
    from wms.shipping.models import Carrier

    return db.session.scalar(select(Carrier.name).where(Carrier.code == code)) or code


def _plain(value):
    return value if isinstance(value, dict) else {"result": str(value)}
