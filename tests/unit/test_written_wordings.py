"""Every sentence the server writes as a wording (the order timeline's audit rows, hold reasons) has
a zh-CN entry: found in the source as `wording("...")` literals, plus the codes that go into
wordings as variables (field names, statuses, hold codes)."""
import ast
import json
import re
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"
CATALOGUES = WMS / "translations" / "zh_CN"
MAKERS = {"wording": 0, "hold_reason": 1}   # function name -> position of its template argument


def chinese():
    merged = {}
    for path in sorted(CATALOGUES.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def string_constants(tree):
    """Module-level NAME = "text" (a template kept in a constant, such as CANCEL_REASON)."""
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def templates_in(path):
    """(line, template) of every wording(...) / hold_reason(code, ...) whose template is a literal or a constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = string_constants(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in MAKERS or len(node.args) <= MAKERS[name]:
            continue
        argument = node.args[MAKERS[name]]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            yield node.lineno, argument.value
        elif isinstance(argument, ast.Name) and argument.id in constants:
            yield node.lineno, constants[argument.id]


def has_words(template):
    """A template that is nothing but placeholders ("{reasons}") has nothing to translate; even
    punctuation has ("{code}: {detail}" -> "{code}：{detail}")."""
    return re.sub(r"\{[^}]*\}", "", template).strip() != ""


def test_every_wording_the_server_writes_has_a_chinese_entry():
    catalogue = chinese()
    found = {(str(path.relative_to(WMS.parent)), line, template)
             for path in sorted(WMS.rglob("*.py")) for line, template in templates_in(path)}
    written = {template for _path, _line, template in found}
    # the scan sees the timeline's wordings (one per feature), not just the hold reasons
    assert {"handed over on manifest {code}", "wave {code}", "Imported from {source}", "still held: {reasons}",
            "carrier reports {status}: {description}", "Cancelled on the sales platform"} <= written
    missing = sorted((path, line, template) for path, line, template in found
                     if has_words(template) and template not in catalogue)
    assert missing == []


def test_every_code_put_into_a_timeline_wording_has_a_chinese_entry():
    from wms.aftersales.models import RESTOCK, WRITE_OFF
    from wms.aftersales.services import ASK_CARRIER, BEING_VOIDED
    from wms.review.rules import DEFAULT_ORDER
    from wms.review.services import EDITABLE_FIELDS
    from wms.tracking.statuses import NEEDS_A_PERSON

    codes = {
        "edited fields": set(EDITABLE_FIELDS),
        "hold codes": set(DEFAULT_ORDER) | {"manual", "shortage"},
        "carrier news": set(NEEDS_A_PERSON),
        "return results": {RESTOCK, WRITE_OFF},
        "intercept sources and details": {"channel", "reviewer", "supervisor", ASK_CARRIER, BEING_VOIDED},
    }
    catalogue = chinese()
    assert {kind: sorted(names - set(catalogue)) for kind, names in codes.items()} == {kind: [] for kind in codes}
