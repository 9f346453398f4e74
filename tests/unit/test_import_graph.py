"""The features' import graph (imports inside functions included): dependencies must point one way.

Issue 16 removes today's cycles. Until it is done this test is a ratchet: it fails on any cycle
that is not in KNOWN_PAIRS / KNOWN_TANGLE (a new one), and on a known one that is gone (take it off
the list, so it cannot come back). Done when both lists are empty.
"""
import ast
from collections import defaultdict
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"
FEATURES = {path.name for path in WMS.iterdir() if path.is_dir() and (path / "__init__.py").exists()}

# two features importing each other (directly), as of 2026-12-06
KNOWN_PAIRS = {
    frozenset(pair) for pair in (
        ("channels", "imports"), ("channels", "review"), ("inventory", "review"))}
# the features on some cycle (a strongly connected part of the graph), as of 2026-12-06
KNOWN_TANGLE = {"aftersales", "channels", "imports", "inventory", "picking", "review"}


def feature_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wms" and parts[1] in FEATURES else None


def edges():
    """{feature: {feature it imports: [the importing modules]}}."""
    found = defaultdict(lambda: defaultdict(set))
    for path in WMS.rglob("*.py"):
        module = ".".join(path.relative_to(WMS.parent).with_suffix("").parts)
        source = feature_of(module)
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                target = feature_of(name)
                if target and target != source:
                    found[source][target].add(module)
    return found


def pairs(graph):
    return {frozenset((a, b)) for a in graph for b in graph[a] if a in graph.get(b, {})}


def tangled(graph):
    """The features that lie on a cycle (Tarjan's strongly connected components of size > 1)."""
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


def test_no_new_two_way_dependency_between_features():
    graph = edges()
    new = {tuple(sorted(p)): {a: sorted(graph[a][b]) for a, b in (tuple(p), tuple(p)[::-1])}
           for p in pairs(graph) - KNOWN_PAIRS}
    assert new == {}


def test_no_feature_joins_the_tangle():
    assert tangled(edges()) - KNOWN_TANGLE == set()


def test_the_known_cycles_are_still_there_or_off_the_list():
    graph = edges()
    assert KNOWN_PAIRS - pairs(graph) == set(), "fixed: take these off KNOWN_PAIRS"
    assert KNOWN_TANGLE - tangled(graph) == set(), "untangled: take these off KNOWN_TANGLE"


def test_the_graph_walk_sees_imports_inside_functions(tmp_path):
    graph = edges()
    assert "tracking" in graph["dashboard"]  # only imported inside wms.dashboard.queries.exception_counts
    assert tangled({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == {"a", "b", "c"}
