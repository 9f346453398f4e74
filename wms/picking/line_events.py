"""What the picker's events do to a pick line: `pick` (one or more units scanned) and `short` (less
found than asked). Each reads the line with its task, wave, order, bin and SKU in one statement,
checks the pick rules, writes with a conditional UPDATE (so two devices racing on one line can never
pick it twice) and moves the task, the wave and the order on. They run inside the exactly-once path
(wms.picking.floor), which owns the transaction and stores the answer; a refusal is a `Rejected`.

Transitions: waved -> picking (first unit of an order), picking -> picked (last line of an order),
waved | picking -> on_hold (short pick).
"""
from sqlalchemy import bindparam, case, exists, func, select, update
from sqlalchemy.orm import aliased

from wms import realtime
from wms.rawsql import Prepared, defer
from wms.catalog.models import Sku, SkuBarcode
from wms.counters.services import count_pick
from wms.extensions import db
from wms.inventory import services as inventory
from wms.inventory.models import Bin
from wms.orders import states
from wms.orders.models import Order, transition_if_still
from wms.picking import pick_effects
from wms.picking.floor_answers import Rejected
from wms.picking.lifecycle import finish_task_if_done
from wms.picking.messages import message
from wms.picking.models import (
    LINE_CANCELLED, LINE_OPEN, LINE_PICKED, LINE_SHORT, TASK_ASSIGNED, TASK_IN_PROGRESS, WAVE_PICKING, WAVE_RELEASED,
    PickLine, PickTask, Wave)
from wms.timeutil import utcnow
from wms.wording import wording

# The scan path runs hundreds of times a second: its statements are compiled once and run on the
# driver's cursor (wms.rawsql), so each scan only binds values.
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


def load_line(conn, line_id, barcode=""):
    """The line as a dict (_LINE_KEYS), with whether `barcode` is one of its SKU's barcodes."""
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


# --- pick ------------------------------------------------------------------------------------

def pick(user, event, line=None):
    """Scan(s) confirmed on a line: bin and SKU barcode re-checked, the units added, then each effect
    wms.picking.pick_effects says is due, in its order, and nothing else (the one-statement path,
    wms.picking.quick, takes only the picks whose effects it writes too). `line`: the line as the
    quick path (wms.picking.floor) just read it (its conditional writes guard against changes)."""
    conn = db.session.connection()
    line = line or load_line(conn, event.get("line_id"), scanned_barcode(event))
    qty = check_pick(user, line, event)
    picked, done = _add_picked(conn, line["id"], qty, user.id)
    for name in pick_effects.due(line, done):
        _PICK_EFFECTS[name](user, line, qty, done)
    # Task progress only moves when a line closes (counted again) or the task starts (as read).
    if done:
        task = _task_state(line["task_id"])
    elif line["task_status"] == TASK_ASSIGNED:
        task = {"id": line["task_id"], "status": TASK_IN_PROGRESS, "lines": line["task_lines"],
                "done": line["task_lines_done"]}
    else:
        task = None
    return pick_answer(line, qty, picked, done, task)


def scanned_barcode(event):
    """The item barcode (or SKU code) the event carries, trimmed."""
    return str(event.get("barcode") or "").strip()


def check_pick(user, line, event):
    """The pick rules: the line is workable, the bin and the SKU are the right ones, the quantity
    fits. Returns the quantity; raises Rejected with what the picker can act on."""
    qty = event.get("qty", 1)
    _check_line_is_workable(user, line, qty if isinstance(qty, int) else 0)
    left = line["qty"] - line["picked_qty"]
    scanned_bin, scanned = str(event.get("bin") or "").strip(), scanned_barcode(event)
    if scanned_bin not in (line["bin_barcode"], line["bin_code"]):
        raise Rejected("wrong_bin", scanned=scanned_bin or "-", expected=line["bin_code"])
    if scanned != line["sku_code"] and not line["barcode_matches"]:
        raise Rejected("wrong_sku", scanned=scanned or "-", sku=line["sku_code"], name=line["sku_name"])
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
        raise Rejected("bad_qty", left=left)
    if qty > left:
        raise Rejected("too_many", left=left, sku=line["sku_code"])
    return qty


def pick_answer(line, qty, picked, done, task):
    """An accepted pick's answer: the message, the line as it is now, the task's progress if it moved."""
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


# --- the effects of a pick (wms.picking.pick_effects: when each is due, what it writes) ------------
# Each takes (user, line, qty, done); part of the floor event's transaction.

def _count_pick(user, line, qty, done):
    count_pick(db.session, user.id, qty, done)  # the wall's picks/hour bucket, sent with the event row


def _start_task(user, line, qty, done):
    defer(_START_TASK, {"task_id": line["task_id"], "at": utcnow()})  # deferred: sent with the next statement


def _start_wave(user, line, qty, done):
    defer(_START_WAVE, {"wave_id": line["wave_id"]})  # a wave's first pick (or one racing it)


def _order_picking(user, line, qty, done):
    """The order's first unit: waved -> picking, unless it changed since the line was read."""
    if transition_if_still(db.session, line["order_id"], states.WAVED, states.PICKING,
                           reason=wording("picking started ({task})", task=line["task_code"])):
        _publish_state(line["order_id"], line["order_ref"], states.WAVED, states.PICKING, [])
        return
    # cancelled or held now, or another picker started it
    now = db.session.scalar(select(Order.status).where(Order.id == line["order_id"]))
    if now in (states.CANCELLED, states.ON_HOLD):
        code = "order_cancelled" if now == states.CANCELLED else "order_on_hold"
        raise Rejected(code, order=line["order_ref"], qty=qty, sku=line["sku_code"], bin=line["bin_code"])


def _order_picked(user, line, qty, done):
    """A line closed: the order is picked when no line of it is open any more."""
    open_lines = db.session.scalar(select(func.count(PickLine.id)).where(
        PickLine.order_id == line["order_id"], PickLine.status == LINE_OPEN))
    order = db.session.get(Order, line["order_id"])
    # No short line to look for: a short puts the order on hold in its own transaction, so an order still
    # picking has none in this pass (a short line of an earlier pass, before it was held and approved
    # again, must not keep it picking for ever).
    if open_lines == 0 and order.status == states.PICKING:
        order.transition_to(states.PICKED, reason=wording("all lines picked ({task})", task=line["task_code"]),
                            actor=user)
        # the pack stations' queue refreshes live (static/station/station.js): this is the only way an
        # order becomes picked
        realtime.publish("pack.task_ready", {"order_id": order.id, "ref": order.external_id},
                         realtime.room_for_role("packer"))
        _publish_state(order.id, order.external_id, states.PICKING, order.status, order.hold_codes)


def _task_finished(user, line, qty, done):
    finish_task_if_done(line["task_id"])


_PICK_EFFECTS = {pick_effects.PICKS_COUNTED: _count_pick, pick_effects.TASK_STARTED: _start_task,
                 pick_effects.WAVE_STARTED: _start_wave, pick_effects.ORDER_PICKING: _order_picking,
                 pick_effects.ORDER_PICKED: _order_picked, pick_effects.TASK_FINISHED: _task_finished}


def _task_state(task_id):
    cursor = _TASK_STATE.execute({"task_id": task_id})
    status, total, done = cursor.fetchone()
    cursor.close()
    return {"id": task_id, "status": status, "lines": total, "done": int(done or 0)}


# --- short pick ------------------------------------------------------------------------------

def short(user, event):
    """The picker found less than asked: close the line with what was found, hold the order for review
    (its reservation released), take what was not found out of the bin's stock pending a count and
    raise the count task (wms.inventory.counts), move the bin's other orders off it; the rest of the
    task goes on."""
    line = load_line(db.session.connection(), event.get("line_id"))
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
    for name in pick_effects.starting(line):  # as a pick would: the task, the wave, the order under way
        _PICK_EFFECTS[name](user, line, found, False)
    shortage = states.hold_reason("shortage", "{sku}: expected {qty}, found {found} at {bin} ({reason})",
                                  sku=line["sku_code"], qty=line["qty"], found=found, bin=line["bin_code"],
                                  reason=wording(reason))   # the handheld's choices are catalogue phrases
    _hold_for_shortage(line, shortage, user)
    count_task = inventory.take_out_missing(line["bin_id"], line["sku_id"], line["qty"] - found, actor=user,
                                            reason=f"short pick: {shortage['detail']}")
    _move_open_lines_off(line, user)
    finish_task_if_done(line["task_id"])
    realtime.publish("shortage.flagged", {"order_id": line["order_id"], "order": line["order_ref"],
                                          "sku": line["sku_code"], "bin": line["bin_code"], "expected": line["qty"],
                                          "found": found, "reason": reason},
                     realtime.room_for_role("reviewer"))
    for role in ("supervisor", "picker"):  # the counting screens list it
        realtime.publish("count.raised", {"count_id": count_task.id, "sku": line["sku_code"], "bin": line["bin_code"]},
                         realtime.room_for_role(role))
    return {"code": "short_recorded",
            "message": message("short_recorded", sku=line["sku_code"], found=found, qty=line["qty"],
                               order=line["order_ref"]),
            "line": {"id": line["id"], "picked_qty": found, "status": LINE_SHORT},
            "task": _task_state(line["task_id"])}


def _move_open_lines_off(line, user):
    """Lines of other orders still to be picked at the bin found short move to another bin of the
    warehouse with their reservation (their picker's handheld reloads its tasks); a line no single
    other bin can serve stays, and its picker reports what is there."""
    rows = db.session.execute(
        select(PickLine.id, PickLine.reservation_id, PickLine.task_id, PickTask.picker_id)
        .join(PickTask, PickTask.id == PickLine.task_id)
        .where(PickLine.bin_id == line["bin_id"], PickLine.sku_id == line["sku_id"], PickLine.status == LINE_OPEN,
               PickLine.picked_qty == 0, PickLine.reservation_id.is_not(None))
        # a line another transaction holds is being picked or shorted right now: it is not moved
        .order_by(PickLine.id).with_for_update(of=PickLine, skip_locked=True)).all()
    for row in rows:
        new_bin = inventory.relocate_reservation(row.reservation_id, actor=user)
        if new_bin is None:
            continue
        db.session.execute(update(PickLine).where(PickLine.id == row.id).values(bin_id=new_bin.id)
                           .execution_options(synchronize_session=False))
        if row.picker_id:
            realtime.publish("task.assigned", {"task_id": row.task_id, "reason": "a bin changed"},
                             realtime.room_for_user(row.picker_id))


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
