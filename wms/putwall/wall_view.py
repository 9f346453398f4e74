"""What a put wall's screen shows: every slot with its order, status and contents by SKU (the whole
wall for the screen's load, one slot's payload for a change the sorter made)."""
from sqlalchemy import select

from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db
from wms.putwall.slot_state import slot_views
from wms.putwall.wall_setup import get_wall


def wall_state(wall_id):
    """What the wall's screen shows: every slot with its order, status and contents by SKU."""
    wall = get_wall(wall_id)
    views = slot_views(wall)
    skus = sku_codes({sku for _row, view in views for sku in view.needs})
    return {"wall": {"id": wall.id, "code": wall.code, "name": wall.name, "rows": wall.rows, "columns": wall.columns,
                     "lights": bool(wall.light_url)},
            "slots": [slot_payload(row, view, skus) for row, view in views]}


def slot_payload(row, view, skus):
    return {"code": row.code, "number": row.number, "row": row.row, "col": row.col, "status": view.status,
            "order": view.order_ref or None, "order_id": view.order_id, "stopped": view.stopped,
            "units": view.units_in(), "total": sum(view.needs.values()),
            "items": [{"sku": skus.get(sku, (str(sku), []))[0], "barcodes": skus.get(sku, (str(sku), []))[1], "qty": qty,
                       "put": view.put.get(sku, 0)} for sku, qty in sorted(view.needs.items())]}


def sku_codes(ids):
    """{sku id: (code, [barcodes])}: what the screen matches a scan against while offline."""
    if not ids:
        return {}
    found = {sku_id: (code, []) for sku_id, code in db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(ids)))}
    for sku_id, barcode in db.session.execute(select(SkuBarcode.sku_id, SkuBarcode.barcode)
                                              .where(SkuBarcode.sku_id.in_(ids)).order_by(SkuBarcode.id)):
        found[sku_id][1].append(barcode)
    return found
