"""Pure readers of the values the after-sales case modules are given (by a form, a job or another service):
a refund amount in cents, a trimmed text, a number, and the name an actor is recorded under. One place for
cases, refund_steps, case_queries, case_settings and case_timeline."""
import re

from wms.aftersales import case_states as cs
from wms.errors import ValidationFailed

AMOUNT = re.compile(r"(?P<whole>\d{0,12})(?:\.(?P<cents>\d{1,2}))?")


def parse_cents(value):
    """Cents from an int, or from a typed amount in yuan / dollars ("12.50")."""
    if isinstance(value, int) and not isinstance(value, bool):
        cents = value
    else:
        typed = AMOUNT.fullmatch(str(value or "").strip().replace(",", ""))
        if typed is None:
            raise ValidationFailed("Enter the refund as an amount such as 12.50", field="refund")
        cents = int(typed["whole"] or 0) * 100 + int((typed["cents"] or "").ljust(2, "0"))
    if cents <= 0 or cents > cs.MAX_REFUND_CENTS:
        raise ValidationFailed("Enter the refund as an amount such as 12.50", field="refund")
    return cents


def clean_text(value):
    """The value as a string without surrounding blanks ("" for None)."""
    return str(value or "").strip()


def as_int(value):
    """The value as an int, or None when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def actor_name(actor):
    """The name recorded for who did it: a user's username, a given name, or "system" for nobody."""
    if actor is None:
        return "system"
    return actor if isinstance(actor, str) else getattr(actor, "username", str(actor))
