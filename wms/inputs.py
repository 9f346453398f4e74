"""Pure readers of the plain values a service is given by a form, a JSON body or a job: a trimmed text, a
number or None, and the name an actor is recorded under. One place for every feature (core: imports nothing
of a feature, nor Flask or SQLAlchemy); a reader with its own error message or limit stays with its form.
"""


def clean_text(value):
    """The value as a string without surrounding blanks: "" for None, "0" for 0 (a typed 0 is a value)."""
    return "" if value is None else str(value).strip()


def as_int(value):
    """The value as an int, or None when it is not a number (None, "", "x", "1.5")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def actor_name(actor):
    """The name recorded for who did it: a given name as it is, a user's username (or str() of an actor
    without one), "system" for nobody."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", None) or str(actor)
