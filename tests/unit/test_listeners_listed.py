"""ORM and engine event listeners are registered in wms/listeners.py only, where each says why: no
other module of wms/ calls event.listen or decorates with listens_for."""
import ast
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"
HOME = WMS / "listeners.py"


def registrations(source):
    """The lines of `source` that register an SQLAlchemy event listener (listen / listens_for)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("listen", "listens_for"):
                found.append(node.lineno)
    return found


def test_no_module_but_wms_listeners_registers_a_listener():
    elsewhere = {str(path.relative_to(WMS.parent)): lines for path in WMS.rglob("*.py") if path != HOME
                 for lines in [registrations(path.read_text(encoding="utf-8"))] if lines}
    assert elsewhere == {}


def test_the_check_sees_both_ways_of_registering():
    source = ("from sqlalchemy import event\n"
              "@event.listens_for(Session, 'before_flush')\ndef f(*a): pass\n"
              "event.listen(Session, 'after_commit', f)\n")
    assert registrations(source) == [2, 4]


def test_every_listener_registered_is_named_in_the_modules_docstring(app):
    from wms import listeners

    said = listeners.__doc__
    for _target, _name, fn in listeners.LISTENERS:
        assert fn.__module__ in said and (fn.__module__ != "wms.review.models" or fn.__name__ in said), fn
