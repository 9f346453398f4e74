"""Kit (组合装) use cases: define a kit's components, read the kit table the floor expands by.

A kit is a SKU with component rows (wms.catalog.models.SkuKitComponent); the rules are
wms.catalog.kits (pure). The features below the buyer's view read `kit_table(sku_ids)` once per
batch of lines and expand with `kits.expand`: allocation, the pack station, returns, stock sync.
"""
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from wms import aftercommit
from wms.catalog import kits
from wms.catalog.models import Sku, SkuKitComponent
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.rows import get_or_not_found
from wms.stock_marks import mark_skus

IN_LIST = 900

# What features above the catalogue check before a kit's components change: fn(kit Sku) raising a
# refusal. Inventory adds one with @before_kit_change (an order already reserved or on the floor keeps
# the components it was allocated, so its kit must not change under it); the catalogue imports no order.
_BEFORE_CHANGE = []


def before_kit_change(check):
    """Run check(kit Sku) before a kit's components are saved or cleared (a decorator)."""
    if check not in _BEFORE_CHANGE:
        _BEFORE_CHANGE.append(check)
    return check


def check_change(kit):
    """The kit (a Sku) after every registered check let its components change (each raises a refusal)."""
    for check in _BEFORE_CHANGE:
        check(kit)
    return kit


def kit_table(sku_ids=None):
    """{kit sku id: ((component sku id, qty per kit), ...)} of the kits among `sku_ids` (every kit
    when None); one statement per 900 ids, none for no ids."""
    query = select(SkuKitComponent.kit_sku_id, SkuKitComponent.component_sku_id, SkuKitComponent.qty) \
        .order_by(SkuKitComponent.kit_sku_id, SkuKitComponent.id)
    if sku_ids is None:
        return _table(db.session.execute(query))
    ids = sorted({int(i) for i in sku_ids if i is not None})
    table = {}
    for start in range(0, len(ids), IN_LIST):
        table.update(_table(db.session.execute(query.where(SkuKitComponent.kit_sku_id.in_(ids[start:start + IN_LIST])))))
    return table


def _table(rows):
    table = {}
    for kit, component, qty in rows:
        table[kit] = table.get(kit, ()) + ((component, qty),)
    return table


def kits_containing(sku_ids):
    """Ids of the kits that have any of these SKUs as a component."""
    ids = sorted({int(i) for i in sku_ids if i is not None})
    found = set()
    for start in range(0, len(ids), IN_LIST):
        found |= set(db.session.scalars(select(SkuKitComponent.kit_sku_id).distinct()
                                        .where(SkuKitComponent.component_sku_id.in_(ids[start:start + IN_LIST]))))
    return found


def components_of(kit_sku_id):
    """[(component Sku with its barcodes, qty per kit)] of one kit, in the order they were listed."""
    rows = db.session.scalars(select(SkuKitComponent).where(SkuKitComponent.kit_sku_id == kit_sku_id)
                              .options(selectinload(SkuKitComponent.component).selectinload(Sku.barcodes))
                              .order_by(SkuKitComponent.id)).all()
    return [(row.component, row.qty) for row in rows]


def component_skus(kit_table_):
    """{sku id: Sku with barcodes} of every component of a kit table (one statement)."""
    ids = sorted({component for parts in kit_table_.values() for component, _q in parts})
    if not ids:
        return {}
    return {sku.id: sku for sku in db.session.scalars(select(Sku).where(Sku.id.in_(ids))
                                                       .options(selectinload(Sku.barcodes)))}


def list_kits():
    """[(kit Sku, [(component Sku, qty)])] of every kit, by code."""
    table = kit_table()
    skus = {sku.id: sku for sku in db.session.scalars(select(Sku).where(Sku.id.in_(sorted(table))))} if table else {}
    skus.update(component_skus(table))
    return sorted(((skus[kit], [(skus[c], q) for c, q in parts]) for kit, parts in table.items()),
                  key=lambda item: item[0].code)


def define_kit(kit_sku_id, components):
    """Make the SKU a kit of `components` (text as `kits.parse_components` reads it, or [(code, qty)]),
    replacing what it had. Every problem is refused and nothing changes. The kit's stores are told
    its new sellable quantity (a stock mark)."""
    kit = check_change(_locked_sku(kit_sku_id))
    wanted = _parsed(components)
    codes = sorted({code for code, _q in wanted})
    found = dict(db.session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(codes))).all()) if codes else {}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed.worded("Not in the catalogue: {codes}", codes=", ".join(unknown),
                                      details={"field": "components"})
    by_id = [(found[code], qty) for code, qty in wanted]
    codes_of = {sku_id: code for code, sku_id in found.items()} | {kit.id: kit.code}
    try:
        checked = kits.check_definition(kit.id, by_id, _neighbours(kit.id, [i for i, _q in by_id], codes_of))
    except kits.KitProblem as problem:
        values = {name: ", ".join(str(codes_of.get(v, v)) for v in value) if isinstance(value, tuple)
                  else codes_of.get(value, value) for name, value in problem.values.items()}
        raise ValidationFailed.worded(problem.template, **values, details={"field": "components"}) from None
    db.session.execute(delete(SkuKitComponent).where(SkuKitComponent.kit_sku_id == kit.id))
    db.session.add_all([SkuKitComponent(kit_sku_id=kit.id, component_sku_id=c, qty=q) for c, q in checked])
    mark_skus([kit.id])
    aftercommit.commit()
    return components_of(kit.id)


def clear_kit(kit_sku_id):
    """The SKU is no longer a kit (a plain SKU again, picked as itself). Idempotent."""
    kit = check_change(_locked_sku(kit_sku_id))
    db.session.execute(delete(SkuKitComponent).where(SkuKitComponent.kit_sku_id == kit.id))
    mark_skus([kit.id])
    aftercommit.commit()
    return kit


def _locked_sku(sku_id):
    """The kit's SKU row, locked: two people saving one kit's components save one after the other."""
    get_or_not_found(Sku, sku_id, "No such SKU")
    return db.session.scalars(select(Sku).where(Sku.id == int(sku_id)).with_for_update()).one()


def _parsed(components):
    if isinstance(components, str):
        try:
            return kits.parse_components(components)
        except kits.KitProblem as problem:
            raise ValidationFailed.worded(problem.template, **problem.values,
                                          details={"field": "components"}) from None
    return [(str(code).strip(), qty) for code, qty in components]


def _neighbours(kit_id, component_ids, codes_of):
    """The part of the kit table the definition's checks need, by code for the refusal's words: the
    components that are kits themselves, and the kits this one is a component of."""
    rows = db.session.execute(
        select(SkuKitComponent.kit_sku_id, SkuKitComponent.component_sku_id, SkuKitComponent.qty)
        .where(or_(SkuKitComponent.kit_sku_id.in_(component_ids), SkuKitComponent.component_sku_id == kit_id))).all()
    parents = {row.kit_sku_id for row in rows if row.component_sku_id == kit_id}
    codes_of.update(db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(sorted(parents)))).all()
                    if parents else [])
    return _table(rows)


def define_kit_by_code(code, components):
    """`define_kit` for the SKU with this code (the kits page's form); returns the kit's Sku."""
    code = str(code or "").strip()
    kit = db.session.scalar(select(Sku).where(Sku.code == code)) if code else None
    if kit is None:
        raise ValidationFailed.worded("No SKU with the code '{code}': create it first", code=code,
                                      details={"field": "kit"})
    define_kit(kit.id, components)
    return kit


def with_kits(sku_ids, available_of):
    """{sku id: units} for `sku_ids` where a kit counts the kits its components' stock makes (the scarcest
    component's); `available_of(ids)` gives the plain SKUs' units ({id: units}, missing = 0)."""
    wanted = {int(i) for i in sku_ids if i is not None}
    table = kit_table() if wanted else {}
    parts = {kit: kits.flatten(kit, table) for kit in wanted if kits.is_kit(kit, table)}
    plain = (wanted - set(parts)) | {component for components in parts.values() for component, _qty in components}
    available = available_of(plain) if plain else {}
    return {**{sku: int(available.get(sku, 0)) for sku in wanted - set(parts)},
            **{kit: kits.sellable(components, available) for kit, components in parts.items()}}
