"""Signatures, HMACs and secrets are compared in constant time (hmac.compare_digest), never with
== or != (which answers sooner the earlier the first wrong character is: a timing oracle)."""
import ast
import hmac

from config.settings import ROOT
from wms.shipping.carriers.kuaidi100 import push_sign

SECRET_WORDS = ("sign", "hmac", "digest", "secret", "token")


def _names(node):
    """Every identifier a comparison side is made of (names, attributes, called functions)."""
    return {getattr(n, "id", None) or getattr(n, "attr", None) for n in ast.walk(node)} - {None}


def _secret_like(node):
    if isinstance(node, ast.Constant):
        return False
    return any(word in name.lower() for name in _names(node) for word in SECRET_WORDS
               if not name.lower().endswith(("_method", "_methods")))


def _is_column(node):
    """Model.column: a class attribute (capitalised name), which in a comparison builds SQL."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id[:1].isupper()


def _equality_on_secrets(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
            continue
        sides = [node.left, *node.comparators]
        if any(isinstance(side, ast.Constant) for side in sides):
            continue  # sign_method == "md5", token == "": not a secret against a secret
        if any(_is_column(side) for side in sides):
            continue  # User.badge_secret == secret: a SQL condition (an indexed lookup), not a comparison
        if all(_secret_like(side) for side in sides):
            yield f"{path.relative_to(ROOT)}:{node.lineno}"


def test_no_signature_or_secret_is_compared_with_equality():
    found = [where for path in sorted((ROOT / "wms").rglob("*.py")) for where in _equality_on_secrets(path)]
    assert found == []


def test_the_carrier_push_signature_is_checked_with_compare_digest(monkeypatch):
    from wms.shipping.carriers import kuaidi100
    from wms.shipping.carriers.base import WaybillError

    calls, compare = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    adapter = kuaidi100.Kuaidi100Adapter.__new__(kuaidi100.Kuaidi100Adapter)
    adapter.salt = "salt"
    param = '{"lastResult": {"nu": "SF1", "data": []}}'
    try:
        adapter.parse_webhook({}, {"param": param, "sign": "0" * 32})
    except WaybillError as error:
        assert "signature" in str(error)
    else:
        raise AssertionError("a wrong signature was accepted")
    assert calls, "the signature was not compared with hmac.compare_digest"
    adapter.parse_webhook({}, {"param": param, "sign": push_sign(param, "salt").lower()})


def test_a_carrier_push_signed_with_non_ascii_text_is_a_bad_signature_not_a_crash():
    from wms.shipping.carriers import kuaidi100
    from wms.shipping.carriers.base import WaybillError

    adapter = kuaidi100.Kuaidi100Adapter.__new__(kuaidi100.Kuaidi100Adapter)
    adapter.salt = "salt"
    try:
        adapter.parse_webhook({}, {"param": "{}", "sign": "签名"})
    except WaybillError as error:
        assert "signature" in str(error)
    else:
        raise AssertionError("a wrong signature was accepted")
