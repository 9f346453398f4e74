"""What a page needs to show a refused form again: each wrong input's message in the reader's language.

Why: forms used to redirect after a refusal (losing what was typed) or draw the page again from the
database, and the flash said what was wrong without pointing at the input. A view that answers with
the form again passes the posted values and `errors=field_errors(refused)`; the `field` macro of
templates/_fields.html marks each input it names (and every form marks its required inputs).
"""
from wms.errors import error_text
from wms.i18n import _


def field_errors(refused, names=None):
    """{input name: message} of a refusal (a `Refused` or a DomainError; none: {}).

    A refusal naming several inputs (`details["fields"]`: {name: {message, values}}, e.g. a settings
    form) gives each its own message; one naming a single `field` gives that input the flashed text.
    `names` maps a service's field name to the page's input name where they differ.
    """
    error = getattr(refused, "error", refused)
    if error is None or not hasattr(error, "details"):
        return {}
    names = names or {}
    several = error.details.get("fields")
    if isinstance(several, dict):
        return {names.get(name, name): _told(problem) for name, problem in several.items() if isinstance(problem, dict)}
    field = error.details.get("field")
    return {names.get(field, field): error_text(error)} if isinstance(field, str) and field else {}


def _told(problem):
    """A {message, values} problem in the reader's language (values filled after translating, so a
    value may be named like any of translate's own parameters)."""
    text, values = _(str(problem.get("message", ""))), problem.get("values") or {}
    return text.format(**values) if values else text


def line_errors(refused, key="order_line_id"):
    """{"<field>_<id>": message} of a refusal listing problems per line (`details["errors"]`:
    [{field, message, values, <key>}]), for a table form whose inputs are named field_<id>."""
    error = getattr(refused, "error", refused)
    problems = getattr(error, "details", {}).get("errors") if error is not None else None
    return {f"{problem['field']}_{problem[key]}": _told(problem) for problem in problems or []
            if isinstance(problem, dict) and key in problem and "field" in problem}
