"""The canonical order record, validated fast. Pure: stdlib only.

`validate_record(record)` is the hand-written fast path of `schemas.OrderRecordSchema` (the
documented contract, used by the JSON API): same fields, same defaults, same error paths and
messages (tests/unit/test_import_mapping.py checks they agree), about 30x faster per order than
marshmallow, which matters at 100k orders a file. Field checks beyond the type are shared: the
schema calls the functions below.

Errors are `(path, reason)` with marshmallow's flattened paths: `buyer_phone`, `lines.0.qty`.
"""
import re
from datetime import datetime, timezone

MISSING = "Missing data for required field."
NULL = "Field may not be null."
NOT_STRING = "Not a valid string."
NOT_INTEGER = "Not a valid integer."
NOT_DATETIME = "Not a valid datetime."
NOT_BOOLEAN = "Not a valid boolean."
NOT_LIST = "Not a valid list."
NOT_OBJECT = "Invalid input type."
NOT_MONEY = "Not an amount of money (write it like 99.00)."
BLANK = "May not be blank."
NO_LINES = "An order needs at least one line."
MAX_LINES_PER_ORDER = 1_000
TOO_MANY_LINES = (f"More than {MAX_LINES_PER_ORDER:,} lines in one order: not an order a warehouse ships as "
                  "one parcel (split it on the platform)")
BAD_COUNTRY = "Not an ISO 3166 country code (two letters, e.g. CN)."
BAD_CURRENCY = "Not an ISO 4217 currency code (three letters, e.g. CNY)."
BAD_EMAIL = "Not a valid email address."
PAYMENT_STATUSES = ("paid", "pending", "refunded")
BAD_PAYMENT = "Must be one of: paid, pending, refunded."

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


TOO_LONG = "Longer than maximum length {limit}."
BELOW = "Must be greater than or equal to {minimum}."
_FILLED = [(template, name, re.compile(re.escape(template).replace(re.escape("{%s}" % name), r"(-?\d+)")))
           for template, name in ((TOO_LONG, "limit"), (BELOW, "minimum"))]


def too_long(limit):
    return TOO_LONG.format(limit=limit)


def below(minimum):
    return BELOW.format(minimum=minimum)


def template_of(reason):
    """(template, values) of a reason these checks wrote, so that it can be told in another
    language: the English text is what is stored (job errors, the report CSV, the API)."""
    for template, name, pattern in _FILLED:
        found = pattern.fullmatch(reason)
        if found:
            return template, {name: found.group(1)}
    return reason, {}


# --- checks shared with the marshmallow schema: value -> reason or None ------------------

def max_len(limit):
    def check(value):
        return too_long(limit) if len(value) > limit else None
    return check


def check_code(limit):
    def check(value):
        if not value.strip():
            return BLANK
        return too_long(limit) if len(value) > limit else None
    return check


def check_email(value):
    if len(value) > 255:
        return too_long(255)
    return BAD_EMAIL if value and not _EMAIL.match(value.strip()) else None


def check_country(value):
    return None if _COUNTRY.match(value) else BAD_COUNTRY


def check_currency(value):
    return None if _CURRENCY.match(value) else BAD_CURRENCY


def check_payment(value):
    return None if value in PAYMENT_STATUSES else BAD_PAYMENT


def at_least(minimum):
    def check(value):
        return below(minimum) if value < minimum else None
    return check


def parse_iso(value):
    """A datetime from an ISO 8601 string (or a datetime); None if it is not one."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def to_naive_utc(value, tz=None):
    """Naive UTC for storage; a naive input is local time in `tz` (UTC if tz is None)."""
    if value.tzinfo is None:
        if tz is None:
            return value
        return value - tz.utcoffset(value)  # = value.replace(tzinfo=tz).astimezone(utc), naive
    return value.astimezone(timezone.utc).replace(tzinfo=None)


# --- the spec: (field, kind, default, check); REQUIRED marks a field without default -----

REQUIRED = object()
_list = list

ORDER_SPEC = (
    ("external_id", "str", REQUIRED, check_code(64)),
    ("ordered_at", "datetime", None, None),
    ("buyer_name", "str", "", max_len(120)),
    ("buyer_phone", "str", "", max_len(40)),
    ("buyer_email", "str", "", check_email),
    ("country", "str", "CN", check_country),
    ("province", "str", "", max_len(60)),
    ("city", "str", "", max_len(60)),
    ("district", "str", "", max_len(60)),
    ("address", "str", "", max_len(500)),
    ("postcode", "str", "", max_len(20)),
    ("total_cents", "int", 0, at_least(0)),
    ("currency", "str", "CNY", check_currency),
    ("payment_status", "str", "paid", check_payment),
    ("buyer_remark", "str", "", max_len(2000)),
    ("seller_note", "str", "", max_len(2000)),
    ("tags", "tags", _list, None),
    ("priority", "int", 0, None),
    ("carrier_code", "str", None, max_len(40)),
    ("ship_by", "datetime", None, None),   # the platform's promised ship-by time, if it gives one
    ("presale_ship_from", "datetime", None, None),   # a presale's ship-from time (wms.orders.presale)
    ("cash_on_delivery", "bool", False, None),   # 货到付款: finance review (wms.finance) holds it
    ("invoice_requested", "bool", False, None),   # the buyer asked for an invoice (发票): finance review
    ("lines", "lines", REQUIRED, None),
)
LINE_SPEC = (
    ("sku_code", "str", REQUIRED, check_code(64)),
    ("name", "str", "", max_len(255)),
    ("qty", "int", 1, at_least(1)),
    ("unit_price_cents", "int", 0, at_least(0)),
    ("list_price_cents", "int", None, at_least(0)),   # the list (tag) price, if known: finance's discount rule
)
# A file's lines (wms.imports.order_rules): a blank SKU is imported and flagged, a negative price
# holds the order; neither rejects it.
FILE_LINE_SPEC = (
    ("sku_code", "str", "", max_len(64)),
    ("name", "str", "", max_len(255)),
    ("qty", "int", 1, at_least(1)),
    ("unit_price_cents", "int", 0, None),
    ("list_price_cents", "int", None, at_least(0)),
)
TAG_CHECK = max_len(40)
NULLABLE = {"ordered_at", "carrier_code", "ship_by", "presale_ship_from", "list_price_cents"}


BLANK_MEANS_DEFAULT = ("country", "currency")


def validate_record(record, *, file_lines=False):
    """(clean record, errors). The clean record has every field, strings stripped, naive UTC times
    (a time without an offset is taken as UTC). `file_lines`: lines as a file's (FILE_LINE_SPEC)."""
    if not isinstance(record, dict):
        return None, [("_schema", NOT_OBJECT)]
    errors = []
    record = blank_to_default(record)
    clean = _validate(record, ORDER_SPEC, "", errors, FILE_LINE_SPEC if file_lines else LINE_SPEC)
    return (None if errors else clean), errors


def blank_to_default(record):
    """A blank country or currency means the default (CN, CNY), as if the key were absent."""
    if any(record.get(k) == "" for k in BLANK_MEANS_DEFAULT):
        record = {k: v for k, v in record.items() if not (k in BLANK_MEANS_DEFAULT and v == "")}
    return record


def _validate(data, spec, prefix, errors, line_spec):
    clean = {}
    for name, kind, default, check in spec:
        if name not in data:
            if default is REQUIRED:
                errors.append((prefix + name, MISSING))
            else:
                clean[name] = default() if callable(default) else default
            continue
        value = data[name]
        if value is None:
            if name in NULLABLE:
                clean[name] = None
            else:
                errors.append((prefix + name, NULL))
            continue
        if kind == "str":
            if not isinstance(value, str):
                errors.append((prefix + name, NOT_STRING))
                continue
            reason = check(value) if check else None
            value = value.strip()
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                errors.append((prefix + name, NOT_INTEGER))
                continue
            reason = check(value) if check else None
        elif kind == "bool":
            if value is not True and value is not False:
                errors.append((prefix + name, NOT_BOOLEAN))
                continue
            reason = None
        elif kind == "datetime":
            parsed = parse_iso(value)
            if parsed is None:
                errors.append((prefix + name, NOT_DATETIME))
                continue
            value, reason = to_naive_utc(parsed, None), None
        elif kind == "tags":
            value, reason = _tags(value, prefix + name, errors), None
            if value is None:
                continue
        else:
            value, reason = _lines(value, errors, line_spec), None
            if value is None:
                continue
        if reason:
            errors.append((prefix + name, reason))
        else:
            clean[name] = value
    if "carrier_code" in clean and clean["carrier_code"] == "":
        clean["carrier_code"] = None
    return clean


def _tags(value, path, errors):
    if not isinstance(value, list):
        errors.append((path, NOT_LIST))
        return None
    failed = False
    for index, tag in enumerate(value):
        if not isinstance(tag, str):
            errors.append((f"{path}.{index}", NOT_STRING))
            failed = True
        elif len(tag) > 40:
            errors.append((f"{path}.{index}", too_long(40)))
            failed = True
    return None if failed else [t.strip() for t in value]


def _lines(value, errors, line_spec):
    if not isinstance(value, list):
        errors.append(("lines", NOT_LIST))
        return None
    before = len(errors)
    lines = []
    for index, line in enumerate(value):
        if not isinstance(line, dict):
            errors.append((f"lines.{index}", NOT_OBJECT))
            continue
        lines.append(_validate(line, line_spec, f"lines.{index}.", errors, None))
    if len(errors) > before:
        return None
    if not lines:
        errors.append(("lines", NO_LINES))
        return None
    return lines
