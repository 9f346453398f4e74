"""The slot code a pack station scans to open a complete slot's order: registered with
wms.pack_codes when this module is imported (wms.putwall.sockets, the wall's wiring, imports it),
so that packing, beside the put wall, can ask without importing it."""
from sqlalchemy import select

from wms import pack_codes
from wms.errors import IllegalTransition, NotFound
from wms.extensions import db
from wms.putwall import sorting
from wms.putwall.models import PutWallSlot
from wms.putwall.slot_state import slot_views
from wms.wording import wording


@pack_codes.resolver
def order_for_slot(code):
    """The order of a complete slot, for the station that scanned its code; None if `code` is no slot."""
    row = db.session.scalar(select(PutWallSlot).where(PutWallSlot.code == code))
    if row is None:
        return None
    view = next(v for r, v in slot_views(row.wall) if r.id == row.id)
    if view.order_id is None:
        raise NotFound.worded("Slot {slot} is empty", slot=row.code)
    if view.status != sorting.COMPLETE:
        raise IllegalTransition.worded("Slot {slot} is not ready to pack: {status}, {done} of {total} items",
                                       slot=row.code, status=wording(view.status), done=view.units_in(),
                                       total=sum(view.needs.values()), details={"current": view.status})
    return view.order_id
