"""Kits (组合装): a kit SKU is sold as one line and handled on the floor as its components. Pure:
stdlib only.

The one place for the rule that turns what was sold into what the floor moves. An order line keeps
the kit as sold (the buyer, the platform's write-back, the label, the review desk); allocation,
picking, the pack station's check (复核) and a return's restock work on `expand(...)`'s parts.

A kit table is {kit SKU: ((component SKU, qty per kit), ...)}; the keys may be ids or codes.
Definitions are kept flat (a kit's component is never itself a kit, as the ERPs keep 组合装), but
`expand` flattens a nested table anyway and refuses a cycle, so a bad table can never loop.

Complexity: expanding L lines over a flat table of C components per kit is O(L * C).
"""
import re
from dataclasses import dataclass

MAX_COMPONENTS = 50     # components one kit may list
MAX_QTY = 9_999         # units of one component in one kit
MAX_DEPTH = 8           # nesting `flatten` follows before it calls the table a cycle


# Every sentence a KitProblem carries (the SKU import's report and pages translate them by template).
TEMPLATES = ("Kit {kit} contains itself", "Quantity of {sku} must be from 1 to {most}", "Kit {kit} cannot contain itself",
             "{sku} is a kit itself: list its components instead", "List at least one component",
             "A kit has at most {most} components",
             "{kit} is a component of kit {parents}: a kit cannot be part of a kit",
             "Cannot read '{item}': write a SKU code and its quantity, e.g. SKU-A*2")


class KitProblem(ValueError):
    """A kit definition (or table) that cannot be used; `template` and `values` word it."""

    def __init__(self, template, **values):
        super().__init__(template.format(**values))
        self.template, self.values = template, values


@dataclass(frozen=True)
class Part:
    """What the floor moves for one order line: `qty` of `sku_id`; `kit_sku_id` names the kit sold
    (None for a line that is not a kit)."""

    line_id: object
    sku_id: object
    qty: int
    kit_sku_id: object = None


def is_kit(sku_id, kit_table):
    return sku_id is not None and bool(kit_table.get(sku_id))


def flatten(kit_sku_id, kit_table, _path=()):
    """((component, qty per kit), ...) of one kit, nested kits multiplied out, merged per component
    in first-seen order; KitProblem for a cycle or a table nested deeper than MAX_DEPTH."""
    if kit_sku_id in _path or len(_path) >= MAX_DEPTH:
        raise KitProblem("Kit {kit} contains itself", kit=kit_sku_id)
    merged = {}
    for component, qty in kit_table.get(kit_sku_id, ()):
        if is_kit(component, kit_table):
            for inner, inner_qty in flatten(component, kit_table, _path + (kit_sku_id,)):
                merged[inner] = merged.get(inner, 0) + qty * inner_qty
        else:
            merged[component] = merged.get(component, 0) + qty
    return tuple(merged.items())


def expand(lines, kit_table):
    """[Part] for lines with .line_id, .sku_id, .qty: a kit line becomes one part per component
    (qty x the kit's qty), any other line one part as it is. Order kept; quantities conserved:
    each component's total is sum(line qty x qty per kit)."""
    parts = []
    for line in lines:
        if not is_kit(line.sku_id, kit_table):
            parts.append(Part(line.line_id, line.sku_id, line.qty))
            continue
        for component, qty in flatten(line.sku_id, kit_table):
            parts.append(Part(line.line_id, component, line.qty * qty, line.sku_id))
    return parts


def sellable(components, available):
    """Kits the stock makes: the scarcest component's available // its qty per kit (0 for none).
    components: [(sku, qty per kit)]; available: {sku: units}."""
    need = {}
    for sku, qty in components:
        need[sku] = need.get(sku, 0) + int(qty)
    if not need or any(qty <= 0 for qty in need.values()):
        return 0
    return max(0, min(max(0, int(available.get(sku, 0))) // qty for sku, qty in need.items()))


def kits_containing(sku_ids, kit_table):
    """The kits of the table that use any of these SKUs (directly or through a nested kit)."""
    wanted = set(sku_ids)
    return {kit for kit in kit_table if wanted.intersection(component for component, _q in flatten(kit, kit_table))}


def check_definition(kit, components, kit_table):
    """The components a kit may be given, merged per component: ((component, qty), ...).

    Refused (KitProblem): no components, too many, a quantity out of 1..MAX_QTY, the kit itself as a
    component, a component that is a kit (nesting), or a kit that is a component of another kit
    (it would nest that one)."""
    merged = {}
    for component, qty in components:
        if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= MAX_QTY:
            raise KitProblem("Quantity of {sku} must be from 1 to {most}", sku=component, most=MAX_QTY)
        if component == kit:
            raise KitProblem("Kit {kit} cannot contain itself", kit=kit)
        if is_kit(component, kit_table):
            raise KitProblem("{sku} is a kit itself: list its components instead", sku=component)
        merged[component] = merged.get(component, 0) + qty
    if not merged:
        raise KitProblem("List at least one component")
    if len(merged) > MAX_COMPONENTS:
        raise KitProblem("A kit has at most {most} components", most=MAX_COMPONENTS)
    parents = tuple(sorted((other for other, parts in kit_table.items()
                            if other != kit and any(component == kit for component, _q in parts)), key=str))
    if parents:
        raise KitProblem("{kit} is a component of kit {parents}: a kit cannot be part of a kit",
                         kit=kit, parents=parents)
    return tuple(merged.items())


_ITEM_FORMS = (re.compile(r"^(\S+?)\s*[*×]\s*(\d+)$"),     # CODE*2, CODE × 2
               re.compile(r"^(\S+)\s+[xX]\s*(\d+)$"),     # CODE x2 (a space first: codes may hold an x)
               re.compile(r"^(\S+)\s+(\d+)$"),             # CODE 2
               re.compile(r"^(\S+)()$"))                     # CODE: one unit
_SEPARATORS = re.compile(r"[;\n；,，|]+")


def parse_components(text):
    """[(code, qty)] from what a person types or a `Kit components` cell holds: items separated by
    ; , | or new lines, each `CODE`, `CODE*2`, `CODE x2`, `CODE×2` or `CODE 2` (no quantity: 1).
    KitProblem names the first item it cannot read."""
    items = []
    for raw in _SEPARATORS.split(text or ""):
        raw = raw.strip()
        if not raw:
            continue
        match = next((m for m in (form.match(raw) for form in _ITEM_FORMS) if m), None)
        if match is None:
            raise KitProblem("Cannot read '{item}': write a SKU code and its quantity, e.g. SKU-A*2", item=raw)
        items.append((match.group(1), int(match.group(2) or 1)))
    return items


def describe(components):
    """The text `parse_components` reads back: 'A*2; B*1'."""
    return "; ".join(f"{code}*{qty}" for code, qty in components)
