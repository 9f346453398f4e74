"""Spreadsheet reading sits below the features that take files (issue 16): wms.spreadsheets imports no
feature package, and the SKU import reads its files through it, not through the order import."""
from tests.unit.test_import_graph import edges


def test_the_spreadsheet_readers_import_no_feature_package():
    assert dict(edges().get("spreadsheets", {})) == {}


def test_the_catalog_does_not_import_the_order_import():
    assert sorted(edges()["catalog"].get("imports", ())) == []


def test_the_order_and_sku_imports_both_read_through_the_spreadsheet_readers():
    graph = edges()
    assert {"catalog", "imports"} <= {feature for feature in graph if "spreadsheets" in graph[feature]}
