"""Pure modules (business rules as plain Python) import only the standard library, each other, and
the domain exceptions: no Flask, SQLAlchemy, marshmallow or wms.extensions. A module is pure when
its docstring says so, or when it is listed below (the algorithms, whose docstrings describe the
algorithm instead)."""
import ast
import re
import sys
from pathlib import Path

import pytest

WMS = Path(__file__).resolve().parents[2] / "wms"
ALSO_PURE = {"wms.picking.layout", "wms.picking.routing", "wms.picking.batching", "wms.imports.line_file"}
# plain exception classes; the module's Flask imports live inside its handler functions
DOMAIN_EXCEPTIONS = "wms.errors"
ALSO_ALLOWED = {
    "wms.review.rules": {"phonenumbers"},
    "wms.contacts.phone": {"phonenumbers"},
    # adapter_for() imports the adapters (HTTP clients) when first asked, so that they register
    "wms.channels.base": {"wms.channels.shopify", "wms.channels.taobao", "wms.channels.jd", "wms.channels.pdd",
                          "wms.channels.douyin"},
}


def module_name(path):
    return ".".join(path.relative_to(WMS.parent).with_suffix("").parts)


def says_it_is_pure(tree):
    return re.search(r"\bPure\b", ast.get_docstring(tree) or "") is not None


TREES = {module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in sorted(WMS.rglob("*.py"))}
PURE = sorted(name for name, tree in TREES.items() if says_it_is_pure(tree) or name in ALSO_PURE)


def imported_by(tree):
    """Every module a module imports (`from wms.x import y` counts as wms.x.y when that is a module)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            found = {name for name in submodules if (WMS.parent / (name.replace(".", "/") + ".py")).exists()}
            names |= found or {node.module}
    return names


def test_the_pure_modules_are_found():
    assert {"wms.orders.states", "wms.contacts.address", "wms.contacts.phone", "wms.wording", "wms.imports.file_plan",
            "wms.channels.taobao_trades", "wms.picking.routing"} <= set(PURE)


def test_the_check_sees_a_framework_import():
    assert {"flask", "sqlalchemy", "wms.extensions"} <= imported_by(TREES["wms.imports.file_upload"])


@pytest.mark.parametrize("name", PURE)
def test_a_pure_module_imports_only_the_standard_library_and_other_pure_modules(name):
    tree = TREES[name]
    allowed = set(PURE) | {DOMAIN_EXCEPTIONS} | ALSO_ALLOWED.get(name, set())
    strangers = {module for module in imported_by(tree)
                 if module.split(".")[0] not in sys.stdlib_module_names and module not in allowed}
    assert strangers == set()
