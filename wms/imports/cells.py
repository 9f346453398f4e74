"""Cell text -> values: yuan -> integer cents, whole numbers, dates and times, tags. Pure: stdlib only.

Each reader returns None for text it cannot read; the caller decides what that means (a problem
reported on the row, or the fast path stepping aside). Money goes through integer arithmetic or
Decimal, never float.
"""
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from wms.imports import validation

_TAG_SEPARATORS = re.compile(r"[,，;；]")


def split_tags(value):
    """'VIP，加急; 复购' -> ['VIP', '加急', '复购']: commas or semicolons, ASCII or full-width."""
    return [t.strip() for t in _TAG_SEPARATORS.split(value) if t.strip()]


_CENTS = {}  # amount text -> cents: a file repeats a few hundred prices
_CENTS_KEPT = 10_000


def yuan_to_cents(text):
    """'99.00' / '¥1,299.5' -> 9900 / 129950, exactly (integer arithmetic on plain 'digits[.dd]',
    Decimal for anything else); None if not an amount."""
    cents = _CENTS.get(text)
    if cents is None:
        cents = _yuan_to_cents(text)
        if cents is not None:
            if len(_CENTS) >= _CENTS_KEPT:
                _CENTS.clear()
            _CENTS[text] = cents
    return cents


def _yuan_to_cents(text):
    whole, dot, fraction = text.partition(".")
    if whole.isascii() and whole.isdigit() and (not dot or (
            fraction.isascii() and fraction.isdigit() and len(fraction) <= 2)):
        return int(whole) * 100 + (int(fraction) * (10 if len(fraction) == 1 else 1) if dot else 0)
    text = text.strip().lstrip("¥￥$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    cents = amount * 100
    if not cents.is_finite() or cents != cents.to_integral_value():
        return None
    return int(cents)


def parse_int(text):
    """' 3 ' / '2.0' -> 3 / 2; None if not a whole number."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return int(number) if number.is_finite() and number == number.to_integral_value() else None


_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")
_SIGNS = ("+", "-")


def parse_datetime(text, tz=None):
    """'2026-11-20 10:31', '2026/11/20 10:31:05', ISO, Shopify's '... +0800' -> naive UTC.

    A time without an offset is the warehouse's local time (`tz`, a tzinfo), or UTC if none.
    """
    text = text.strip().replace("/", "-")
    if text[-5:-4] in _SIGNS or text[-6:-5] in _SIGNS:  # the only places an offset can start
        text = _OFFSET.sub(r"\1", text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return validation.to_naive_utc(value, tz)


GUARD_STARTS = ("=", "'", "\t")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")


def unguard(text):
    """Excel's text guards taken off an id, phone or postcode: '="0123"' -> '0123',
    "'13800138000" -> '13800138000' (exports add them so that Excel keeps the digits as text)."""
    if text[:2] == '="' and text[-1:] == '"':
        return text[2:-1].strip()
    if text[:1] in GUARD_STARTS:
        return text.lstrip("='\t").strip()
    return text


def is_scientific(text):
    """True for an id Excel turned into scientific notation (1.23457E+17): its digits are lost."""
    return ("E" in text or "e" in text) and _SCIENTIFIC.fullmatch(text) is not None
