"""A SKU file's `Kit components` column (组合装明细): a row whose cell lists components makes its SKU a
kit of them (`SKU-A*2; SKU-B`, as wms.catalog.kits.parse_components reads it); a blank cell keeps
what the SKU had, like every other column.

A chunk's cells are checked before any of its rows is written (a refused cell refuses its row, nothing
of it written): every component is in the catalogue or a good row of the chunk, and no kit nests in
another (the catalogue's kits and the chunk's kit rows together). The kits are written after the
chunk's SKUs, one DELETE and one INSERT for the whole chunk, and marked for the stores' stock sync.
"""
from sqlalchemy import delete, insert, select

from wms.catalog import kit_services, kits, refusals
from wms.catalog.models import Sku, SkuKitComponent
from wms.errors import DomainError
from wms.extensions import db
from wms.stock_marks import mark_skus

IN_LIST = 900


class KitCells:
    """The chunk's `Kit components` cells: {kit code: [(component code, qty)]} once checked."""

    def __init__(self, cells, chunk_codes):
        """cells: {row number: (kit code, cell text)} of the non-blank cells; chunk_codes: the chunk's good codes."""
        self.refused, self.wanted = {}, {}
        parsed = {}
        for number, (code, text) in cells.items():
            try:
                parsed[number] = (code, kits.parse_components(text))
            except kits.KitProblem as problem:
                self.refused[number] = str(problem)
        if not parsed:
            return
        codes = sorted({c for _k, parts in parsed.values() for c, _q in parts} | {k for k, _p in parsed.values()})
        known, table = _catalogue(codes)
        table.update({code: tuple(parts) for code, parts in parsed.values()})
        for number, (code, parts) in parsed.items():
            unknown = sorted({c for c, _q in parts if c not in known and c not in chunk_codes})
            if unknown:
                self.refused[number] = refusals.KIT_UNKNOWN.format(codes=", ".join(unknown))
                continue
            try:
                self.wanted[code] = kits.check_definition(code, parts, {k: v for k, v in table.items() if k != code})
                if code in known:   # an existing kit on orders that hold its components keeps them
                    kit_services.check_change(db.session.scalar(select(Sku).where(Sku.code == code)))
            except kits.KitProblem as problem:
                values = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in problem.values.items()}
                self.refused[number] = problem.template.format(**values)
            except DomainError as refusal:
                self.wanted.pop(code, None)
                self.refused[number] = refusal.message

    def refusal(self, number):
        """("kit_components", reason) when the row's cell is refused, else None."""
        reason = self.refused.get(number)
        return ("kit_components", reason) if reason else None

    def write(self, written_codes):
        """Replace the components of the kits of the rows written (after the chunk's SKUs are in)."""
        wanted = {code: parts for code, parts in self.wanted.items() if code in written_codes}
        if not wanted:
            return
        codes = sorted(set(wanted) | {c for parts in wanted.values() for c, _q in parts})
        ids = {}
        for start in range(0, len(codes), IN_LIST):
            ids.update(db.session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(codes[start:start + IN_LIST]))).all())
        kit_ids = sorted(ids[code] for code in wanted)
        for start in range(0, len(kit_ids), IN_LIST):
            db.session.execute(delete(SkuKitComponent).where(SkuKitComponent.kit_sku_id.in_(kit_ids[start:start + IN_LIST])))
        db.session.execute(insert(SkuKitComponent), [
            {"kit_sku_id": ids[code], "component_sku_id": ids[c], "qty": qty}
            for code, parts in wanted.items() for c, qty in parts])
        mark_skus(kit_ids)


def _catalogue(codes):
    """(codes that exist, the catalogue's kits by code that the checks need: those among `codes`, and
    those that have one of `codes` as a component)."""
    known, table = set(), {}
    for start in range(0, len(codes), IN_LIST):
        part = codes[start:start + IN_LIST]
        known.update(db.session.scalars(select(Sku.code).where(Sku.code.in_(part))))
        kit, component = Sku.__table__.alias("kit"), Sku.__table__.alias("component")
        rows = db.session.execute(
            select(kit.c.code, component.c.code, SkuKitComponent.qty)
            .join(kit, kit.c.id == SkuKitComponent.kit_sku_id)
            .join(component, component.c.id == SkuKitComponent.component_sku_id)
            .where(kit.c.code.in_(part) | component.c.code.in_(part))).all()
        for kit_code, component_code, qty in rows:
            if (component_code, qty) not in table.get(kit_code, ()):
                table[kit_code] = table.get(kit_code, ()) + ((component_code, qty),)
    return known, table
