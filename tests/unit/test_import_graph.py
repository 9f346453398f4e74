"""The packages' import graph (imports inside functions included): dependencies point one way, down
the layers written in docs/CONVENTIONS.md "Layers".

- Core: the modules directly in wms/ (but the app shell below) and the CORE packages import no
  feature; they may use each other.
- Features: each sits in one of LAYERS (bottom first) and imports only core and the features of the
  layers below its own, never one beside or above it. A feature that needs something of a higher one
  is called by it instead (a hook it registers, like shipping.label_follow_ups.after_label, or a named job,
  wms.worker.job); what two features both need and that belongs to neither goes down into core.
- The app shell (APP_SHELL: create_app, the command line, the demo, the launcher...) assembles
  every feature and sits above them all.

A new package fails until it is given a place here; moving a feature between layers is a decision
written in this file, CONVENTIONS and the README map together.
"""
import ast
from collections import defaultdict
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"
PACKAGES = {path.name for path in WMS.iterdir() if path.is_dir() and (path / "__init__.py").exists()}

# Below every feature: users and access, phones and addresses, the wall's counters, spreadsheet reading.
CORE = {"auth", "contacts", "counters", "spreadsheets"}
# The features, bottom layer first; each imports only core and the layers before its own.
LAYERS = (
    {"catalog", "orders"},                          # SKUs; orders, their channel, lines, audit rows, splitting
    {"imports", "inventory", "shipping"},           # orders in; stock and allocation; carriers, labels, printers
    {"finance", "picking", "search"},               # 财审 rules and desk; waves and tasks; finding any order
    {"aftersales", "handheld", "packing", "putwall",  # intercepts, the handheld, pack stations, the put wall,
     "review", "waybill_desk"},                      # the review desk, the 店小秘 flow's desk: early waybills, 待打单
    {"channels"},                                   # platform sync: imports, releases, intercepts through those
    {"admin", "tracking"},                          # admin desk; carrier events, write-back to channels
    {"dashboard", "handover"},                      # the wall, the dock: read everything below
)
# Modules directly in wms/ that assemble the features (and so may import any): every other one is core.
APP_SHELL = {"wms", "wms.cli", "wms.demo", "wms.launcher", "wms.listeners", "wms.serving", "wms.sockets"}


def package_of(module):
    """'wms.review.services' -> 'review'; None for a module directly in wms/ or outside wms."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wms" and parts[1] in PACKAGES else None


def module_name(path):
    parts = path.relative_to(WMS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports():
    """[(importing module, imported name)] over every module of wms/, at any depth of the code."""
    found = []
    for path in WMS.rglob("*.py"):
        module = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(module, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found += [(module, node.module)] + [(module, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def edges(found=None):
    """{package: {package it imports: {the importing modules}}}."""
    graph = defaultdict(lambda: defaultdict(set))
    for module, name in imports() if found is None else found:
        source, target = package_of(module), package_of(name)
        if source and target and target != source:
            graph[source][target].add(module)
    return graph


def tangled(graph):
    """The packages that lie on a cycle (Tarjan's strongly connected components of size > 1)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), set(), [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                result.update(part)

    for node in list(graph):
        if node not in index:
            visit(node)
    return result


def rank(package, layers=LAYERS, core=CORE):
    """0 for core, 1 + the layer's index for a feature, None for a package with no place."""
    if package in core:
        return 0
    return next((number + 1 for number, layer in enumerate(layers) if package in layer), None)


def against_the_layers(found, layers=LAYERS, core=CORE, shell=APP_SHELL):
    """The imports that point sideways or up: sorted ['importing module -> imported name']."""
    wrong = set()
    for module, name in found:
        source, target = package_of(module), package_of(name)
        if target is None or target == source:
            continue
        if source is None:  # a module directly in wms/: core unless it is the app shell
            if module not in shell and target not in core:
                wrong.add(f"{module} -> {name}")
            continue
        low, high = rank(target, layers, core), rank(source, layers, core)
        if low is None or high is None or (low >= high and not low == high == 0):
            wrong.add(f"{module} -> {name}")
    return sorted(wrong)


def test_no_cycle_between_packages():
    graph = edges()
    cycle = tangled(graph)
    assert cycle == set(), {a: {b: sorted(graph[a][b]) for b in graph[a] if b in cycle} for a in sorted(cycle)}


def test_every_package_has_its_place_in_the_layers():
    placed = CORE.union(*LAYERS)
    assert PACKAGES - placed == set(), "give each new package its layer in LAYERS (and CONVENTIONS, README)"
    assert all(len([layer for layer in LAYERS if package in layer]) == 1 for package in placed - CORE)
    assert not CORE & set().union(*LAYERS)


def test_every_import_points_down_the_layers():
    assert against_the_layers(imports()) == []


def test_the_layer_check_refuses_a_sideways_an_upward_and_a_core_import():
    found = [("wms.orders.models", "wms.catalog.models"),            # sideways: catalog and orders share a layer
             ("wms.inventory.allocating", "wms.review.services"),    # upward
             ("wms.realtime", "wms.picking.models"),                 # core importing a feature
             ("wms.counters.services", "wms.auth.models"),           # core using core: allowed
             ("wms.cli", "wms.review.services"),                     # the app shell: allowed
             ("wms.review.services", "wms.inventory.services")]      # downward: allowed
    assert against_the_layers(found) == ["wms.inventory.allocating -> wms.review.services",
                                         "wms.orders.models -> wms.catalog.models",
                                         "wms.realtime -> wms.picking.models"]


def test_the_graph_walk_sees_imports_inside_functions():
    graph = edges()
    assert "tracking" in graph["dashboard"]  # only imported inside wms.dashboard.queries.exception_counts
    assert tangled({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == {"a", "b", "c"}
