"""Warehouse administration: warehouses, distances for the allocation rule, bins and their layout."""
import re

from sqlalchemy import func, select

from wms import aftercommit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin, Warehouse, WarehouseDistance
from wms.rows import get_or_not_found

WAREHOUSE_FIELDS = {"code": str, "name": str, "timezone": str, "address": str, "region": str,
                    "sender_name": str, "phone": str, "privacy_labels": bool, "priority": int, "active": bool, "n_aisles": int, "n_blocks": int,
                    "aisle_length_m": float, "aisle_spacing_m": float, "cross_aisle_width_m": float,
                    "bay_length_m": float, "depot_aisle": int}


def list_warehouses(active_only=False):
    """Warehouses by code."""
    query = select(Warehouse).order_by(Warehouse.code)
    if active_only:
        query = query.where(Warehouse.active)
    return db.session.scalars(query).all()


def get_warehouse(warehouse_id):
    """One warehouse or NotFound."""
    return get_or_not_found(Warehouse, warehouse_id, "No such warehouse")


def save_warehouse(warehouse_id=None, **fields):
    """Create (no id) or update a warehouse after checking every field; a bad value changes nothing."""
    warehouse = get_warehouse(warehouse_id) if warehouse_id else None
    values = _clean_warehouse_fields(fields, creating=warehouse is None)
    merged = {name: getattr(warehouse, name, None) for name in WAREHOUSE_FIELDS}
    merged.update(values)
    _check_layout_fits({name: value for name, value in merged.items() if value is not None})
    clash = db.session.scalar(select(Warehouse.id).where(Warehouse.code == merged["code"]))
    if clash is not None and clash != warehouse_id:
        raise ValidationFailed("A warehouse with this code exists", field="code")
    warehouse = warehouse or Warehouse()
    for name, value in values.items():
        setattr(warehouse, name, value)
    db.session.add(warehouse)
    aftercommit.commit()
    return warehouse


def _clean_warehouse_fields(fields, creating):
    from zoneinfo import ZoneInfo

    values = {}
    for name, value in fields.items():
        kind = WAREHOUSE_FIELDS.get(name)
        if kind is None:
            raise ValidationFailed("Unknown field", field=name)
        try:
            values[name] = kind(value.strip() if isinstance(value, str) and kind is not bool else value)
        except (TypeError, ValueError):
            raise ValidationFailed("Not a valid value", field=name) from None
    if creating and not (values.get("code") and values.get("name")):
        raise ValidationFailed("Code and name are required", field="code")
    if "code" in values and not (values["code"] and len(values["code"]) <= 20):
        raise ValidationFailed("Code: 1-20 characters", field="code")
    _check_sender(values)
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except Exception:
            raise ValidationFailed("Unknown time zone", field="timezone") from None
    return values


# The labels' sender as carriers take it: a phone of digits with the usual separators (a landline's
# area code and extension too), a name and an address no longer than the carriers' fields.
_PHONE = re.compile(r"[0-9+()\- ]{5,30}(?:\s*(?:转|#|ext\.?)\s*[0-9]{1,6})?", re.I)
_SENDER_LIMITS = {"sender_name": 60, "address": 200}


def _check_sender(values):
    for name, limit in _SENDER_LIMITS.items():
        if len(values.get(name) or "") > limit:
            raise ValidationFailed.worded("At most {limit} characters", limit=limit,
                                          details={"field": name, "limit": limit})
    phone = values.get("phone") or ""
    if phone and not _PHONE.fullmatch(phone):
        raise ValidationFailed("Enter a phone number: digits, spaces and + - ( ), e.g. 0571-88888888", field="phone")


def _check_layout_fits(values):
    """Layout values in range; missing ones take the column defaults."""
    v = {"n_aisles": 12, "n_blocks": 1, "aisle_length_m": 30.0, "bay_length_m": 2.0, "aisle_spacing_m": 3.0,
         "cross_aisle_width_m": 3.0, "depot_aisle": 0, **values}
    checks = (("n_aisles", 1 <= v["n_aisles"] <= 200), ("n_blocks", v["n_blocks"] in (1, 2, 3)),
              ("aisle_length_m", 0 < v["aisle_length_m"] <= 1000),
              ("bay_length_m", 0 < v["bay_length_m"] <= v["aisle_length_m"] / v["n_blocks"]),
              ("aisle_spacing_m", 0 < v["aisle_spacing_m"] <= 50),
              ("cross_aisle_width_m", 0 < v["cross_aisle_width_m"] <= 50),
              ("depot_aisle", 0 <= v["depot_aisle"] < v["n_aisles"]))
    for field, ok in checks:
        if not ok:
            raise ValidationFailed("This layout value is out of range", field=field)


def set_distance(warehouse_id, region, km):
    """Set the km from a warehouse to a region (province) for the 'distance' rule."""
    get_warehouse(warehouse_id)
    if not (region or "").strip() or not isinstance(km, int) or km < 0:
        raise ValidationFailed("Give a region and a distance of 0 km or more", field="km")
    row = db.session.scalar(select(WarehouseDistance).filter_by(warehouse_id=warehouse_id, region=region.strip()))
    row = row or WarehouseDistance(warehouse_id=warehouse_id, region=region.strip())
    row.km = km
    db.session.add(row)
    aftercommit.commit()
    return row


def import_layout_file(warehouse_id, upload):
    """import_layout of an uploaded file; a refusal names the file input (`field="file"`), so the page
    marks it: no file, not UTF-8, or rows the layout refuses (listed in the message)."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a CSV file", field="file")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The file must be UTF-8 CSV", field="file") from None
    try:
        return import_layout(warehouse_id, text)
    except ValidationFailed as refused:
        refused.details.setdefault("field", "file")
        raise


def import_layout(warehouse_id, csv_text):
    """Create or update bins from a layout CSV; any bad row -> ValidationFailed listing all, nothing saved."""
    from wms.inventory.layout_import import RowError, parse_layout

    warehouse = get_warehouse(warehouse_id)
    specs, errors = parse_layout(csv_text, warehouse.n_aisles, warehouse.block_lengths)
    if not errors:
        owners = dict(db.session.execute(select(Bin.barcode, Bin.code).where(
            Bin.barcode.in_([s.barcode for s in specs]), Bin.warehouse_id != warehouse_id)).all())
        errors = [RowError(n, "barcode", "already used by another warehouse's bin")
                  for n, s in enumerate(specs, start=2) if s.barcode in owners]
    if errors:
        raise ValidationFailed("The layout has errors; nothing was imported",
                               errors=[e.__dict__ for e in errors])
    return _save_bins(warehouse, specs)


def generate_demo_layout(warehouse_id, levels=3, slots=1, zone="A"):
    """Fill a warehouse with bins on its aisles and blocks (the demo layout)."""
    from wms.inventory.demo_layout import generate

    warehouse = get_warehouse(warehouse_id)
    specs = generate(warehouse.code, warehouse.n_aisles, warehouse.n_blocks, warehouse.aisle_length_m,
                     warehouse.bay_length_m, levels, slots, zone)
    return _save_bins(warehouse, specs)


def _save_bins(warehouse, specs):
    from wms.inventory.models import Zone

    zones = {z.code: z for z in warehouse.zones}
    bins = {b.code: b for b in db.session.scalars(select(Bin).where(Bin.warehouse_id == warehouse.id))}
    created = updated = 0
    for spec in specs:
        if spec.zone and spec.zone not in zones:
            zones[spec.zone] = Zone(warehouse=warehouse, code=spec.zone, name=spec.zone)
        row = bins.get(spec.code)
        if row is None:
            row = Bin(warehouse_id=warehouse.id, code=spec.code)
            db.session.add(row)
            created += 1
        else:
            updated += 1
        row.barcode, row.aisle, row.block, row.position_m, row.side = (
            spec.barcode, spec.aisle, spec.block, spec.position_m, spec.side)
        row.level, row.bay, row.slot, row.zone = spec.level, spec.bay, spec.slot, zones.get(spec.zone)
    aftercommit.commit()
    return {"created": created, "updated": updated}


def find_bins(warehouse_id, search="", limit=500):
    """Bins of a warehouse whose code or barcode contains `search`, in walking order."""
    query = select(Bin).where(Bin.warehouse_id == warehouse_id)
    if search:
        like = f"%{search.strip()}%"
        query = query.where(Bin.code.ilike(like) | Bin.barcode.ilike(like))
    return db.session.scalars(query.order_by(Bin.aisle, Bin.block, Bin.position_m, Bin.side, Bin.level,
                                             Bin.slot).limit(limit)).all()


def count_bins(warehouse_id):
    """How many bins a warehouse has."""
    return db.session.scalar(select(func.count(Bin.id)).where(Bin.warehouse_id == warehouse_id))




def seed_demo_warehouses():
    """Two demo warehouses (Hangzhou: 12 aisles, one block; Shanghai: 16 aisles, two blocks) with bins."""
    made = []
    for code, name, region, aisles, blocks, priority, address, phone in (
            ("HZ1", "杭州一号仓", "浙江省", 12, 1, 10, "浙江省杭州市余杭区仓前街道文一西路 1500 号 3 号库", "0571-88886666"),
            ("SH2", "上海二号仓", "上海市", 16, 2, 20, "上海市浦东新区川沙路 5558 号 B 栋", "021-58586666")):
        if db.session.scalar(select(Warehouse.id).where(Warehouse.code == code)):
            continue
        warehouse = save_warehouse(code=code, name=name, region=region, n_aisles=aisles, n_blocks=blocks,
                                   aisle_length_m=30.0 * blocks, priority=priority, address=address, phone=phone)
        generate_demo_layout(warehouse.id, levels=3)
        made.append(warehouse)
    return made
