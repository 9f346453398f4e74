"""Pure reader of the refund amount the after-sales case modules are given (by a form, a job or another
service), in cents within the case's limit. The readers every feature shares (a trimmed text, a number, the
name an actor is recorded under) are in wms/inputs.py."""
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

