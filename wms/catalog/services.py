"""SKU catalogue use cases: create/edit SKUs, their barcodes and image.

A barcode belongs to one SKU only (the scanner must resolve it to exactly one item): a clash is
refused with the other SKU's code. The CSV/XLSX import (the same rules, a chunk at a time, as a
background job) is wms.catalog.sku_imports.
"""
import secrets
from datetime import date
from pathlib import Path

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from wms.catalog import refusals
from wms.catalog.columns import CUSTOMS_FIELDS
from wms.catalog.models import Sku, SkuBarcode
from wms.catalog.schemas import SkuRowSchema, first_errors
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.rows import get_or_not_found

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
               ".gif": "image/gif"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_ROUTE = "/catalog/images/"
_schema = SkuRowSchema()


# --- queries ----------------------------------------------------------------------------------

def get_sku(sku_id):
    return get_or_not_found(Sku, sku_id, "No such SKU")


def search_skus(q="", page=1, per_page=50):
    """(skus, total) matching `q` in code, name or any barcode, ordered by code."""
    query = select(Sku)
    q = (q or "").strip()
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Sku.code.ilike(like), Sku.name.ilike(like),
                                Sku.id.in_(select(SkuBarcode.sku_id).where(SkuBarcode.barcode.ilike(like)))))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, int(page or 1))
    skus = db.session.scalars(query.options(selectinload(Sku.barcodes)).order_by(Sku.code)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return skus, total


# --- single SKU -------------------------------------------------------------------------------

def create_sku(code, name, barcodes=(), weight_g=0, length_mm=0, width_mm=0, height_mm=0, image_url=None,
               min_qty=0, **customs):
    """A new SKU with its barcodes (and, optionally, its customs data: CUSTOMS_FIELDS); a taken code
    or barcode is refused and nothing is written."""
    barcodes = barcodes if isinstance(barcodes, str) else list(barcodes)
    unknown = set(customs) - set(CUSTOMS_FIELDS)
    if unknown:
        raise TypeError(f"unknown SKU fields {sorted(unknown)}")
    data = _load(dict(code=code, name=name, barcodes=barcodes, weight_g=weight_g, length_mm=length_mm,
                      width_mm=width_mm, height_mm=height_mm, image_url=image_url, min_qty=min_qty, **customs))
    if _sku_by_code(data["code"]) is not None:
        raise _refusal("SKU code '{code}' already exists", "code", code=data["code"])
    sku = Sku(code=data["code"])
    _apply(sku, data)
    db.session.add(sku)
    _commit()
    return sku


def update_sku(sku_id, **fields):
    """Change a SKU's fields (code is fixed once created); `barcodes` replaces the whole list."""
    sku = get_sku(sku_id)
    if "code" in fields and fields["code"] != sku.code:
        raise ValidationFailed("A SKU's code can't be changed", field="code")
    current = dict(code=sku.code, name=sku.name, barcodes=[b.barcode for b in sku.barcodes],
                   weight_g=sku.weight_g, length_mm=sku.length_mm, width_mm=sku.width_mm,
                   height_mm=sku.height_mm, image_url=sku.image_url, min_qty=sku.min_qty,
                   **{name: getattr(sku, name) for name in CUSTOMS_FIELDS})
    data = _load({**current, **{k: v for k, v in fields.items() if k != "code"}})
    _apply(sku, data)
    _commit()
    return sku


def add_barcode(sku_id, barcode):
    sku = get_sku(sku_id)
    return update_sku(sku.id, barcodes=[b.barcode for b in sku.barcodes] + [str(barcode or "").strip()])


def remove_barcode(sku_id, barcode):
    sku = get_sku(sku_id)
    remaining = [b.barcode for b in sku.barcodes if b.barcode != barcode]
    if len(remaining) == len(sku.barcodes):
        raise NotFound.worded("SKU {sku} has no barcode '{barcode}'", sku=sku.code, barcode=barcode,
                             details={"field": "barcode"})
    return update_sku(sku.id, barcodes=remaining)


def save_image(sku_id, filename, stream):
    """Store an uploaded image under UPLOAD_DIR/sku-images and point the SKU at it."""
    sku = get_sku(sku_id)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in IMAGE_TYPES:
        raise ValidationFailed("Upload a JPG, PNG, WEBP or GIF image", field="image")
    content = stream.read(MAX_IMAGE_BYTES + 1)
    if not content:
        raise ValidationFailed("The image file is empty", field="image")
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationFailed("An image may be at most 5 MB", field="image")
    name = f"{sku.id}-{secrets.token_hex(8)}{suffix}"
    image_dir().mkdir(parents=True, exist_ok=True)
    (image_dir() / name).write_bytes(content)
    sku.image_url = IMAGE_ROUTE + name
    _commit()
    return sku


def image_dir():
    return Path(current_app.config["UPLOAD_DIR"]) / "sku-images"


def image_path(name):
    """The stored file for an image name; refuses anything that isn't a plain stored name."""
    if "/" in name or "\\" in name or name.startswith(".") or Path(name).suffix.lower() not in IMAGE_TYPES:
        raise NotFound("No such image")
    path = image_dir() / name
    if not path.is_file():
        raise NotFound("No such image")
    return path


def _load(raw):
    """The checked SKU fields; a refusal names the first wrong field and lists every one of them
    (`fields`: {name: {message}}, so the SKU form marks each input)."""
    try:
        return _schema.load(raw)
    except ValidationError as error:
        problems = first_errors(error.messages)
        field, reason = problems[0]
        refused = _refusal("{name}: {reason}", field, name=field, reason=reason)
        refused.details["fields"] = {name: {"message": why, "values": {}} for name, why in problems}
        raise refused from None


def _apply(sku, data):
    """Write validated fields; refuses barcodes that belong to another SKU."""
    _check_barcodes(sku, data["barcodes"])
    sku.name = data["name"]
    for name in ("weight_g", "length_mm", "width_mm", "height_mm", "min_qty"):
        setattr(sku, name, data[name])
    sku.image_url = data.get("image_url") or None
    for name in CUSTOMS_FIELDS:
        setattr(sku, name, data[name])
    kept = {b.barcode: b for b in sku.barcodes}
    sku.barcodes = [kept.get(code) or SkuBarcode(barcode=code) for code in data["barcodes"]]


def _check_barcodes(sku, barcodes):
    if not barcodes:
        return
    with db.session.no_autoflush:
        clash = db.session.execute(
            select(SkuBarcode.barcode, Sku.code).join(Sku, Sku.id == SkuBarcode.sku_id)
            .where(SkuBarcode.barcode.in_(barcodes), SkuBarcode.sku_id != (sku.id or -1))).first()
    if clash:
        raise _refusal(refusals.BARCODE_TAKEN, "barcodes",
                       barcode=clash[0], other_sku=clash[1])


def set_presale_until(code, day_text):
    """Make a SKU a presale until a day (`2026-12-20`; blank: no longer a presale): approved orders
    with a line of it wait for that day before allocation (wms.inventory.presales). Returns the SKU."""
    sku = _sku_by_code((code or "").strip())
    if sku is None:
        raise _refusal("Unknown SKU '{code}'", field="sku_code", code=(code or "").strip()[:64])
    text = (day_text or "").strip()
    try:
        sku.presale_until = date.fromisoformat(text) if text else None
    except ValueError:
        raise _refusal("A presale ends on a day such as 2026-12-20, not '{value}'", field="presale_until",
                       value=text[:40]) from None
    _commit()
    return sku


def presale_skus():
    """SKUs that are presales, soonest day first."""
    return db.session.scalars(select(Sku).where(Sku.presale_until.is_not(None))
                              .order_by(Sku.presale_until, Sku.code)).all()


def _refusal(template, field=None, **values):
    """A ValidationFailed whose English message pages can translate (template + values kept)."""
    return ValidationFailed.worded(template, **values, details={"field": field})


def _sku_by_code(code):
    return db.session.scalar(select(Sku).where(Sku.code == code))


def _commit():
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
