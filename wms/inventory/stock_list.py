"""The stock page's list: stock rows by SKU and bin, filtered and paged in SQL.

A page is three statements whatever it shows (the count, the rows with their SKU, bin, zone and
warehouse joined in, the zones for the filter): the page used to load every row and then each row's
SKU, bin and warehouse one by one (882 statements for a warehouse of 2,000 SKUs).
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, Warehouse, Zone

PER_PAGE = 50


@dataclass
class StockFilters:
    warehouse_id: int | None = None
    sku: str = ""          # SKU code, name or barcode (a part of it)
    bin: str = ""          # bin code or barcode (a part of it)
    zone_id: int | None = None
    below_minimum: bool = False   # only SKUs whose available stock is under their minimum (Sku.min_qty)
    page: int = 1
    per_page: int = PER_PAGE


def stock_page(filters):
    """{"rows", "total", "page", "pages"}: one page of stock rows, by SKU code then bin code."""
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(StockItem.id).subquery()))
    pages = max(1, -(-total // filters.per_page))
    page = min(max(int(filters.page or 1), 1), pages)
    rows = db.session.scalars(
        query.options(contains_eager(StockItem.sku), contains_eager(StockItem.bin).contains_eager(Bin.warehouse),
                      contains_eager(StockItem.bin).contains_eager(Bin.zone))
        .order_by(Sku.code, Bin.code, StockItem.id)
        .limit(filters.per_page).offset((page - 1) * filters.per_page)).unique().all()
    return {"rows": rows, "total": total, "page": page, "pages": pages}


def zones(warehouse_id=None):
    """Zones to filter by (of one warehouse, or all), by warehouse and code."""
    query = select(Zone).join(Warehouse, Warehouse.id == Zone.warehouse_id).options(contains_eager(Zone.warehouse))
    if warehouse_id:
        query = query.where(Zone.warehouse_id == warehouse_id)
    return db.session.scalars(query.order_by(Warehouse.code, Zone.code)).all()


def _filtered(filters):
    query = (select(StockItem).join(Sku, Sku.id == StockItem.sku_id).join(Bin, Bin.id == StockItem.bin_id)
             .join(Warehouse, Warehouse.id == Bin.warehouse_id).outerjoin(Zone, Zone.id == Bin.zone_id))
    if filters.warehouse_id:
        query = query.where(Bin.warehouse_id == filters.warehouse_id)
    if filters.zone_id:
        query = query.where(Bin.zone_id == filters.zone_id)
    text = (filters.sku or "").strip()
    if text:
        like = _contains(text)
        query = query.where(or_(Sku.code.ilike(like, escape="\\"), Sku.name.ilike(like, escape="\\"),
                                Sku.id.in_(select(SkuBarcode.sku_id).where(SkuBarcode.barcode.ilike(like, escape="\\")))))
    text = (filters.bin or "").strip()
    if text:
        like = _contains(text)
        query = query.where(or_(Bin.code.ilike(like, escape="\\"), Bin.barcode.ilike(like, escape="\\")))
    if filters.below_minimum:
        query = query.where(Sku.id.in_(_below_minimum(filters.warehouse_id)))
    return query


def _below_minimum(warehouse_id):
    """Ids of SKUs with a minimum whose available stock (in the warehouse, or all) is under it."""
    available = select(StockItem.sku_id, func.sum(StockItem.on_hand - StockItem.reserved).label("qty"))
    if warehouse_id:
        available = available.join(Bin, Bin.id == StockItem.bin_id).where(Bin.warehouse_id == warehouse_id)
    available = available.group_by(StockItem.sku_id).subquery()
    return (select(Sku.id).outerjoin(available, available.c.sku_id == Sku.id)
            .where(Sku.min_qty > 0, func.coalesce(available.c.qty, 0) < Sku.min_qty))


def _contains(text):
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
