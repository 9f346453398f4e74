"""Handheld and pack-station events applied exactly once: the envelope every floor event goes through.

Every event carries a client UUID, the device and its sequence number. The UUID is the idempotency
key: the FloorEvent row is written in the same transaction as the effect, so a resent event (outbox
replay, double scan, network retry) gets the stored answer and changes nothing. Each event is
answered `accepted` or `rejected` (wms.picking.floor_answers). What an event does is its kind's
handler: `pick` and `short` (wms.picking.line_events), and the kinds other features register here
(the pack station's). On PostgreSQL the common scan takes a one-statement path (wms.picking.quick).
"""
import functools

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from wms import aftercommit
from wms.rawsql import Prepared, defer, each_statement_on_its_own, integrity_error, nothing_sent_yet
from wms.dashboard.counting import pick_counted_elsewhere
from wms.extensions import db
from wms.orders import states
from wms.picking import line_events, quick
from wms.picking.floor_answers import Rejected, bad_event_answer, plain, rejected_answer
from wms.picking.models import TASK_IN_PROGRESS, FloorEvent
from wms.timeutil import utcnow

MAX_BATCH = 500

_STORED_ANSWER = select(FloorEvent.answer).where(FloorEvent.uuid == bindparam("uuid"))
_INSERT_EVENT = Prepared(insert(FloorEvent).values(
    {name: bindparam(name) for name in ("uuid", "device_code", "device_seq", "user_id", "kind", "payload",
                                        "accepted", "answer", "reason", "received_at")}))


def apply_events(user, device_code, events):
    """Apply a batch (an outbox replay) in order; one answer per event."""
    if not isinstance(events, list) or len(events) > MAX_BATCH:
        return [bad_event_answer({}, f"send a list of at most {MAX_BATCH} events")]
    return [apply_event(user, device_code, event) for event in events]


def apply_event(user, device_code, event):
    """Apply one handheld event exactly once and return its answer (stored for replays)."""
    problem = _shape_problem(event)
    if problem:
        return bad_event_answer(event, problem)
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
    try:
        # Sent at the commit with the writes the handler deferred (and the wall's counters): one round trip.
        defer(_INSERT_EVENT, _event_row(user, device_code, event, answer))
        aftercommit.commit()
    except (IntegrityError, integrity_error()):  # seen before (a replay, or the same uuid racing)
        return _stored_answer(event, answer)
    return answer


def _quick_pick(user, device_code, event):
    """The common scan on PostgreSQL (wms.picking.quick): read the line outside a transaction and,
    when the pick rules pass and neither the task, the order nor the line changes state, write it
    all in one statement. (answer, None) when done that way; else (None, the line read or None),
    and the general path applies the event (and answers a rejection)."""
    conn = db.session.connection()
    try:
        if nothing_sent_yet(conn):
            with each_statement_on_its_own(conn):
                answer, line = _quick_pick_on(conn, user, device_code, event)
        else:  # a caller whose transaction already sent statements (the HTTP API's request) keeps it
            answer, line = _quick_pick_on(conn, user, device_code, event)
    except _SeenBefore as seen:  # a replay, or the same uuid racing: nothing was written
        return _stored_answer(event, seen.answer), None
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
    if not (line["task_status"] == TASK_IN_PROGRESS and line["order_status"] == states.PICKING
            and line["picked_qty"] + qty < line["qty"]):
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
    return dict(uuid=event["uuid"], device_code=device_code or "?", device_seq=seq if isinstance(seq, int) else 0,
                user_id=user.id, kind=event["kind"], payload=plain(event), accepted=answer["status"] == "accepted",
                answer=answer, reason=answer.get("message", ""), received_at=utcnow())


def _stored_answer(event, answer):
    """The answer stored for a uuid seen before, marked as a duplicate."""
    db.session.rollback()
    stored = db.session.execute(_STORED_ANSWER, {"uuid": event["uuid"]}).scalar()
    db.session.rollback()
    return {**(stored or answer), "duplicate": True}


def _shape_problem(event):
    if not isinstance(event, dict):
        return "an event must be an object"
    uuid = event.get("uuid")
    if not isinstance(uuid, str) or not 8 <= len(uuid) <= 36:
        return "uuid must be a string of 8-36 characters"
    if not isinstance(event.get("kind"), str):
        return "kind is required"
    return None


HANDLERS = {"pick": line_events.pick, "short": line_events.short}


def register_handler(kind, handler):
    """Let another feature (the pack station) apply its own event kinds through this exactly-once
    path. handler(principal, event) -> answer dict, or raise Rejected(code, **values)
    (wms.picking.floor_answers) with a code from a messages catalogue registered with `register_messages`."""
    if kind in HANDLERS and HANDLERS[kind] is not handler:
        raise ValueError(f"event kind {kind!r} is already handled")
    HANDLERS[kind] = handler
