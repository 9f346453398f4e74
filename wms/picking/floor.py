"""Handheld events applied exactly once: pick (one or more units of a line) and short.

Every event carries a client UUID, the device and its sequence number. The UUID is the idempotency
key: the FloorEvent row is written in the same transaction as the effect, so a resent event (outbox
replay, double scan, network retry) gets the stored answer and changes nothing. Each event is
answered `accepted` or `rejected` with a code and a message the picker can act on. Lines are
updated with a conditional UPDATE, so two devices racing on one line can never pick it twice.

Transitions: waved -> picking (first unit of an order), picking -> picked (last line of an order),
waved | picking -> on_hold (short pick).
"""
import functools

from sqlalchemy import bindparam, case, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from wms import aftercommit, realtime
from wms.rawsql import Prepared, defer, each_statement_on_its_own, integrity_error, nothing_sent_yet
from wms.catalog.models import Sku, SkuBarcode
from wms.dashboard.counting import count_pick, pick_counted_elsewhere
from wms.extensions import db
from wms.inventory.models import Bin
from wms.orders import states
from wms.orders.models import Order, transition_if_still
from wms.picking import quick
from wms.picking.lifecycle import finish_task_if_done
from wms.picking.messages import message
from wms.picking.models import (
    LINE_CANCELLED, LINE_OPEN, LINE_PICKED, LINE_SHORT, TASK_ASSIGNED, TASK_IN_PROGRESS, WAVE_PICKING, WAVE_RELEASED,
    CountTask, FloorEvent, PickLine, PickTask, Wave)
from wms.timeutil import utcnow
from wms.wording import wording

MAX_BATCH = 500

# The scan path runs hundreds of times a second: its statements are compiled once and run on the
# driver's cursor (wms.rawsql), so each scan only binds values.
_STORED_ANSWER = select(FloorEvent.answer).where(FloorEvent.uuid == bindparam("uuid"))
_SIBLING = aliased(PickLine)
_TASK_LINES = select(func.count(_SIBLING.id)).where(_SIBLING.task_id == PickTask.id).correlate(PickTask)
_LINE = Prepared(
    select(PickLine.id, PickLine.task_id, PickLine.qty, PickLine.picked_qty, PickLine.status, PickLine.order_id,
           PickLine.sku_id, PickLine.bin_id, PickTask.status, PickTask.picker_id, PickTask.code, PickTask.wave_id,
           Wave.status, Bin.barcode, Bin.code, Sku.code, Sku.name, Order.status, Order.external_id,
           exists().where(SkuBarcode.sku_id == PickLine.sku_id, SkuBarcode.barcode == bindparam("barcode")),
           # the task's progress, for the answer to its first scan (no second query then)
           _TASK_LINES.scalar_subquery(),
           _TASK_LINES.where(_SIBLING.status != LINE_OPEN).scalar_subquery())
    .join(PickTask, PickTask.id == PickLine.task_id).join(Wave, Wave.id == PickTask.wave_id)
    .join(Bin, Bin.id == PickLine.bin_id)
    .join(Sku, Sku.id == PickLine.sku_id).join(Order, Order.id == PickLine.order_id)
    .where(PickLine.id == bindparam("line_id")))
_LINE_KEYS = ("id", "task_id", "qty", "picked_qty", "status", "order_id", "sku_id", "bin_id", "task_status",
              "picker_id", "task_code", "wave_id", "wave_status", "bin_barcode", "bin_code", "sku_code", "sku_name", "order_status",
              "order_ref", "barcode_matches", "task_lines", "task_lines_done")
_ADD_PICKED = Prepared(
    update(PickLine)
    .where(PickLine.id == bindparam("pick_line_id"), PickLine.status == LINE_OPEN,
           PickLine.picked_qty + bindparam("add_qty") <= PickLine.qty)
    .values(picked_qty=PickLine.picked_qty + bindparam("add_qty"), picked_at=bindparam("at"),
            picked_by_id=bindparam("picker_id"),
            status=case((PickLine.picked_qty + bindparam("add_qty") == PickLine.qty, LINE_PICKED), else_=LINE_OPEN))
    .returning(PickLine.picked_qty, PickLine.status))
_TASK_STATE = Prepared(
    select(PickTask.status, func.count(PickLine.id), func.sum(case((PickLine.status != LINE_OPEN, 1), else_=0)))
    .join(PickLine, PickLine.task_id == PickTask.id).where(PickTask.id == bindparam("task_id"))
    .group_by(PickTask.id))
_START_TASK = Prepared(
    update(PickTask).where(PickTask.id == bindparam("task_id"), PickTask.status == TASK_ASSIGNED)
    .values(status=TASK_IN_PROGRESS, started_at=bindparam("at"), version=PickTask.version + 1))
_START_WAVE = Prepared(
    update(Wave).where(Wave.id == bindparam("wave_id"), Wave.status == WAVE_RELEASED).values(status=WAVE_PICKING))
_INSERT_EVENT = Prepared(insert(FloorEvent).values(
    {name: bindparam(name) for name in ("uuid", "device_code", "device_seq", "user_id", "kind", "payload",
                                        "accepted", "answer", "reason", "received_at")}))


class Rejected(Exception):
    def __init__(self, code, **values):
        super().__init__(code)
        self.code, self.values = code, values


def apply_events(user, device_code, events):
    """Apply a batch (an outbox replay) in order; one answer per event."""
    if not isinstance(events, list) or len(events) > MAX_BATCH:
        return [_answer_for_bad({}, f"send a list of at most {MAX_BATCH} events")]
    return [apply_event(user, device_code, event) for event in events]


def apply_event(user, device_code, event):
    """Apply one handheld event exactly once and return its answer (stored for replays)."""
    problem = _shape_problem(event)
    if problem:
        return _answer_for_bad(event, problem)
    # No look-up first: the common event is new, and a replayed one fails on the unique uuid below,
    # which rolls its effect back with the rest of its transaction.
    handler = HANDLERS.get(event["kind"])
    if handler is pick and quick.available(db.session.get_bind()):
        answer, line = _quick_pick(user, device_code, event)
        if answer is not None:
            return answer
        handler = functools.partial(pick, line=line)  # the general path, with the line already read
    try:
        if handler is None:
            raise Rejected("unknown_event", kind=event["kind"])
        answer = {"status": "accepted", **handler(user, event)}
    except Rejected as rejected:
        db.session.rollback()
        answer = {"status": "rejected", "code": rejected.code, "values": _plain(rejected.values),
                  "message": message(rejected.code, **rejected.values)}
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
        line = _load_line(conn, event.get("line_id"), _scanned(event))
        qty = _check_pick(user, line, event)
    except Rejected:
        return None, None  # the general path answers and stores rejections
    if not (line["task_status"] == TASK_IN_PROGRESS and line["order_status"] == states.PICKING
            and line["picked_qty"] + qty < line["qty"]):
        return None, line
    answer = {"status": "accepted", **_pick_answer(line, qty, line["picked_qty"] + qty, done=False, task=None),
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
                user_id=user.id, kind=event["kind"], payload=_plain(event), accepted=answer["status"] == "accepted",
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


def _answer_for_bad(event, problem):
    uuid = event.get("uuid") if isinstance(event, dict) else None
    return {"uuid": uuid, "status": "rejected", "code": "bad_event", "values": {"problem": problem},
            "message": message("bad_event", problem=problem)}


# --- pick ------------------------------------------------------------------------------------

def _load_line(conn, line_id, barcode=""):
    if not isinstance(line_id, int) or isinstance(line_id, bool):
        raise Rejected("bad_event", problem="line_id must be an integer")
    cursor = _LINE.execute({"line_id": line_id, "barcode": barcode}, conn)
    row = cursor.fetchone()
    cursor.close()
    if row is None:
        raise Rejected("unknown_line")
    return dict(zip(_LINE_KEYS, row))


def _check_line_is_workable(user, line, qty_for_message):
    if line["picker_id"] != user.id:
        raise Rejected("task_not_yours", task=line["task_code"], reason="reassigned to someone else")
    if line["task_status"] not in (TASK_ASSIGNED, TASK_IN_PROGRESS):
        raise Rejected("task_closed", task=line["task_code"], status=line["task_status"])
    if line["order_status"] in (states.CANCELLED, states.ON_HOLD):
        code = "order_cancelled" if line["order_status"] == states.CANCELLED else "order_on_hold"
        raise Rejected(code, order=line["order_ref"], qty=qty_for_message, sku=line["sku_code"], bin=line["bin_code"])
    if line["status"] != LINE_OPEN:
        raise Rejected("line_closed", status=line["status"])


def pick(user, event, line=None):
    """Scan(s) confirmed on a line: bin and SKU barcode re-checked, qty added, states advanced.
    `line`: the line as _quick_pick just read it (its conditional writes guard against changes)."""
    conn = db.session.connection()
    line = line or _load_line(conn, event.get("line_id"), _scanned(event))
    qty = _check_pick(user, line, event)
    picked, done = _add_picked(conn, line["id"], qty, user.id)
    count_pick(db.session, user.id, qty, done)  # the wall's picks/hour bucket, sent with the event row
    _start(line, qty)
    if done:
        _close_line_effects(line, user)
    # Task progress only moves when a line closes (counted again) or the task starts (as read).
    if done:
        task = _task_state(line["task_id"])
    elif line["task_status"] == TASK_ASSIGNED:
        task = {"id": line["task_id"], "status": TASK_IN_PROGRESS, "lines": line["task_lines"],
                "done": line["task_lines_done"]}
    else:
        task = None
    return _pick_answer(line, qty, picked, done, task)


def _scanned(event):
    return str(event.get("barcode") or "").strip()


def _check_pick(user, line, event):
    """The pick rules: the line is workable, the bin and the SKU are the right ones, the quantity
    fits. Returns the quantity; raises Rejected with what the picker can act on."""
    qty = event.get("qty", 1)
    _check_line_is_workable(user, line, qty if isinstance(qty, int) else 0)
    left = line["qty"] - line["picked_qty"]
    scanned_bin, scanned = str(event.get("bin") or "").strip(), _scanned(event)
    if scanned_bin not in (line["bin_barcode"], line["bin_code"]):
        raise Rejected("wrong_bin", scanned=scanned_bin or "-", expected=line["bin_code"])
    if scanned != line["sku_code"] and not line["barcode_matches"]:
        raise Rejected("wrong_sku", scanned=scanned or "-", sku=line["sku_code"], name=line["sku_name"])
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
        raise Rejected("bad_qty", left=left)
    if qty > left:
        raise Rejected("too_many", left=left, sku=line["sku_code"])
    return qty


def _pick_answer(line, qty, picked, done, task):
    code = "line_done" if done else "picked"
    return {"code": code, "message": message(code, qty=qty if not done else line["qty"], sku=line["sku_code"]),
            "line": {"id": line["id"], "picked_qty": picked, "status": LINE_PICKED if done else LINE_OPEN},
            "task": task}


def _add_picked(conn, line_id, qty, user_id):
    """Conditional update: only an open line with room for qty changes. (picked_qty, done)."""
    cursor = _ADD_PICKED.execute({"pick_line_id": line_id, "add_qty": qty, "at": utcnow(), "picker_id": user_id},
                                 conn)
    row = cursor.fetchone()
    cursor.close()
    if row is None:
        raise Rejected("line_closed", status="picked by another device")
    return row[0], row[1] == LINE_PICKED


def _start(line, qty_for_message):
    """First unit of a task / an order: task in progress, order picking, wave picking."""
    if line["task_status"] == TASK_ASSIGNED:  # deferred: sent with the next statement
        defer(_START_TASK, {"task_id": line["task_id"], "at": utcnow()})
        if line["wave_status"] == WAVE_RELEASED:  # a wave's first pick (or one racing it)
            defer(_START_WAVE, {"wave_id": line["wave_id"]})
    if line["order_status"] == states.WAVED:
        if transition_if_still(db.session, line["order_id"], states.WAVED, states.PICKING,
                               reason=wording("picking started ({task})", task=line["task_code"])):
            _publish_state(line["order_id"], line["order_ref"], states.WAVED, states.PICKING, [])
        else:  # changed since the line was read: cancelled or held now, or another picker started it
            now = db.session.scalar(select(Order.status).where(Order.id == line["order_id"]))
            if now in (states.CANCELLED, states.ON_HOLD):
                code = "order_cancelled" if now == states.CANCELLED else "order_on_hold"
                raise Rejected(code, order=line["order_ref"], qty=qty_for_message, sku=line["sku_code"],
                               bin=line["bin_code"])


def _close_line_effects(line, user):
    """A line closed: the order may be fully picked, the task and the wave may be done."""
    open_lines = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.order_id == line["order_id"], PickLine.status == LINE_OPEN))
    short_lines = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.order_id == line["order_id"], PickLine.status == LINE_SHORT))
    order = db.session.get(Order, line["order_id"])
    if open_lines == 0 and short_lines == 0 and order.status == states.PICKING:
        order.transition_to(states.PICKED, reason=wording("all lines picked ({task})", task=line["task_code"]),
                            actor=user)
        _publish_state(order.id, order.external_id, states.PICKING, order.status, order.hold_codes)
    finish_task_if_done(line["task_id"])


def _task_state(task_id):
    cursor = _TASK_STATE.execute({"task_id": task_id})
    status, total, done = cursor.fetchone()
    cursor.close()
    return {"id": task_id, "status": status, "lines": total, "done": int(done or 0)}


# --- short pick ------------------------------------------------------------------------------

def short(user, event):
    """The picker found less than asked: close the line with what was found, hold the order for review,
    raise a count task for the bin; the rest of the task goes on."""
    line = _load_line(db.session.connection(), event.get("line_id"))
    found = event.get("found")
    _check_line_is_workable(user, line, found if isinstance(found, int) else 0)
    if not isinstance(found, int) or isinstance(found, bool) or found < line["picked_qty"]:
        raise Rejected("bad_qty", left=line["qty"])
    if found >= line["qty"]:
        raise Rejected("short_too_many", found=found, qty=line["qty"])
    reason = str(event.get("reason") or "not found")[:120]
    changed = db.session.execute(
        update(PickLine).where(PickLine.id == line["id"], PickLine.status == LINE_OPEN)
        .values(status=LINE_SHORT, picked_qty=found, short_reason=reason, picked_at=utcnow(), picked_by_id=user.id)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Rejected("line_closed", status="closed by another device")
    _start(line, found)
    shortage = states.hold_reason("shortage", "{sku}: expected {qty}, found {found} at {bin} ({reason})",
                                  sku=line["sku_code"], qty=line["qty"], found=found, bin=line["bin_code"],
                                  reason=wording(reason))   # the handheld's choices are catalogue phrases
    _hold_for_shortage(line, shortage, user)
    db.session.add(CountTask(bin_id=line["bin_id"], sku_id=line["sku_id"], reason=f"short pick: {shortage['detail']}",
                             raised_by_id=user.id))
    finish_task_if_done(line["task_id"])
    realtime.publish("shortage.flagged", {"order_id": line["order_id"], "order": line["order_ref"],
                                          "sku": line["sku_code"], "bin": line["bin_code"], "expected": line["qty"],
                                          "found": found, "reason": reason},
                     realtime.room_for_role("reviewer"))
    return {"code": "short_recorded",
            "message": message("short_recorded", sku=line["sku_code"], found=found, qty=line["qty"],
                               order=line["order_ref"]),
            "line": {"id": line["id"], "picked_qty": found, "status": LINE_SHORT},
            "task": _task_state(line["task_id"])}


def _hold_for_shortage(line, shortage, user):
    from wms.inventory.services import release_reservation

    order = db.session.get(Order, line["order_id"])
    previous = order.status
    order.transition_to(states.ON_HOLD, reason=wording("shortage: {detail}", detail=shortage["wording"]), actor=user)
    order.hold_reasons = [shortage]
    # The order's other open lines stop here; what was already picked goes back at the pack bench.
    db.session.execute(update(PickLine).where(PickLine.order_id == order.id, PickLine.status == LINE_OPEN)
                       .values(status=LINE_CANCELLED).execution_options(synchronize_session=False))
    release_reservation(order.id, reason=wording("short pick"), actor=user, commit=False)
    _publish_state(order.id, order.external_id, previous, order.status, order.hold_codes)


def _publish_state(order_id, external_id, previous, new, reasons):
    payload = {"order_id": order_id, "external_id": external_id, "from": previous, "to": new, "reasons": reasons}
    for role in ("supervisor", "reviewer"):
        realtime.publish("order.state_changed", payload, realtime.room_for_role(role))


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


HANDLERS = {"pick": pick, "short": short}


def register_handler(kind, handler):
    """Let another feature (the pack station) apply its own event kinds through this exactly-once
    path. handler(principal, event) -> answer dict, or raise Rejected(code, **values) with a code
    from a messages catalogue registered with `register_messages`."""
    if kind in HANDLERS and HANDLERS[kind] is not handler:
        raise ValueError(f"event kind {kind!r} is already handled")
    HANDLERS[kind] = handler
