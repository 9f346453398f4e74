"""The one place the import normalises a buyer's phone and address (issue 13, item 5). Pure.

The normalisers themselves live in wms.contacts (phones to E.164, one-field Chinese addresses
split into province / city / district / street / postcode, provinces named in pinyin, English or
by code); this module only applies them to a clean record read from a file, so that the record
carries what the system derives and a re-import compares normalised values with normalised values.

- phone: the E.164 form when the number is valid for the order's country, else the cleaned text
  (Excel's guards and spacing off); a phone that cannot be validated is not a reason to reject;
- province: a Chinese order's province written in pinyin, English, as a code or a short name
  (Shopify's `Zhejiang` / `ZJ`, `Beijing Shi`, `浙江`) becomes its full Chinese name (浙江省); a name
  that is not a province is kept as written;
- address: only when the file gave no province/city/district (a one-field address, e.g. Taobao's
  `浙江省 杭州市 西湖区 文三路90号 (310012)`) and the split found the city: the parts fill the
  empty fields, the street replaces the one-field text, and the postcode fills an empty one.
"""
import re

from wms.contacts.address import province_from_name, split_address
from wms.contacts.phone import normalise_phone

_PHONES = {}          # (cell, country) -> stored value: a file repeats few buyers, phonenumbers is slow
_PHONES_KEPT = 50_000
# A plain Chinese mobile (most cells of a Chinese export): its E.164 form without the library, as
# wms.contacts.phone gives it (China's mobile plan 1[3-9]xxxxxxxxx is valid there by definition).
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PROVINCES = {}       # cell -> full Chinese name or "" (a file names a few dozen provinces)
_PROVINCES_KEPT = 10_000


def normalise(record):
    """The record with its phone and one-field address normalised (in place; returned)."""
    phone, country = record.get("buyer_phone"), record.get("country") or "CN"
    if phone and country == "CN" and _CN_MOBILE.fullmatch(phone):
        record["buyer_phone"] = "+86" + phone
    elif phone:
        key = (phone, country)
        value = _PHONES.get(key)
        if value is None:
            value = normalise_phone(key[0], key[1]).value or key[0]
            if len(_PHONES) >= _PHONES_KEPT:
                _PHONES.clear()
            _PHONES[key] = value
        record["buyer_phone"] = value[:40]
    province = record.get("province")
    if province and country == "CN":
        full = _PROVINCES.get(province)
        if full is None:
            full = province_from_name(province)
            if len(_PROVINCES) < _PROVINCES_KEPT:
                _PROVINCES[province] = full
        record["province"] = full or province
    if (record.get("address") and country == "CN"
            and not (record.get("province") or record.get("city") or record.get("district"))):
        parts = split_address(record["address"])
        if parts.city:
            record["province"], record["city"], record["district"] = parts.province, parts.city, parts.district
            record["address"] = (parts.street or record["address"])[:500]
            if parts.postcode and not record.get("postcode"):
                record["postcode"] = parts.postcode
    return record
