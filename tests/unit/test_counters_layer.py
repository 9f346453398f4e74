"""The counters sit below every feature and the wall on top of them all (issue 16): wms.counters imports
no feature package, and no feature imports wms.dashboard (the wall subscribes to the counters instead)."""
from tests.unit.test_import_graph import edges


def test_the_counters_import_no_feature_package():
    assert dict(edges().get("counters", {})) == {}


def test_no_feature_imports_the_wall():
    graph = edges()
    into_the_wall = {feature: sorted(graph[feature]["dashboard"]) for feature in graph if "dashboard" in graph[feature]}
    assert into_the_wall == {}


def test_the_features_that_move_counters_use_the_counters_package():
    graph = edges()
    assert {"orders", "picking", "imports", "dashboard"} <= {feature for feature in graph if "counters" in graph[feature]}

