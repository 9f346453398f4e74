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


# Yes / no cells: English and Chinese words, 1/0, true/false; a COD column may name the payment
# method itself (货到付款 yes; 在线支付 / 已付款 no). Compared stripped and lower-cased.
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "是", "要", "需要", "有", "√", "✓", "货到付款", "cod",
                        "cash on delivery", "cash on delivery (cod)"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "否", "不", "不要", "不需要", "无", "×", "✗", "-",
                         "在线支付", "已付款", "online", "prepaid", "paid"})


def parse_bool(text):
    """'是' / 'yes' / '1' / 'true' / '货到付款' -> True, '否' / 'no' / '0' / 'false' / '在线支付' -> False;
    None if the text is neither (blank included: the caller's default applies to an empty cell)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_invoice(text):
    """An invoice column: a yes / no word as parse_bool reads it, or an invoice title (发票抬头: a
    company's or person's name), which means an invoice was asked for; None for a blank cell."""
    answer = parse_bool(text)
    if answer is None and text.strip():
        return True
    return answer
