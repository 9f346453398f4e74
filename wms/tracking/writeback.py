"""Writing the tracking number back to the sales channel, with visible failures and backoff retries.

When: at label time for channels set to 虚拟发货 (Channel.virtual_shipping; in the 店小秘 flow the label
is made before picking), when a person asks for 虚拟发货 on selected orders, otherwise when the
manifest closes at the dock. One WritebackTask per order holds the attempts, the last error and the
next attempt time; `retry_due_writebacks` (periodic) pushes the due ones again with exponential
backoff (statuses.retry_delay_seconds) until MAX_ATTEMPTS, after which a supervisor retries by hand.
The HTTP call happens outside any transaction, on a task claimed by a conditional UPDATE, so two
workers never push the same order twice at once.

Failures a person can deal with (issue 21 item 5): wms.failures sorts each failure. A temporary one
(ChannelUnavailable, or an error nobody classified) is retried as above; a permanent one (the platform
refused: order not found, already shipped, unknown logistics company, credentials) is not retried: the
task stays failed with no next attempt, the timeline says the platform refused, why, and that it will
not be retried, and supervisors hear it at once. A supervisor may then retry, fix and retry (another
carrier code and/or tracking number, old -> new on the timeline), or dismiss the failure with a reason
(忽略失败信息: status dismissed, who / when / why on the row and the timeline; retried again later if
need be). Every move between statuses is a conditional UPDATE: a dismissal racing a push or a retry
finds the task moved on and is told so.
"""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from wms import aftercommit, failures, job_names, realtime
from wms.counters import changes
from wms.errors import ConcurrentUpdate, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.shipping.label_follow_ups import after_label
from wms.timeutil import utcnow
from wms.tracking import statuses
from wms.tracking.models import WB_DISMISSED, WB_DONE, WB_FAILED, WB_PENDING, WB_PUSHING, WritebackTask
from wms.worker import enqueue
from wms.wording import wording

log = logging.getLogger("wms.tracking.writeback")

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
    enqueue(job_names.PUSH_WRITEBACK, task.id)
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
    changes.moved(db.session)  # the wall's write-back failures count may drop
    aftercommit.commit()
    return WB_DONE


def retry_due_writebacks(now=None, limit=200):
    """Periodic: queue every failed or pending task whose next attempt is due."""
    now = now or utcnow()
    ids = db.session.scalars(select(WritebackTask.id).where(
        WritebackTask.status.in_((WB_PENDING, WB_FAILED)), WritebackTask.next_attempt_at <= now)
        .order_by(WritebackTask.next_attempt_at).limit(limit)).all()
    for task_id in ids:
        enqueue(job_names.PUSH_WRITEBACK, task_id)
    aftercommit.commit()
    return len(ids)


def retry_writeback(task_id, actor=None):
    """A supervisor's retry: push again now, even after the automatic attempts ran out, after a permanent
    refusal (the cause fixed on the platform) or after a dismissal. Refused while a push runs."""
    task = _reopen(task_id)
    task.order.note(wording("write-back retried by hand"), actor=actor, kind="writeback")
    enqueue(job_names.PUSH_WRITEBACK, task.id)
    aftercommit.commit()
    return task


def fix_and_retry_writeback(task_id, *, carrier_code=None, tracking_number=None, actor=None):
    """A supervisor's fix and retry: write back another carrier and/or tracking number (the platform refused
    the ones sent), old -> new on the timeline, then push now."""
    from wms.shipping.models import Carrier

    carrier_code = str(carrier_code or "").strip()
    tracking_number = str(tracking_number or "").strip()
    current = get_or_not_found(WritebackTask, task_id, "No such write-back")
    if carrier_code and db.session.scalar(select(Carrier.id).where(Carrier.code == carrier_code)) is None:
        raise ValidationFailed.worded("Unknown carrier {carrier}", carrier=carrier_code,
                                      details={"field": "carrier_code"})
    if len(tracking_number) > 64:
        raise ValidationFailed.worded("A tracking number has at most {count} characters", count=64,
                                      details={"field": "tracking_number"})
    fixed = {name: value for name, value in (("carrier_code", carrier_code), ("tracking_number", tracking_number))
             if value and value != getattr(current, name)}
    if not fixed:
        raise ValidationFailed.worded("Give another carrier or tracking number to write back",
                                      details={"field": "tracking_number"})
    old = {name: getattr(current, name) for name in fixed}
    task = _reopen(task_id, **fixed)
    if "carrier_code" in fixed:
        task.order.note(wording("write-back carrier changed from {old} to {new}", old=old["carrier_code"],
                                new=fixed["carrier_code"]), actor=actor, kind="writeback")
    if "tracking_number" in fixed:
        task.order.note(wording("write-back tracking number changed from {old} to {new}",
                                old=old["tracking_number"], new=fixed["tracking_number"]), actor=actor,
                        kind="writeback")
    task.order.note(wording("write-back retried by hand"), actor=actor, kind="writeback")
    enqueue(job_names.PUSH_WRITEBACK, task.id)
    aftercommit.commit()
    return task


def dismiss_writeback(task_id, reason, actor=None):
    """忽略失败信息: a failed write-back leaves the supervisors' list and the wall's count by a person's
    decision, with who, when and why on the row and the order's timeline. Only a failed task (one not
    being pushed meanwhile) can be dismissed; it can be retried again later."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed.worded("Say why the failure is dismissed", details={"field": "reason"})
    if len(reason) > 500:
        raise ValidationFailed.worded("A reason has at most {count} characters", count=500,
                                      details={"field": "reason"})
    now = utcnow()
    moved = db.session.execute(
        update(WritebackTask).where(WritebackTask.id == task_id, WritebackTask.status == WB_FAILED)
        .values(status=WB_DISMISSED, next_attempt_at=None, dismissed_at=now, dismissed_reason=reason,
                dismissed_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        db.session.rollback()
        _refuse_move(task_id, "dismissed")
    task = db.session.get(WritebackTask, task_id)
    db.session.refresh(task)
    task.order.note(wording("write-back failure dismissed: {reason}", reason=reason), actor=actor, kind="writeback")
    realtime.publish("writeback.dismissed", _event(task), realtime.room_for_role("supervisor"))
    changes.moved(db.session)  # the wall counts only what is still open
    aftercommit.commit()
    return task


def open_writebacks(limit=500):
    """Tasks not done and not dismissed, failures first: what supervisors watch."""
    return db.session.scalars(select(WritebackTask).where(WritebackTask.status != WB_DONE,
                                                          WritebackTask.status != WB_DISMISSED)
                              .options(joinedload(WritebackTask.order), joinedload(WritebackTask.channel))
                              .order_by(WritebackTask.attempts.desc(), WritebackTask.id).limit(limit)).all()


def writeback_desk():
    """What the supervisors' page shows of write-backs: the open ones, the latest dismissed ones, and the
    carrier codes a fix may name."""
    from wms.shipping.models import Carrier

    return {"open": open_writebacks(), "dismissed": dismissed_writebacks(),
            "carriers": db.session.scalars(select(Carrier.code).order_by(Carrier.code)).all()}


def dismissed_writebacks(limit=50):
    """The latest dismissed write-backs (who, when, why), which a supervisor may still retry."""
    return db.session.scalars(select(WritebackTask).where(WritebackTask.status == WB_DISMISSED)
                              .options(joinedload(WritebackTask.order), joinedload(WritebackTask.channel),
                                       joinedload(WritebackTask.dismissed_by))
                              .order_by(WritebackTask.dismissed_at.desc(), WritebackTask.id.desc())
                              .limit(limit)).all()


def _reopen(task_id, **values):
    """Move a pending, failed or dismissed task to failed, due now (with `values`), by a conditional UPDATE;
    refused for a done task or one being pushed. The task, read again."""
    get_or_not_found(WritebackTask, task_id, "No such write-back")
    moved = db.session.execute(
        update(WritebackTask).where(WritebackTask.id == task_id,
                                    WritebackTask.status.in_((WB_PENDING, WB_FAILED, WB_DISMISSED)))
        .values(status=WB_FAILED, next_attempt_at=utcnow(), **values)
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        db.session.rollback()
        _refuse_move(task_id, "retried")
    task = db.session.get(WritebackTask, task_id)
    db.session.refresh(task)
    changes.moved(db.session)  # a dismissed task counts again on the wall
    return task


def _refuse_move(task_id, move):
    """The clear answer to a move the task's status no longer allows (it moved on meanwhile)."""
    task = db.session.get(WritebackTask, task_id)
    if task is None:
        raise NotFound.worded("No such write-back", details={"task_id": task_id})
    db.session.refresh(task)
    if task.status == WB_DONE:
        raise ValidationFailed.worded("This tracking number was already written back",
                                      details={"current": task.status})
    if task.status == WB_PUSHING:
        raise ConcurrentUpdate.worded("The write-back of order {order} is being pushed now: wait for its answer",
                                      order=task.order.external_id, details={"current": task.status})
    if move == "dismissed":
        raise ConcurrentUpdate.worded("The write-back of order {order} is '{status}': only a failed one can be "
                                      "dismissed", order=task.order.external_id, status=wording(task.status),
                                      details={"current": task.status})
    raise ConcurrentUpdate.worded("The write-back of order {order} is '{status}' and cannot be retried now",
                                  order=task.order.external_id, status=wording(task.status),
                                  details={"current": task.status})


def _event(task):
    return {"task_id": task.id, "order_id": task.order_id, "external_id": task.order.external_id,
            "channel": task.channel.code, "status": task.status, "failure_kind": task.failure_kind,
            "error": task.last_error[:300]}


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
    task.last_error = f"{type(error).__name__}: {_reason(error)}"[:2000]
    task.failure_kind = failures.kind_of(error)
    step = failures.next_step(task.failure_kind, task.attempts, MAX_ATTEMPTS)
    task.next_attempt_at = None if step != failures.RETRY else utcnow() + timedelta(seconds=statuses.retry_delay_seconds(
        task.attempts, base=current_app.config.get("WRITEBACK_RETRY_BASE_SECONDS", 60)))
    values = {"attempt": task.attempts, "error": task.last_error[:300]}
    if step == failures.REFUSED:
        failed = wording("{channel} refused the write-back and it will not be retried by itself: {error}",
                         channel=task.channel.code, error=_reason(error)[:300])
    elif step == failures.GIVE_UP:
        failed = wording("write-back failed (attempt {attempt}, gave up): {error}", **values)
    else:
        failed = wording("write-back failed (attempt {attempt}): {error}", **values)
    task.order.note(failed, kind="writeback")
    if step != failures.RETRY:  # a person must decide now: supervisors hear it at once
        realtime.publish("writeback.failed", _event(task), realtime.room_for_role("supervisor"))
    changes.moved(db.session)  # the wall's write-back failures count
    aftercommit.commit()
    log.warning("tracking write-back failed", extra={"task_id": task_id, "attempts": task.attempts,
                                                      "failure_kind": task.failure_kind})
    return WB_FAILED


def _reason(error):
    """The partner's own words for a failure."""
    return str(getattr(error, "message", None) or error or type(error).__name__)


def _adapter(channel):
    from wms.channels.base import adapter_for, sandbox_overrides

    # our own backoff retries: no sleeping inside a worker
    return adapter_for(channel, max_attempts=1, **sandbox_overrides(channel, current_app.config))


def _carrier_name(code):
    from wms.shipping.models import Carrier

    return db.session.scalar(select(Carrier.name).where(Carrier.code == code)) or code


def _plain(value):
    return value if isinstance(value, dict) else {"result": str(value)}
