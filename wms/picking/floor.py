"""Handheld and pack-station events applied exactly once: the envelope every floor event goes through.

Every event carries a client UUID, the device and its sequence number. The UUID is the idempotency
key: the FloorEvent row is written in the same transaction as the effect, so a resent event (outbox
replay, double scan, network retry) gets the stored answer and changes nothing. Each event is
answered `accepted` or `rejected` (wms.picking.floor_answers). What an event does is its kind's
handler: `pick` and `short` (wms.picking.line_events), and the kinds other features register here
(the pack station's). On PostgreSQL the common scan takes a one-statement path (wms.picking.quick).
"""
import functools
import logging

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from wms import aftercommit
from wms.rawsql import Prepared, defer, each_statement_on_its_own, integrity_error, nothing_sent_yet
from wms.counters.services import pick_counted_elsewhere
from wms.extensions import db
from wms.picking import line_events, quick
from wms.picking import event_shape
from wms.picking.floor_answers import (
    Rejected, bad_event_answer, busy_answer, plain, rate_limited_answer, rejected_answer, server_error_answer,
    uuid_conflict_answer)
from wms.picking.models import FloorEvent
from wms.timeutil import utcnow

MAX_BATCH = 500
MAX_BATCH_BYTES = MAX_BATCH * event_shape.MAX_EVENT_BYTES + 4096  # an HTTP replay's body
log = logging.getLogger("wms.floor")

_STORED_ANSWER = select(FloorEvent.answer, FloorEvent.user_id, FloorEvent.device_code).where(
    FloorEvent.uuid == bindparam("uuid"))
_INSERT_EVENT = Prepared(insert(FloorEvent).values(
    {name: bindparam(name) for name in ("uuid", "device_code", "device_seq", "user_id", "kind", "payload",
                                        "accepted", "answer", "reason", "received_at")}))


def apply_events(user, device_code, events, allowed=None):
    """Apply a batch (an outbox replay) in order; one answer per event. A bad event is answered and the
    batch goes on. `allowed`: how many events the sender's rate limit lets through now, with the
    seconds until more may come; the rest are answered `rate_limited` (nothing stored) and resent."""
    if not isinstance(events, list) or len(events) > MAX_BATCH:
        return [bad_event_answer({}, f"send a list of at most {MAX_BATCH} events")]
    granted, retry_after = allowed if allowed is not None else (len(events), 0)
    return [apply_event(user, device_code, event) if n < granted else rate_limited_answer(event, retry_after)
            for n, event in enumerate(events)]


def apply_event(user, device_code, event):
    """Apply one handheld event exactly once and return its answer (stored for replays). Every event
    gets an answer: a malformed one `bad_event` (nothing stored), an unexpected failure `server_error`
    (stored, logged with the uuid), a database out of reach `server_busy` (nothing stored: resent)."""
    kind = event.get("kind") if isinstance(event, dict) else None
    clean, problem = event_shape.clean_event(event, FIELDS.get(kind, {}) if isinstance(kind, str) else {})
    if problem:
        return bad_event_answer(event, problem)
    try:
        return _apply(user, device_code, clean)
    except Exception as error:  # noqa: BLE001 - the handheld must get an answer, whatever went wrong
        return _failed(user, device_code, clean, error)


def _apply(user, device_code, event):
    # No look-up first: the common event is new, and a replayed one fails on the unique uuid below,
    # which rolls its effect back with the rest of its transaction.
    handler = HANDLERS.get(event["kind"])
    if handler is line_events.pick and quick.available(db.session.get_bind()):
        answer, line = _quick_pick(user, device_code, event)
        if answer is not None:
            return answer
        handler = functools.partial(line_events.pick, line=line)  # the general path, with the line already read
    try:
        if handler is None:
            raise Rejected("unknown_event", kind=event["kind"])
        answer = {"status": "accepted", **handler(user, event)}
    except Rejected as rejected:
        db.session.rollback()
        answer = rejected_answer(rejected)
    answer["uuid"] = event["uuid"]
    return _store(user, device_code, event, answer)


def _store(user, device_code, event, answer):
    try:
        # Sent at the commit with the writes the handler deferred (and the wall's counters): one round trip.
        defer(_INSERT_EVENT, _event_row(user, device_code, event, answer))
        aftercommit.commit()
    except (IntegrityError, integrity_error()):  # seen before (a replay, or the same uuid racing)
        return _stored_answer(user, device_code, event, answer)
    return answer


def _failed(user, device_code, event, error):
    """An unexpected exception inside the path: rolled back and answered. A database that cannot be
    reached is `server_busy` (nothing stored, the outbox resends); anything else is stored as a
    `server_error` rejection, so the outbox moves on to the events after it."""
    _rollback_quietly()
    if isinstance(error, _unavailable()):
        log.warning("floor event %s (%s) not applied: database unavailable", event["uuid"], event["kind"],
                    extra={"event_uuid": event["uuid"], "error": str(error)[:300]})
        return busy_answer(event)
    log.error("floor event %s (%s) failed", event["uuid"], event["kind"], exc_info=error,
              extra={"event_uuid": event["uuid"]})
    answer = server_error_answer(event)
    try:
        return _store(user, device_code, event, answer)
    except Exception:  # noqa: BLE001 - the row could not be written either: answer, store nothing
        _rollback_quietly()
        log.error("floor event %s: its server_error answer could not be stored", event["uuid"], exc_info=True,
                  extra={"event_uuid": event["uuid"]})
        return busy_answer(event)


def _unavailable():
    """Errors that say the database is out of reach or busy (locked, deadlocked, connection lost), from
    SQLAlchemy or, for the statements run on the driver's cursor (wms.rawsql), from the driver."""
    driver = db.engine.dialect.loaded_dbapi
    return OperationalError, InterfaceError, driver.OperationalError, driver.InterfaceError


def _rollback_quietly():
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection: the session starts afresh next time
        db.session.close()


def _quick_pick(user, device_code, event):
    """The common scan on PostgreSQL (wms.picking.quick): read the line outside a transaction and,
    when the pick rules pass and `quick.takes` it (no effect due that the statement does not write:
    wms.picking.pick_effects), write it all in one statement. (answer, None) when done that way;
    else (None, the line read or None), and the general path applies the event (and answers a
    rejection)."""
    conn = db.session.connection()
    try:
        if nothing_sent_yet(conn):
            with each_statement_on_its_own(conn):
                answer, line = _quick_pick_on(conn, user, device_code, event)
        else:  # a caller whose transaction already sent statements (the HTTP API's request) keeps it
            answer, line = _quick_pick_on(conn, user, device_code, event)
    except _SeenBefore as seen:  # a replay, or the same uuid racing: nothing was written
        return _stored_answer(user, device_code, event, seen.answer), None
    if answer is not None:
        aftercommit.commit()  # nothing left to send: gives the connection back, tells the wall
    return answer, line


class _SeenBefore(Exception):
    def __init__(self, answer):
        super().__init__(answer["uuid"])
        self.answer = answer


def _quick_pick_on(conn, user, device_code, event):
    try:
        line = line_events.load_line(conn, event.get("line_id"), line_events.scanned_barcode(event))
        qty = line_events.check_pick(user, line, event)
    except Rejected:
        return None, None  # the general path answers and stores rejections
    if not quick.takes(line, qty):  # an effect due that the one statement does not write
        return None, line
    answer = {"status": "accepted",
              **line_events.pick_answer(line, qty, line["picked_qty"] + qty, done=False, task=None),
              "uuid": event["uuid"]}
    try:
        written = quick.write_pick(conn, line, qty, user.id, _event_row(user, device_code, event, answer), utcnow())
    except integrity_error(conn):
        raise _SeenBefore(answer) from None
    if not written:  # the line moved since it was read: the general path reads it again
        return None, None
    pick_counted_elsewhere(db.session)
    return answer, None


def _event_row(user, device_code, event, answer):
    seq = event.get("seq")
    return dict(uuid=event["uuid"], device_code=_device(device_code), device_seq=seq if isinstance(seq, int) else 0,
                user_id=user.id, kind=event["kind"], payload=plain(event), accepted=answer["status"] == "accepted",
                answer=answer, reason=answer.get("message", ""), received_at=utcnow())


def _stored_answer(user, device_code, event, answer):
    """The answer stored for a uuid seen before, marked as a duplicate; a conflict when that uuid was
    another user's or another device's (their answer is theirs)."""
    db.session.rollback()
    stored = db.session.execute(_STORED_ANSWER, {"uuid": event["uuid"]}).first()
    db.session.rollback()
    if stored is not None and (stored.user_id != user.id or stored.device_code != _device(device_code)):
        return uuid_conflict_answer(event)
    return {**(stored.answer if stored is not None else answer), "duplicate": True}


def _device(device_code):
    return device_code or "?"


HANDLERS = {"pick": line_events.pick, "short": line_events.short}
# What each kind may carry besides the envelope (uuid, kind, seq, device, task_id): anything else is dropped.
FIELDS = {
    "pick": {"line_id": event_shape.ID, "qty": event_shape.Int(), "bin": event_shape.Text(64),
             "barcode": event_shape.Text(128)},
    "short": {"line_id": event_shape.ID, "found": event_shape.Int(), "reason": event_shape.Text(200)},
}


def register_handler(kind, handler, fields=None):
    """Let another feature (the pack station) apply its own event kinds through this exactly-once
    path. handler(principal, event) -> answer dict, or raise Rejected(code, **values)
    (wms.picking.floor_answers) with a code from a messages catalogue registered with `register_messages`.
    `fields`: name -> event_shape.Int / Text, what the kind carries (checked before the handler runs;
    other fields are dropped)."""
    if kind in HANDLERS and HANDLERS[kind] is not handler:
        raise ValueError(f"event kind {kind!r} is already handled")
    HANDLERS[kind] = handler
    FIELDS[kind] = dict(fields or {})
