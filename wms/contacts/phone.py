"""Phone numbers as sellers' exports write them, normalised to E.164.

Pure: stdlib, phonenumbers and wms.wording only.

    normalise_phone(raw, country="CN") -> PhoneResult(e164, valid, problem, cleaned, extension)

`raw` is the cell as the file has it: Excel's text guards (`'13800138000`, `="13800138000"`),
full-width digits, spaces, dashes, brackets, `+86` / `86` / `0086` prefixes, a platform's privacy
extension (`13800138000-1234`, `13800138000转1234`) and several numbers in one cell
(`13800138000 / 0571-88888888`: the first valid one wins). `country` is the order's ISO 3166
two-letter country; numbers without a `+` are read as that country's (China when it is unknown).

- valid: the number is a real number of its country (the phonenumbers library, or China's mobile
  plan 1[3-9]xxxxxxxxx, which the library may know later than the operators open new prefixes);
- e164: "+8613800138000" when valid, "" otherwise;
- problem: None when valid or empty, else a wording (wms.wording) saying what is wrong;
- value: what to store: the E.164 form when valid, else the cleaned text (never the raw guards).

The same number in any written form gives the same e164.
"""
import re
from dataclasses import dataclass

import phonenumbers

from wms.contacts.guards import strip_text_guard
from wms.wording import wording

_SEVERAL = re.compile(r"\s*[,;/|，；、]\s*|\s{3,}")
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# "+86 138 0013 8000-1234", "13800138000转1234": a mobile, then a platform's privacy extension
_CN_EXTENSION = re.compile(r"^((?:\+|00)?(?:86)?[\s-]*1[3-9][0-9\s-]{9,13}?)\s*(?:-|转|#|ext\.?|x)\s*([0-9]{1,6})$",
                           re.I)
_NOT_DIAL = re.compile(r"[^0-9+]")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class PhoneResult:
    """One phone cell, normalised."""

    e164: str = ""
    valid: bool = False
    problem: dict | None = None
    cleaned: str = ""
    extension: str = ""

    @property
    def value(self):
        """What to keep on the order: E.164 when valid, else the cleaned text."""
        return self.e164 if self.valid else self.cleaned


def normalise_phone(raw, country="CN"):
    """The E.164 form of a phone cell for an order in `country` (see the module docstring)."""
    cleaned = strip_text_guard(raw)
    if not cleaned:
        return PhoneResult()
    region = _region(country)
    pieces = [piece for piece in _SEVERAL.split(cleaned) if piece.strip()] or [cleaned]
    results = [_one(piece.strip(), region) for piece in pieces]
    return next((result for result in results if result.valid), results[0])


def _region(country):
    code = (country or "").strip().upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else "CN"


def _one(text, region):
    if "*" in text:
        return PhoneResult(problem=wording("'{phone}' is masked by the platform", phone=text), cleaned=text)
    extension = ""
    match = _CN_EXTENSION.match(text)
    if match and _CN_MOBILE.fullmatch(_national_cn(match.group(1))):
        text, extension = match.group(1).strip(), match.group(2)
    if _LETTERS.search(text.replace("ext", "").replace("x", "").replace("X", "")):
        return PhoneResult(problem=wording("'{phone}' is not a phone number", phone=text), cleaned=text)
    e164, ext = _parse(text, region)
    if e164 is None:
        return PhoneResult(problem=wording("'{phone}' is not a valid {country} phone number", phone=text,
                                           country=region), cleaned=text, extension=extension)
    return PhoneResult(e164=e164, valid=True, cleaned=text, extension=extension or ext)


def _national_cn(text):
    """The digits of a Chinese number without its +86 / 0086 / 86 prefix."""
    digits = _NOT_DIAL.sub("", text).lstrip("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def _parse(text, region):
    """(E.164, extension) when the text is a valid number read in `region`, else (None, "")."""
    mobile = _cn_mobile(_NOT_DIAL.sub("", text), region)
    if mobile:
        return "+86" + mobile, ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, ""
    if not phonenumbers.is_valid_number(number):
        return None, ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), number.extension or ""


def _cn_mobile(dial, region):
    """The 11 digits of a Chinese mobile written with China's code (or bare, in China), else None."""
    if dial.startswith("+"):
        national = dial[3:] if dial.startswith("+86") else ""
    elif dial.startswith("0086"):
        national = dial[4:]
    elif dial.startswith("86") and len(dial) == 13:
        national = dial[2:]
    else:
        national = dial if region == "CN" else ""
    return national if _CN_MOBILE.fullmatch(national) else None
