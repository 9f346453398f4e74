"""The sorter's scans at a put wall, floor events applied exactly once per uuid through
wms.picking.floor (registered in wms.putwall.sockets): a unit put into its slot, a stopped slot
cleared (its order cancelled or held)."""
from sqlalchemy import delete, func, select, update

from wms.auth import roles
from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db
from wms.picking.floor_answers import Rejected, rejected_answer
from wms.picking.messages import message
from wms.picking.models import PickLine, PickTask
from wms.putwall import sorting
from wms.putwall.models import PutWall, PutWallItem
from wms.putwall.screens_and_lights import tell
from wms.putwall.slot_state import slot_views
from wms.putwall.wall_view import sku_codes, slot_payload


def on_wall_put(user, event):
    """One unit scanned at the wall: the slot it goes to (and lit), or why it goes nowhere (a refusal
    changes nothing; one for a stopped slot's order also sets the wall's lights after its commit)."""
    _require_sorter(user)
    wall = _wall_by_code(event.get("wall"))
    scanned = str(event.get("barcode") or "")
    sku = _sku_for(scanned)
    views = slot_views(wall)
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
        tell(wall, None)
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
    tell(wall, row.code, changed=[slot_payload(row, slot, sku_codes(set(slot.needs)))])
    return {"code": code, "values": values, "message": message(code, **values), "slot": row.code,
            "slot_status": slot.status}


def on_wall_clear(user, event):
    """The sorter took everything out of a stopped slot (its order cancelled or held): the slot is free."""
    _require_sorter(user)
    wall = _wall_by_code(event.get("wall"))
    code = str(event.get("slot") or "")
    pair = next(((row, view) for row, view in slot_views(wall) if row.code == code), None)
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
    tell(wall, None, changed=[slot_payload(row, view, {})])
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
