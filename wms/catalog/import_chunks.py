"""One chunk of a SKU import: check its rows, upsert the good ones by code, refuse the others.

A chunk is checked in memory against the SKUs and barcodes it names, loaded with two queries,
and written with one flush and two multi-row INSERTs for its new SKUs: a file of 600k rows costs
a few statements per thousand rows, not three per row. The rules are the single-SKU form's
(wms.catalog.services): a barcode belongs to one SKU, a code is created once and then updated,
and a cell left blank in the file keeps the SKU's value.
A `Kit components` cell makes the row's SKU a kit (wms.catalog.kit_rows: checked before the chunk
writes, the kits written after its SKUs). A refused row changes nothing and does not stop its chunk; the caller commits the chunk (or rolls
it back whole when the database refuses it).
"""
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from wms.catalog import refusals
from wms.catalog.kit_rows import KitCells
from wms.catalog.columns import CUSTOMS_FIELDS
from wms.catalog.models import Sku, SkuBarcode
from wms.catalog.schemas import SkuRowSchema, first_errors
from wms.extensions import db

IN_LIST = 1000    # values per IN (...) query
_schema = SkuRowSchema()
_NUMBERS = ("weight_g", "length_mm", "width_mm", "height_mm", "min_qty")
_CUSTOMS = CUSTOMS_FIELDS
_KEPT_ON_BLANK = ("barcodes", *_NUMBERS, "image_url", *_CUSTOMS)


@dataclass
class ChunkResult:
    """What a chunk did: counts, and one (row, code, field, reason) per reason a row was refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    refusals: list = field(default_factory=list)

    def refuse(self, row, code, reasons):
        self.refused += 1
        self.refusals.extend((row, code, field_name, reason) for field_name, reason in reasons)


def write_chunk(rows, positions):
    """Upsert a chunk's rows ([(row number, [cells])]; `positions`: {field: cell index}); flushed, not committed."""
    result = ChunkResult()
    good, kit_texts = [], {}
    for number, cells in rows:
        mapped = {name: cells[index] if index < len(cells) else "" for name, index in positions.items()}
        try:
            data = _schema.load(mapped)
        except ValidationError as error:
            result.refuse(number, mapped.get("code", ""), first_errors(error.messages))
            continue
        good.append((number, data, {name for name, value in mapped.items() if value.strip()}))
        if mapped.get("kit_components", "").strip():
            kit_texts[number] = (data["code"], mapped["kit_components"])
    kit_cells = KitCells(kit_texts, {data["code"] for _n, data, _g in good})
    book = _Book([data for _n, data, _g in good])
    written = set()
    for number, data, given in good:
        kit_refused = kit_cells.refusal(number)
        if kit_refused:
            result.refuse(number, data["code"], [kit_refused])
            continue
        outcome = book.upsert(data, given)
        if isinstance(outcome, tuple):
            result.refuse(number, data["code"], [outcome])
        else:
            setattr(result, outcome, getattr(result, outcome) + 1)
            written.add(data["code"])
    db.session.flush()
    book.insert_new()
    kit_cells.write(written)
    result.refusals.sort(key=lambda refusal: refusal[0])   # file order (a stable sort keeps a row's reasons in order)
    return result


class _Book:
    """The chunk's SKUs by code and the owners of the barcodes it names, kept current as rows apply.

    Known SKUs are updated through the session; new ones are kept as plain values and inserted
    together at the end (two multi-row INSERTs), the chunk's largest part on a first import."""

    def __init__(self, rows):
        codes = sorted({data["code"] for data in rows})
        barcodes = sorted({code for data in rows for code in data["barcodes"]})
        self.skus, self.new, self.owners = {}, {}, {}
        for part in _slices(codes):
            query = select(Sku).where(Sku.code.in_(part)).options(selectinload(Sku.barcodes))
            self.skus.update((sku.code, sku) for sku in db.session.scalars(query))
        for part in _slices(barcodes):
            self.owners.update(db.session.execute(
                select(SkuBarcode.barcode, Sku.code).join(Sku, Sku.id == SkuBarcode.sku_id)
                .where(SkuBarcode.barcode.in_(part))).all())

    def upsert(self, data, given):
        """'created', 'updated' or 'unchanged'; or (field, reason) when the row is refused."""
        code = data["code"]
        sku = self.skus.get(code)
        current = self.new.get(code) or (_fields(sku) if sku is not None else None)
        if current is not None:
            data = {**data, **{name: current[name] for name in _KEPT_ON_BLANK if name not in given}}
        taken = next((b for b in data["barcodes"] if self.owners.get(b) not in (None, code)), None)
        if taken is not None:
            return "barcodes", refusals.BARCODE_TAKEN.format(barcode=taken, other_sku=self.owners[taken])
        fields = _fields_of(data)
        if fields == current:
            return "unchanged"
        self._own(code, current["barcodes"] if current else [], fields["barcodes"])
        if sku is None:
            self.new[code] = fields
            return "created" if current is None else "updated"
        if self._apply(sku, fields):
            db.session.flush()   # the freed barcodes leave the table before a later row takes one
        return "updated"

    def insert_new(self):
        """Insert the chunk's new SKUs and their barcodes (after the updates are flushed)."""
        if not self.new:
            return
        rows = [{"code": code, **{k: v for k, v in fields.items() if k != "barcodes"}}
                for code, fields in self.new.items()]
        ids = dict(db.session.execute(insert(Sku).returning(Sku.code, Sku.id), rows).all())
        barcodes = [{"sku_id": ids[code], "barcode": barcode}
                    for code, fields in self.new.items() for barcode in fields["barcodes"]]
        if barcodes:
            db.session.execute(insert(SkuBarcode), barcodes)

    def _own(self, code, before, after):
        for barcode in before:
            if barcode not in after:
                self.owners[barcode] = None
        for barcode in after:
            self.owners[barcode] = code

    @staticmethod
    def _apply(sku, fields):
        """Write a known SKU's fields; True when it gave up a barcode."""
        for name in ("name", *_NUMBERS, "image_url", *_CUSTOMS):
            setattr(sku, name, fields[name])
        kept = {b.barcode: b for b in sku.barcodes}
        sku.barcodes = [kept.get(code) or SkuBarcode(barcode=code) for code in fields["barcodes"]]
        return any(code not in fields["barcodes"] for code in kept)


def _fields(sku):
    return {"name": sku.name, "barcodes": [b.barcode for b in sku.barcodes],
            **{name: getattr(sku, name) for name in _NUMBERS}, "image_url": sku.image_url or None,
            **{name: getattr(sku, name) for name in _CUSTOMS}}


def _fields_of(data):
    return {"name": data["name"], "barcodes": list(data["barcodes"]),
            **{name: data[name] for name in _NUMBERS}, "image_url": data.get("image_url") or None,
            **{name: data[name] for name in _CUSTOMS}}


def _slices(values):
    for start in range(0, len(values), IN_LIST):
        yield values[start:start + IN_LIST]
