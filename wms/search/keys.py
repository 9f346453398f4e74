"""What a text typed into the search box can be: the keys an order is looked up by. Pure: stdlib only.

Every key is an equality or a prefix on one indexed column, never a LIKE with a leading wildcard
and never an OR across tables, so each lookup is one index probe however many orders there are
(wms.search.queries runs them one by one and merges the order ids).
"""
import re
import unicodedata
from dataclasses import dataclass, field

MAX_LENGTH = 100          # the longest text searched (an order number, a tracking number, a name)
MIN_NAME_LENGTH = 2       # one character would match a tenth of all buyers
MAX_ORDER_ID = 2**31 - 1  # past PostgreSQL's integer: cannot be an order id
_SEPARATORS = re.compile(r"[\s\-()（）.]")
_PHONE = re.compile(r"^\+?\d{7,20}$")


@dataclass(frozen=True)
class Keys:
    text: str                                    # the cleaned text ("" = nothing to search)
    numbers: tuple = ()                          # order numbers / external ids / tracking numbers, exact
    order_id: int | None = None                  # the internal order number (#123)
    phone: str = ""                              # a full phone number as typed (its stored forms: queries)
    phone_last4: str = ""                        # the last four digits of a phone
    name_prefix: str = ""                        # the start of a buyer's name
    problems: tuple = field(default=())          # why the text was refused (English msgids)


def clean(raw):
    """The text as searched: control and format characters dropped, spaces collapsed, trimmed."""
    text = "".join(" " if ch.isspace() else ch for ch in str(raw or "")
                   if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def keys_for(raw):
    """The keys to look `raw` up by; a text past MAX_LENGTH is refused (problems), not cut."""
    text = clean(raw)
    if not text:
        return Keys(text="")
    if len(text) > MAX_LENGTH:
        return Keys(text="", problems=("Search text is at most {n} characters",))
    compact = _SEPARATORS.sub("", text)
    digits = compact.lstrip("+")
    numbers = tuple(dict.fromkeys((text, text.upper(), compact, compact.upper())))
    order_id = None
    bare = text.removeprefix("#")
    if bare.isascii() and bare.isdigit() and 0 < int(bare) <= MAX_ORDER_ID:
        order_id = int(bare)
    phone = compact if _PHONE.match(compact) else ""
    last4 = digits if len(digits) == 4 and digits.isascii() and digits.isdigit() else ""
    name = text if len(text) >= MIN_NAME_LENGTH and not digits.isdigit() else ""
    return Keys(text=text, numbers=numbers, order_id=order_id, phone=phone, phone_last4=last4, name_prefix=name)


def like_prefix(text):
    """`text` as a LIKE prefix pattern with its own %, _ and \\ taken literally (escape "\\")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
