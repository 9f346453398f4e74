"""No refusal is a filled-in string: a domain error (wms.errors.DomainError or any subclass, found
by name in the source) made from an f-string, `"...".format(...)`, `"..." % ...` or `"..." + ...`
carries only its English once filled, so a page flashing it cannot put it into the reader's
language. Such a refusal is made with `X.worded(template, **values)` (the template a plain literal
with a zh_CN entry), which keeps the same English message for APIs and logs."""
import ast
import functools
import json
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"
CATALOGUES = WMS / "translations" / "zh_CN"


@functools.cache
def trees():
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(WMS.rglob("*.py"))}


def domain_error_names(parsed):
    """Names of DomainError and every class that derives from it, anywhere in wms/."""
    bases = {}
    for tree in parsed.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    getattr(base, "id", None) or getattr(base, "attr", None) for base in node.bases)
    names, grown = {"DomainError"}, True
    while grown:
        more = {name for name, parents in bases.items() if parents & names} - names
        names |= more
        grown = bool(more)
    return names


def called_name(call):
    """`ValidationFailed` for ValidationFailed(...), errors.NotFound(...) and ValidationFailed.worded(...)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "worded":
        func = func.value
    return getattr(func, "id", None) or getattr(func, "attr", None)


def is_filled(node):
    """A message put together at run time: f"...", "...".format(...), "..." % x, "..." + x."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return any(isinstance(side, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(side, "value", ""), (int, float))
                   for side in (node.left, node.right)) or is_filled(node.left) or is_filled(node.right)
    return False


def message_of(call):
    if call.args:
        return call.args[0]
    return next((keyword.value for keyword in call.keywords if keyword.arg in ("message", "template")), None)


def filled_refusals(parsed):
    names = domain_error_names(parsed)
    for path, tree in parsed.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called_name(node) in names:
                message = message_of(node)
                if message is not None and is_filled(message):
                    yield f"{path.relative_to(WMS.parent)}:{node.lineno} {called_name(node)}"


def worded_templates(parsed):
    for path, tree in parsed.items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "worded"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                yield f"{path.relative_to(WMS.parent)}:{node.lineno}", node.args[0].value


def test_no_domain_error_is_made_from_a_filled_in_string():
    assert sorted(filled_refusals(trees())) == []


def test_every_worded_refusal_has_a_chinese_entry():
    catalogue = {}
    for path in sorted(CATALOGUES.glob("*.json")):
        catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    missing = sorted(f"{where} {template!r}" for where, template in worded_templates(trees())
                     if template not in catalogue)
    assert missing == []


def test_the_scan_sees_a_filled_in_refusal_and_passes_a_worded_one():
    source = ast.parse(
        "class Refusal(ValidationFailed): pass\n"
        "def bad(x):\n    raise Refusal(f'no {x}', field='x')\n"
        "def bad_too(x):\n    raise errors.NotFound('no %s' % x)\n"
        "def bad_format(x):\n    error = ConcurrentUpdate('{} moved'.format(x))\n"
        "def good(x):\n    raise Refusal.worded('no {x}', x=x)\n"
        "def internal(x):\n    raise ValueError(f'bug {x}')\n")
    parsed = {WMS / "example.py": source, **{path: tree for path, tree in trees().items()
                                             if path.name == "errors.py" and path.parent == WMS}}
    assert sorted(filled_refusals(parsed)) == ["wms/example.py:3 Refusal", "wms/example.py:5 NotFound",
                                               "wms/example.py:7 ConcurrentUpdate"]
