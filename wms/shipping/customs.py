"""A cross-border parcel's customs declaration (报关信息): what it says, whether it is complete, and
which form it needs. Pure: stdlib only.

Why a rule of its own: a forwarder refuses (or, worse, accepts and customs later holds) a parcel whose
declaration lacks a Chinese or English description, an HS code, a value or an origin; the warehouse
must learn that at the review desk, not from a failed waybill at the pack bench. `missing()` names
every gap (each a wording, so every reader sees it in their language) and the waybill request for a
destination outside China is refused while the list is not empty.

The form: the UPU's CN 22 for contents worth up to 300 SDR, CN 23 above (UPU Convention, art. 20 of
the Letter Post Regulations). Values are converted to SDR with SDR_PER_UNIT, the IMF's published
rates rounded (2026-11); a configured table may replace it (`sdr_rates`).
"""
import re
from dataclasses import dataclass, field

from wms.wording import wording

HOME_COUNTRY = "CN"
CN22_LIMIT_SDR = 300
# SDR per one unit of each currency (IMF "SDRs per currency unit", rounded; 2026-11).
SDR_PER_UNIT = {"USD": 0.75, "EUR": 0.81, "GBP": 0.96, "CNY": 0.104, "JPY": 0.0050, "HKD": 0.096,
                "AUD": 0.49, "CAD": 0.54, "SGD": 0.56, "CHF": 0.86}
CURRENCIES = tuple(SDR_PER_UNIT)
# The European Union's member states (ISO 3166 alpha-2; Greece as GR): IOSS applies to these.
EU = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
# Where addresses carry no postcode.
NO_POSTCODE = frozenset({"HK", "MO", "AE", "QA"})
# CN 22 / CN 23 categories of item (the boxes on the form).
CATEGORY_LABELS = {"sale": "Sale of goods", "gift": "Gift", "sample": "Commercial sample", "documents": "Documents",
                   "returned": "Returned goods", "other": "Other"}
CATEGORIES = tuple(CATEGORY_LABELS)

_HS = re.compile(r"^\d{6,10}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_IOSS = re.compile(r"^IM\d{10}$")            # IM + 3-digit member state + 7 digits (EU Regulation 2017/2455)
_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Item:
    """One declared line: what the forwarder and the CN 22 list."""

    sku_code: str
    qty: int
    name_cn: str = ""
    name_en: str = ""
    hs_code: str = ""
    unit_value_cents: int = 0       # in the declaration's currency
    currency: str = ""              # as the SKU declared it (must match the declaration's)
    origin: str = ""                # ISO country of manufacture
    material: str = ""
    unit_weight_g: int = 0

    @property
    def value_cents(self):
        return self.unit_value_cents * self.qty


@dataclass(frozen=True)
class Declaration:
    country: str                    # destination, ISO 3166 alpha-2
    items: tuple = ()
    currency: str = "USD"
    category: str = "sale"
    ioss_number: str = ""
    vat_number: str = ""
    recipient: dict = field(default_factory=dict)   # name, address, city, postcode

    @property
    def value_cents(self):
        return sum(item.value_cents for item in self.items)

    @property
    def weight_g(self):
        return sum(item.unit_weight_g * item.qty for item in self.items)


def needs_declaration(country):
    """A parcel leaving China needs one; a domestic one never does."""
    return (country or HOME_COUNTRY).upper() != HOME_COUNTRY


def is_eu(country):
    return (country or "").upper() in EU


def missing(declaration):
    """Every gap that keeps this declaration from going to a forwarder, as wordings; [] = complete."""
    gaps = []
    country = (declaration.country or "").upper()
    if not _ISO2.match(country):
        gaps.append(wording("destination country (two-letter code)"))
    recipient = declaration.recipient or {}
    for key, words in (("name", "recipient name"), ("address", "recipient street address"),
                       ("city", "recipient city")):
        if not str(recipient.get(key) or "").strip():
            gaps.append(wording(words))
    if country not in NO_POSTCODE and not str(recipient.get("postcode") or "").strip():
        gaps.append(wording("recipient postcode"))
    if declaration.currency not in SDR_PER_UNIT:
        gaps.append(wording("declared currency ({currencies})", currencies=", ".join(CURRENCIES)))
    if declaration.category not in CATEGORIES:
        gaps.append(wording("category of item"))
    if not declaration.items:
        gaps.append(wording("at least one declared item"))
    for item in declaration.items:
        gaps.extend(_item_gaps(item, declaration.currency))
    gaps.extend(tax_number_problems(declaration))
    return gaps


def _item_gaps(item, currency):
    sku = item.sku_code or "-"
    gaps = []
    if not item.name_cn.strip() or not _CJK.search(item.name_cn):
        gaps.append(wording("{sku}: declared name in Chinese", sku=sku))
    if not item.name_en.strip() or not item.name_en.isascii():
        gaps.append(wording("{sku}: declared name in English (Latin letters only)", sku=sku))
    if not _HS.match(item.hs_code or ""):
        gaps.append(wording("{sku}: HS code (6 to 10 digits)", sku=sku))
    if item.unit_value_cents <= 0:
        gaps.append(wording("{sku}: declared value", sku=sku))
    if item.currency and item.currency != currency:
        gaps.append(wording("{sku}: declared in {currency}, the declaration in {declared}", sku=sku,
                            currency=item.currency, declared=currency))
    if not _ISO2.match(item.origin or ""):
        gaps.append(wording("{sku}: country of origin", sku=sku))
    if item.qty <= 0:
        gaps.append(wording("{sku}: quantity", sku=sku))
    return gaps


def tax_number_problems(declaration):
    """An IOSS number only for the EU and in its form (IM + 10 digits); a VAT number in its form."""
    problems = []
    if declaration.ioss_number:
        if not _IOSS.match(declaration.ioss_number):
            problems.append(wording("IOSS number (IM followed by 10 digits)"))
        elif not is_eu(declaration.country):
            problems.append(wording("an IOSS number is for EU destinations only"))
    if declaration.vat_number and not _VAT.match(declaration.vat_number):
        problems.append(wording("VAT number (country letters and digits)"))
    return problems


def value_sdr(declaration, rates=None):
    """The contents' value in SDR (None when the currency has no rate)."""
    rate = (rates or SDR_PER_UNIT).get(declaration.currency)
    return None if rate is None else declaration.value_cents / 100 * rate


def form_for(declaration, rates=None):
    """"CN22" up to 300 SDR, "CN23" above (and when the value cannot be converted: the full form)."""
    sdr = value_sdr(declaration, rates)
    return "CN22" if sdr is not None and sdr <= CN22_LIMIT_SDR else "CN23"


def normal_tax_number(text):
    """An IOSS / VAT number as forwarders want it: capitals, no spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", str(text or "")).upper()


def tax_numbers_from(tags, channel_settings):
    """(IOSS, VAT) for an order: its `ioss:` / `vat:` tags (the import's or the platform's), else the
    channel's (a marketplace that collects the VAT gives its own IOSS number)."""
    found = {"ioss": "", "vat": ""}
    for tag in tags or ():
        if isinstance(tag, str) and ":" in tag:
            key, value = tag.split(":", 1)
            if key.strip().lower() in found and not found[key.strip().lower()]:
                found[key.strip().lower()] = normal_tax_number(value)
    settings = channel_settings or {}
    return (found["ioss"] or normal_tax_number(settings.get("ioss_number")),
            found["vat"] or normal_tax_number(settings.get("vat_number")))
