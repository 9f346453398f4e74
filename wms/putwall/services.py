"""Put wall use cases: walls and their slots, a wave released to a wall as one pick-all cart, the
sorter's scans (exactly once, through wms.picking.floor), clearing a stopped slot, and the slot code
the pack station scans to open its order (registered with wms.pack_codes).

A slot holds its order from the wave's release until the order is packed (then it is free again,
nothing to do), or until the sorter clears it after the order was cancelled or held.

Transitions: allocated -> waved (release_to_wall, through wms.picking.services.stage_wave).
"""
from dataclasses import replace

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, job_names, pack_codes, realtime, worker
from wms.auth import roles
from wms.catalog.models import Sku, SkuBarcode
from wms.errors import ConcurrentUpdate, IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.orders import states
from wms.orders.models import Order
from wms.picking import services as picking
from wms.picking import waves
from wms.picking.floor_answers import Rejected, rejected_answer
from wms.picking.messages import message
from wms.picking.models import LINE_CANCELLED, LINE_SHORT, PickLine, PickTask
from wms.putwall import sorting
from wms.putwall.models import PutWall, PutWallItem, PutWallSlot, PutWallWave
from wms.rows import get_or_not_found
from wms.settings_forms import SettingField, SettingsForm
from wms.shipping.cutoffs import next_cutoff
from wms.shipping.models import Carrier
from wms.timeutil import utcnow
from wms.wording import wording

MAX_ROWS = 26      # rows are lettered A-Z
MAX_COLUMNS = 40
ON_FLOOR = frozenset({states.WAVED, states.PICKING, states.PICKED})
PAST_PACKING = frozenset({states.PACKED, states.LABELLED, states.SHIPPED, states.DELIVERED, states.COMPLETED,
                          states.RETURNED})

WALL_FORM = SettingsForm("put_wall", (
    SettingField("code", "Code", required=True, max_length=12, placeholder="PW1",
                 help="Letters and digits; each slot's code is the wall's code, its row letter and column, "
                      "e.g. `PW1-A01`. An existing code is updated."),
    SettingField("name", "Name", max_length=120),
    SettingField("warehouse_id", "Warehouse", "integer", required=True, minimum=1),
    SettingField("rows", "Rows", "integer", required=True, minimum=1, maximum=MAX_ROWS),
    SettingField("columns", "Columns", "integer", required=True, minimum=1, maximum=MAX_COLUMNS),
    SettingField("light_url", "Put-to-light controller", "url",
                 help="The controller's address, e.g. http://10.0.0.40:8080. Empty: the tablet screen only."),
))


def room(wall_id):
    """The Socket.IO room of a wall's screens."""
    return f"putwall:{wall_id}"


def slot_code(wall_code, row, col):
    return f"{wall_code}-{chr(ord('A') + row)}{col + 1:02d}"


# --- walls -----------------------------------------------------------------------------------------

def walls(active_only=True):
    query = select(PutWall).order_by(PutWall.code)
    return db.session.scalars(query.where(PutWall.active.is_(True)) if active_only else query).all()


def get_wall(wall_id):
    return get_or_not_found(PutWall, wall_id, "No such put wall")


def save_wall(posted):
    """Create or update a wall (by code) from the page's fields; its slots follow rows x columns. A
    wall with an order in a slot keeps its size (ValidationFailed). Nothing is saved on a refusal."""
    names = [WALL_FORM.input_name(field) for field in WALL_FORM.fields]
    warehouses = {str(w.id) for w in db.session.scalars(select(Warehouse))}
    values = WALL_FORM.read_page({name: posted.get(name) for name in names})
    code = values["code"].strip().upper()
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise ValidationFailed("Letters and digits only", field="code")
    if str(values["warehouse_id"]) not in warehouses:
        raise ValidationFailed("Choose one of the listed values", field="warehouse_id")
    wall = db.session.scalar(select(PutWall).where(PutWall.code == code))
    resized = wall is None or (wall.rows, wall.columns) != (values["rows"], values["columns"])
    if wall is not None and resized and any(_holds_goods(s) for s in _slot_views(wall)):
        raise ValidationFailed.worded("Wall {wall} has orders in its slots: pack or clear them before resizing it",
                                      wall=code, details={"field": "rows"})
    wall = wall or PutWall(code=code)
    wall.name, wall.warehouse_id = values.get("name") or "", int(values["warehouse_id"])
    wall.rows, wall.columns, wall.light_url, wall.active = values["rows"], values["columns"], values.get(
        "light_url") or "", True
    db.session.add(wall)
    db.session.flush()
    if resized:
        _lay_out_slots(wall)
    aftercommit.commit()
    return wall


def _lay_out_slots(wall):
    old = db.session.scalars(select(PutWallSlot.id).where(PutWallSlot.wall_id == wall.id)).all()
    if old:
        db.session.execute(delete(PutWallItem).where(PutWallItem.slot_id.in_(old)))
        db.session.execute(delete(PutWallSlot).where(PutWallSlot.id.in_(old)))
    db.session.add_all([PutWallSlot(wall_id=wall.id, number=row * wall.columns + col + 1, row=row, col=col,
                                    code=slot_code(wall.code, row, col))
                        for row in range(wall.rows) for col in range(wall.columns)])
    db.session.flush()
    db.session.expire(wall, ["slots"])


# --- what the wall shows -----------------------------------------------------------------------

def _slot_views(wall):
    """[(PutWallSlot row, sorting.Slot)] of a wall, its orders' state read in four statements."""
    rows = db.session.scalars(select(PutWallSlot).where(PutWallSlot.wall_id == wall.id)
                              .order_by(PutWallSlot.number)).all()
    bound = [s for s in rows if s.order_id is not None]
    order_ids = [s.order_id for s in bound]
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))} if bound else {}
    items = db.session.execute(select(PutWallItem.slot_id, PutWallItem.sku_id, PutWallItem.qty, PutWallItem.put_qty)
                               .where(PutWallItem.slot_id.in_([s.id for s in bound]))).all() if bound else []
    stopped_lines = _stopped_lines(bound)
    views = []
    for row in rows:
        view = sorting.Slot(row.number, row.code)
        order = orders.get(row.order_id)
        if order is not None and order.status not in PAST_PACKING:
            view.order_id, view.order_ref = order.id, order.external_id
            view.stopped = _why_stopped(order, stopped_lines.get((order.id, row.wave_id), set()))
        views.append((row, view))
    by_slot = {row.id: view for row, view in views}
    for slot_id, sku_id, qty, put in items:
        view = by_slot[slot_id]
        if view.order_id is not None:
            view.needs[sku_id] = qty
            view.put[sku_id] = put
    return views


def _stopped_lines(bound):
    if not bound:
        return {}
    found = {}
    for order_id, wave_id, status in db.session.execute(
            select(PickLine.order_id, PickTask.wave_id, PickLine.status).distinct()
            .join(PickTask, PickTask.id == PickLine.task_id)
            .where(PickLine.order_id.in_([s.order_id for s in bound]),
                   PickTask.wave_id.in_({s.wave_id for s in bound}),
                   PickLine.status.in_((LINE_SHORT, LINE_CANCELLED)))):
        found.setdefault((order_id, wave_id), set()).add(status)
    return found


def _why_stopped(order, line_statuses):
    if order.status == states.ON_HOLD or LINE_SHORT in line_statuses:
        return sorting.HELD
    if order.status not in ON_FLOOR or LINE_CANCELLED in line_statuses:
        return sorting.CANCELLED
    return None


def _holds_goods(pair):
    """A slot the next wave may not take: its order is on the floor, or stopped with goods still in it."""
    _row, view = pair
    return view.order_id is not None and (view.stopped is None or view.units_in() > 0)


def wall_state(wall_id):
    """What the wall's screen shows: every slot with its order, status and contents by SKU."""
    wall = get_wall(wall_id)
    views = _slot_views(wall)
    skus = _sku_codes({sku for _row, view in views for sku in view.needs})
    return {"wall": {"id": wall.id, "code": wall.code, "name": wall.name, "rows": wall.rows, "columns": wall.columns,
                     "lights": bool(wall.light_url)},
            "slots": [_slot_payload(row, view, skus) for row, view in views]}


def _slot_payload(row, view, skus):
    return {"code": row.code, "number": row.number, "row": row.row, "col": row.col, "status": view.status,
            "order": view.order_ref or None, "order_id": view.order_id, "stopped": view.stopped,
            "units": view.units_in(), "total": sum(view.needs.values()),
            "items": [{"sku": skus.get(sku, (str(sku), []))[0], "barcodes": skus.get(sku, (str(sku), []))[1], "qty": qty,
                       "put": view.put.get(sku, 0)} for sku, qty in sorted(view.needs.items())]}


def _sku_codes(ids):
    """{sku id: (code, [barcodes])}: what the screen matches a scan against while offline."""
    if not ids:
        return {}
    found = {sku_id: (code, []) for sku_id, code in db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(ids)))}
    for sku_id, barcode in db.session.execute(select(SkuBarcode.sku_id, SkuBarcode.barcode)
                                              .where(SkuBarcode.sku_id.in_(ids)).order_by(SkuBarcode.id)):
        found[sku_id][1].append(barcode)
    return found


# --- release to a wall -----------------------------------------------------------------------------

def release_to_wall(wall_id, wave_filter=None, limits=None, actor=None, time_budget=None):
    """Release a wave as one pick-all cart for this wall: at most one order per free slot, each
    order bound to a slot (most urgent first: lowest free slot number), all in one transaction.

    Transitions: allocated -> waved.
    """
    wall = get_wall(wall_id)
    if not wall.active:
        raise ValidationFailed.worded("Put wall {wall} is not in use", wall=wall.code)
    free = [row for row, view in _slot_views(wall) if not _holds_goods((row, view))]
    if not free:
        raise ValidationFailed.worded("Every slot of wall {wall} is taken: pack or clear slots first", wall=wall.code)
    limits = limits or waves.WaveLimits()
    limits = replace(limits, pick_all=True, max_orders=min(limits.max_orders, len(free)))
    wave = picking.stage_wave(wall.warehouse_id, wave_filter, limits, actor=actor, time_budget=time_budget)
    needs = db.session.execute(
        select(PickLine.order_id, PickLine.sku_id, func.sum(PickLine.qty))
        .join(PickTask, PickTask.id == PickLine.task_id).where(PickTask.wave_id == wave.id)
        .group_by(PickLine.order_id, PickLine.sku_id)).all()
    slot_of = dict(zip(_most_urgent_first(wall.warehouse_id, {order_id for order_id, _sku, _qty in needs}), free))
    db.session.execute(delete(PutWallItem).where(PutWallItem.slot_id.in_([s.id for s in slot_of.values()])))
    now = utcnow()
    for order_id, slot in slot_of.items():
        slot.order_id, slot.wave_id, slot.assigned_at = order_id, wave.id, now
    db.session.add_all([PutWallItem(slot_id=slot_of[order_id].id, order_id=order_id, sku_id=sku_id, qty=int(qty))
                        for order_id, sku_id, qty in needs])
    db.session.add(PutWallWave(wave_id=wave.id, wall_id=wall.id))
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentUpdate("Another wave took this wall's slots at the same moment; preview again") from None
    _tell(wall, None)
    aftercommit.commit()
    return wave


def _most_urgent_first(warehouse_id, order_ids):
    """The wave's orders in the wave's own order of urgency (wms.picking.waves.urgency: earliest carrier
    cut-off, highest priority, oldest): the most urgent gets the lowest slot number, filled first."""
    warehouse = db.session.get(Warehouse, warehouse_id)
    now = utcnow()
    cutoffs = {c.code: next_cutoff(c.cutoffs, now, warehouse.timezone)
               for c in db.session.scalars(select(Carrier).where(Carrier.active.is_(True)))}
    rows = db.session.execute(select(Order.id, Order.priority, Order.carrier_code, Order.created_at)
                              .where(Order.id.in_(order_ids))).all()
    keys = {oid: waves.urgency(waves.Candidate(order_id=oid, units=0, lines=0, priority=priority or 0, carrier=carrier,
                                               cutoff=cutoffs.get(carrier), created_at=created))
            for oid, priority, carrier, created in rows}
    return sorted(keys, key=keys.get)


# --- the sorter's scans (floor events: exactly once per uuid) --------------------------------------

def on_wall_put(user, event):
    """One unit scanned at the wall: the slot it goes to (and lit), or why it goes nowhere (a refusal
    changes nothing; one for a stopped slot's order also sets the wall's lights after its commit)."""
    _require_sorter(user)
    wall = _wall_by_code(event.get("wall"))
    scanned = str(event.get("barcode") or "")
    sku = _sku_for(scanned)
    views = _slot_views(wall)
    picked = db.session.scalar(
        select(func.coalesce(func.sum(PickLine.picked_qty), 0)).join(PickTask, PickTask.id == PickLine.task_id)
        .where(PickLine.sku_id == sku.id, PickTask.wave_id.in_({row.wave_id for row, v in views if v.order_id})))
    placed = sorting.place([view for _row, view in views], sku.id, int(picked or 0))
    if isinstance(placed, sorting.Refusal):
        refused = Rejected(_refusal_code(placed), sku=sku.code, **_refusal_values(placed))
        if placed.code != "wall_order_stopped":
            raise refused
        # The wall may learn only now that an order left its slot (cancelled by a channel sync, held
        # after a short pick): answered as a refusal, but committed, so that its lights turn red.
        _tell(wall, None)
        return rejected_answer(refused)
    slot = placed.slot
    row = next(r for r, v in views if v is slot)
    moved = db.session.execute(
        update(PutWallItem).where(PutWallItem.slot_id == row.id, PutWallItem.sku_id == sku.id,
                                  PutWallItem.put_qty < PutWallItem.qty)
        .values(put_qty=PutWallItem.put_qty + 1).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise Rejected("wall_busy")
    slot.put[sku.id] = slot.put.get(sku.id, 0) + 1
    code = "wall_slot_complete" if slot.is_complete() else "wall_put"
    values = {"sku": sku.code, "slot": row.code, "order": slot.order_ref, "done": slot.units_in(),
              "total": sum(slot.needs.values())}
    _tell(wall, row.code, changed=[_slot_payload(row, slot, _sku_codes(set(slot.needs)))])
    return {"code": code, "values": values, "message": message(code, **values), "slot": row.code,
            "slot_status": slot.status}


def on_wall_clear(user, event):
    """The sorter took everything out of a stopped slot (its order cancelled or held): the slot is free."""
    _require_sorter(user)
    wall = _wall_by_code(event.get("wall"))
    code = str(event.get("slot") or "")
    pair = next(((row, view) for row, view in _slot_views(wall) if row.code == code), None)
    if pair is None:
        raise Rejected("wall_unknown_slot", slot=code[:30])
    row, view = pair
    if not sorting.can_clear(view):
        raise Rejected("wall_slot_not_stopped", slot=row.code, status=view.status)
    out = sorting.clear(view)
    db.session.execute(delete(PutWallItem).where(PutWallItem.slot_id == row.id))
    row.order_id, row.wave_id, row.assigned_at = None, None, None
    db.session.flush()
    values = {"slot": row.code, "units": sum(out.values())}
    _tell(wall, None, changed=[_slot_payload(row, view, {})])
    return {"code": "wall_slot_cleared", "values": values, "message": message("wall_slot_cleared", **values),
            "slot": row.code, "taken_out": {str(k): v for k, v in out.items()}}


def _require_sorter(user):
    if getattr(user, "role", None) not in roles.PACK:
        raise Rejected("wall_forbidden")


def _wall_by_code(code):
    wall = db.session.scalar(select(PutWall).where(PutWall.code == str(code or ""), PutWall.active.is_(True)))
    if wall is None:
        raise Rejected("wall_unknown", wall=str(code or "")[:20])
    return wall


def _sku_for(scanned):
    sku = db.session.scalar(select(Sku).join(SkuBarcode, SkuBarcode.sku_id == Sku.id)
                            .where(SkuBarcode.barcode == scanned)) if scanned else None
    sku = sku or (db.session.scalar(select(Sku).where(Sku.code == scanned)) if scanned else None)
    if sku is None:
        raise Rejected("wall_unknown_item", scanned=scanned[:64] or "-")
    return sku


def _refusal_code(refusal):
    if refusal.code == "wall_order_stopped":
        return "wall_order_held" if refusal.values["why"] == sorting.HELD else "wall_order_cancelled"
    return refusal.code


def _refusal_values(refusal):
    return {k: v for k, v in refusal.values.items() if k != "why"}


def _tell(wall, lit, changed=None):
    """After commit: the wall's screens hear what changed (or to reload all), its lights are set."""
    realtime.publish("wall.changed", {"wall_id": wall.id, "lit": lit, "slots": changed},
                     room(wall.id))
    if wall.light_url:
        worker.enqueue(job_names.SHOW_WALL_LIGHTS, wall.id, lit)


# --- lights (the job's service) ------------------------------------------------------------------

def show_lights(wall_id, lit=None):
    """Send every slot's module state to the wall's controller; `lit`: the slot to put into now."""
    from wms.putwall import lights

    wall = get_wall(wall_id)
    if not wall.light_url:
        return 0
    commands = [lights.command(row.code, *sorting.light_for(view, lit=row.code == lit))
                for row, view in _slot_views(wall)]
    return lights.send(wall.light_url, wall.code, commands)


# --- the pack station's slot scan ----------------------------------------------------------------

@pack_codes.resolver
def order_for_slot(code):
    """The order of a complete slot, for the station that scanned its code; None if `code` is no slot."""
    row = db.session.scalar(select(PutWallSlot).where(PutWallSlot.code == code))
    if row is None:
        return None
    view = next(v for r, v in _slot_views(row.wall) if r.id == row.id)
    if view.order_id is None:
        raise NotFound.worded("Slot {slot} is empty", slot=row.code)
    if view.status != sorting.COMPLETE:
        raise IllegalTransition.worded("Slot {slot} is not ready to pack: {status}, {done} of {total} items",
                                       slot=row.code, status=wording(view.status), done=view.units_in(),
                                       total=sum(view.needs.values()), details={"current": view.status})
    return view.order_id
